package org.recurrent4j.conf;

import java.util.Objects;
import org.recurrent4j.cell.Cell;
import org.recurrent4j.cell.LstmCell;

/**
 * A long short-term memory layer, as PyTorch's {@code nn.LSTM}, with options for peephole
 * connections, a coupled input–forget gate, the forget-gate bias and the gate activation.
 *
 * <pre>
 *   i_t = σ(W_ii x_t + b_ii + W_hi h_{t-1} + b_hi [+ w_ci ⊙ c_{t-1}])
 *   f_t = σ(W_if x_t + b_if + W_hf h_{t-1} + b_hf [+ w_cf ⊙ c_{t-1}])      (coupled: f_t = 1 − i_t)
 *   g_t = act(W_ig x_t + b_ig + W_hg h_{t-1} + b_hg)
 *   c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t
 *   o_t = σ(W_io x_t + b_io + W_ho h_{t-1} + b_ho [+ w_co ⊙ c_t])
 *   h_t = o_t ⊙ act(c_t)
 * </pre>
 *
 * <p>Parameters: {@code Wih [G·H, nIn]}, {@code bih [G·H]}, {@code Whh [G·H, H]}, {@code bhh
 * [G·H]}, gate blocks in the order i, f, g, o ({@code G = 4}; coupled: i, g, o, {@code G = 3}); with
 * peepholes also {@code wpeep}: {@code [3H]} = (w_ci, w_cf, w_co), or {@code [2H]} = (w_ci, w_co)
 * when coupled. The forget-gate rows of {@code bih} start at {@link Builder#forgetGateBiasInit}
 * (1.0 by default), the rest of the biases at the layer's bias init; peepholes start at zero.
 *
 * <pre>{@code
 * new Lstm.Builder().nIn(65).nOut(256).peephole(true).forgetGateBiasInit(1.0)
 *         .weightInitRecurrent(new OrthogonalInit()).build();
 * }</pre>
 */
public class Lstm extends GatedCellLayer {
    private static final long serialVersionUID = 1L;

    private boolean peephole;
    private boolean coupledInputForget;
    private double forgetGateBiasInit = 1.0;

    private Lstm() {}

    private Lstm(Builder builder) {
        super(builder);
        this.peephole = builder.peephole;
        this.coupledInputForget = builder.coupledInputForget;
        this.forgetGateBiasInit = builder.forgetGateBiasInit;
        cell(); // rejects an activation the cell cannot use, at build time
    }

    @Override
    public Cell cell() {
        return new LstmCell(getActivationFn(), getGateActivationFn(), peephole, coupledInputForget, forgetGateBiasInit);
    }

    public boolean isPeephole() {
        return peephole;
    }

    public void setPeephole(boolean peephole) {
        this.peephole = peephole;
    }

    public boolean isCoupledInputForget() {
        return coupledInputForget;
    }

    public void setCoupledInputForget(boolean coupledInputForget) {
        this.coupledInputForget = coupledInputForget;
    }

    public double getForgetGateBiasInit() {
        return forgetGateBiasInit;
    }

    public void setForgetGateBiasInit(double forgetGateBiasInit) {
        this.forgetGateBiasInit = forgetGateBiasInit;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Lstm other) || !super.equals(o)) {
            return false;
        }
        return peephole == other.peephole
                && coupledInputForget == other.coupledInputForget
                && Double.compare(forgetGateBiasInit, other.forgetGateBiasInit) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), peephole, coupledInputForget, forgetGateBiasInit);
    }

    /** Builds an {@link Lstm}. */
    // build() narrows DL4J\'s generic <E extends Layer> E build() to this layer\'s type.
    @SuppressWarnings("unchecked")
    public static class Builder extends GatedCellLayer.Builder<Builder> {
        private boolean peephole;
        private boolean coupledInputForget;
        private double forgetGateBiasInit = 1.0;

        /** Adds peephole connections from the memory cell to the i, f and o gates (default off). */
        public Builder peephole(boolean peephole) {
            this.peephole = peephole;
            return this;
        }

        /** Couples the forget gate to the input gate, {@code f = 1 − i} (default off). */
        public Builder coupledInputForget(boolean coupled) {
            this.coupledInputForget = coupled;
            return this;
        }

        /** The initial forget-gate bias (default 1.0; ignored when coupled). */
        public Builder forgetGateBiasInit(double bias) {
            this.forgetGateBiasInit = bias;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public Lstm build() {
            return new Lstm(this);
        }
    }
}
