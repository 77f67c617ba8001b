package org.recurrent4j.conf;

import java.util.Objects;
import org.recurrent4j.cell.Cell;
import org.recurrent4j.cell.GruCell;

/**
 * A gated recurrent unit layer. By default it is PyTorch's {@code nn.GRU} (the reset gate applied
 * after the recurrent product, as cuDNN does); {@code resetAfter(false)} gives the form of Cho et
 * al. (2014), with the reset gate applied to the state before the product.
 *
 * <pre>
 *   r_t = σ(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)
 *   z_t = σ(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)
 *   n_t = act(W_in x_t + b_in + r_t ⊙ (W_hn h_{t-1} + b_hn))        reset after (default)
 *   n_t = act(W_in x_t + b_in + W_hn (r_t ⊙ h_{t-1}) + b_hn)        reset before
 *   h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t-1}
 * </pre>
 *
 * <p>Parameters: {@code Wih [3H, nIn]}, {@code bih [3H]}, {@code Whh [3H, H]}, {@code bhh [3H]},
 * gate blocks in the order r, z, n.
 *
 * <pre>{@code
 * new Gru.Builder().nIn(128).nOut(256).weightInitRecurrent(new OrthogonalInit()).build();
 * }</pre>
 */
public class Gru extends GatedCellLayer {
    private static final long serialVersionUID = 1L;

    private boolean resetAfter = true;

    private Gru() {}

    private Gru(Builder builder) {
        super(builder);
        this.resetAfter = builder.resetAfter;
        cell(); // rejects an activation the cell cannot use, at build time
    }

    @Override
    public Cell cell() {
        return new GruCell(getActivationFn(), getGateActivationFn(), resetAfter);
    }

    public boolean isResetAfter() {
        return resetAfter;
    }

    public void setResetAfter(boolean resetAfter) {
        this.resetAfter = resetAfter;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Gru other) || !super.equals(o)) {
            return false;
        }
        return resetAfter == other.resetAfter;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), resetAfter);
    }

    /** Builds a {@link Gru}. */
    // build() narrows DL4J\'s generic <E extends Layer> E build() to this layer\'s type.
    @SuppressWarnings("unchecked")
    public static class Builder extends GatedCellLayer.Builder<Builder> {
        private boolean resetAfter = true;

        /**
         * Where the reset gate acts: true (default) after the recurrent product, as PyTorch and
         * cuDNN; false before it, as Cho et al. (2014).
         */
        public Builder resetAfter(boolean resetAfter) {
            this.resetAfter = resetAfter;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public Gru build() {
            return new Gru(this);
        }
    }
}
