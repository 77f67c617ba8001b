package org.recurrent4j.cell;

/**
 * One parameter of a recurrent cell layer.
 *
 * @param key the parameter key as seen by DL4J ({@code net.getParam("0_" + key)})
 * @param rows number of rows (or the length, for a vector)
 * @param columns number of columns, or 0 for a vector
 * @param kind what the parameter is, which decides its initialization and regularization
 */
public record CellParameter(String key, long rows, long columns, Kind kind) {

    /** What a parameter is. */
    public enum Kind {
        /** Input weights {@code [G·H, nIn]}: initialized with the layer's weight init. */
        INPUT_WEIGHT,
        /** Recurrent weights {@code [G·H, H]}: initialized block by block with the recurrent init. */
        RECURRENT_WEIGHT,
        /** A bias vector: initialized to zero, not regularized. */
        BIAS,
        /** Peephole weights: initialized to zero, regularized like weights. */
        PEEPHOLE
    }

    /** The number of values. */
    public long length() {
        return columns == 0 ? rows : rows * columns;
    }

    /** The shape of the parameter array. */
    public long[] shape() {
        return columns == 0 ? new long[] {rows} : new long[] {rows, columns};
    }
}
