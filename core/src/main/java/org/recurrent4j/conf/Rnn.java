package org.recurrent4j.conf;

import org.recurrent4j.cell.Cell;
import org.recurrent4j.cell.RnnCell;

/**
 * A vanilla (Elman) recurrent layer, as PyTorch's {@code nn.RNN}:
 *
 * <pre>
 *   h_t = act(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)
 * </pre>
 *
 * <p>{@code act} is the layer's activation: tanh (the default) or ReLU, or any DL4J activation.
 * Parameters (keys as in {@code net.getParam("0_Whh")}): {@code Wih [H, nIn]}, {@code bih [H]},
 * {@code Whh [H, H]}, {@code bhh [H]}. Input {@code [batch, nIn, time]}, output {@code [batch, H,
 * time]} (NCW; NWC with {@code dataFormat(RNNFormat.NWC)}).
 *
 * <pre>{@code
 * new Rnn.Builder().nIn(10).nOut(32).activation(Activation.RELU)
 *         .weightInitRecurrent(new OrthogonalInit()).build();
 * }</pre>
 */
public class Rnn extends RecurrentCellLayer {
    private static final long serialVersionUID = 1L;

    private Rnn() {}

    private Rnn(Builder builder) {
        super(builder);
        cell(); // rejects an activation the cell cannot use, at build time
    }

    @Override
    public Cell cell() {
        return new RnnCell(getActivationFn());
    }

    /** Builds an {@link Rnn}. */
    // build() narrows DL4J\'s generic <E extends Layer> E build() to this layer\'s type.
    @SuppressWarnings("unchecked")
    public static class Builder extends RecurrentCellLayer.Builder<Builder> {
        @Override
        @SuppressWarnings("unchecked")
        public Rnn build() {
            return new Rnn(this);
        }
    }
}
