package org.recurrent4j.conf;

import java.util.Objects;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;

/**
 * A cell layer whose cell has gates (LSTM, GRU): it adds the gate activation {@code σ}, sigmoid
 * by default, to the layer's own activation.
 */
public abstract class GatedCellLayer extends RecurrentCellLayer {
    private static final long serialVersionUID = 1L;

    private IActivation gateActivationFn = new ActivationSigmoid();

    protected GatedCellLayer() {}

    protected GatedCellLayer(Builder<?> builder) {
        super(builder);
        this.gateActivationFn = builder.gateActivationFn;
    }

    public IActivation getGateActivationFn() {
        return gateActivationFn;
    }

    public void setGateActivationFn(IActivation gateActivationFn) {
        this.gateActivationFn = gateActivationFn;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GatedCellLayer other
                && super.equals(o)
                && Objects.equals(gateActivationFn, other.gateActivationFn);
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), gateActivationFn);
    }

    /** The builder of a gated cell layer. */
    public abstract static class Builder<T extends Builder<T>> extends RecurrentCellLayer.Builder<T> {
        private IActivation gateActivationFn = new ActivationSigmoid();

        /** The activation of the gates (default sigmoid). */
        public T gateActivationFunction(Activation activation) {
            return gateActivationFunction(activation.getActivationFunction());
        }

        /** The activation of the gates (default sigmoid). */
        @SuppressWarnings("unchecked")
        public T gateActivationFunction(IActivation activation) {
            this.gateActivationFn = activation;
            return (T) this;
        }
    }
}
