package org.recurrent4j.conf;

import java.util.Objects;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.recurrent4j.cell.Cell;
import org.recurrent4j.cell.OnLstmCell;

/**
 * An ordered-neurons LSTM layer (ON-LSTM, Shen et al. 2019): an LSTM whose forget and input gates
 * are shaped by master gates over chunks of {@code C} units, ordered by a cumulative softmax, which
 * lets the layer keep a hierarchy of constituents and exposes a syntactic distance per step.
 *
 * <pre>
 *   f̃_t = cumax(W_f̃ x_t + U_f̃ h_{t-1} + b_f̃),   ĩ_t = 1 − cumax(W_ĩ x_t + U_ĩ h_{t-1} + b_ĩ)
 *   ω_t = f̃_t ⊙ ĩ_t,   f̂_t = f_t ⊙ ω_t + (f̃_t − ω_t),   î_t = i_t ⊙ ω_t + (ĩ_t − ω_t)
 *   c_t = f̂_t ⊙ c_{t-1} + î_t ⊙ ĉ_t,   h_t = o_t ⊙ tanh(c_t)
 * </pre>
 *
 * <p>with {@code f, i, o} sigmoid gates and {@code ĉ = tanh(·)} as in an LSTM (the paper fixes these
 * activations; others are rejected). See {@link OnLstmCell} for the backward equations, the
 * parameter layout (the authors' own, so weights move one to one) and DropConnect on the recurrent
 * weights. The chunk size must divide {@code nOut}.
 *
 * <pre>{@code
 * new OnLstm.Builder().nIn(64).nOut(256).chunkSize(16).dropConnect(0.25).build();
 * }</pre>
 */
public class OnLstm extends RecurrentCellLayer {
    private static final long serialVersionUID = 1L;

    private int chunkSize = 16;
    private double dropConnect;

    private OnLstm() {}

    private OnLstm(Builder builder) {
        super(builder);
        this.chunkSize = builder.chunkSize;
        this.dropConnect = builder.dropConnect;
        if (!(getActivationFn() instanceof ActivationTanH)) {
            throw new IllegalArgumentException("ON-LSTM uses tanh for the candidate and the output, as in the paper;"
                    + " got activation " + getActivationFn() + ". Leave the activation unset.");
        }
        OnLstmCell cell = (OnLstmCell) cell(); // rejects a bad chunk size or dropConnect at build time
        if (getNOut() > 0) {
            cell.chunks(hiddenSize());
        }
    }

    @Override
    public Cell cell() {
        return new OnLstmCell(chunkSize, dropConnect);
    }

    public int getChunkSize() {
        return chunkSize;
    }

    public void setChunkSize(int chunkSize) {
        this.chunkSize = chunkSize;
    }

    public double getDropConnect() {
        return dropConnect;
    }

    public void setDropConnect(double dropConnect) {
        this.dropConnect = dropConnect;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof OnLstm other) || !super.equals(o)) {
            return false;
        }
        return chunkSize == other.chunkSize && Double.compare(dropConnect, other.dropConnect) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), chunkSize, dropConnect);
    }

    /** Builds an {@link OnLstm}. */
    // build() narrows DL4J\'s generic <E extends Layer> E build() to this layer\'s type.
    @SuppressWarnings("unchecked")
    public static class Builder extends RecurrentCellLayer.Builder<Builder> {
        private int chunkSize = 16;
        private double dropConnect;

        /** Units per master-gate chunk, {@code C} (default 16); must divide nOut. */
        public Builder chunkSize(int chunkSize) {
            this.chunkSize = chunkSize;
            return this;
        }

        /** Probability of dropping a recurrent weight in a training pass, in [0, 1) (default 0). */
        public Builder dropConnect(double dropConnect) {
            this.dropConnect = dropConnect;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public OnLstm build() {
            return new OnLstm(this);
        }
    }
}
