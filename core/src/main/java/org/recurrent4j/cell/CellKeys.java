package org.recurrent4j.cell;

/**
 * Parameter keys shared by the cells, after PyTorch's names: {@code weight_ih_l0} is {@code Wih},
 * {@code bias_ih_l0} is {@code bih}, {@code weight_hh_l0} is {@code Whh}, {@code bias_hh_l0} is
 * {@code bhh}, with the same shapes and gate order, so weights move across one to one. (DL4J splits
 * gradient keys at their last underscore to find the layer, so keys have none.)
 */
public final class CellKeys {

    /** Input weights {@code [rows, k·nIn]}, gate blocks stacked by rows. */
    public static final String INPUT_WEIGHT = "Wih";
    /** Input bias. */
    public static final String INPUT_BIAS = "bih";
    /** Recurrent weights {@code [rows, H]}, gate blocks stacked by rows. */
    public static final String RECURRENT_WEIGHT = "Whh";
    /** Recurrent bias. */
    public static final String RECURRENT_BIAS = "bhh";
    /** LSTM peephole weights: {@code [3H]} as (w_ci, w_cf, w_co), or {@code [2H]} (w_ci, w_co) when coupled. */
    public static final String PEEPHOLE = "wpeep";

    private CellKeys() {}
}
