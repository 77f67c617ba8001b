package org.recurrent4j.cell;

import java.util.Arrays;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationHardSigmoid;
import org.nd4j.linalg.activations.impl.ActivationHardTanH;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftSign;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.recurrent4j.kernel.RationalTanh;

/**
 * The activations a cell can use, as scalar functions for the fused per-step loops. Each one's
 * derivative is a function of its output, so a cell keeps activations, not pre-activations.
 *
 * <p>They are the element-wise DL4J activations with the same definitions: sigmoid, tanh, hard
 * sigmoid {@code min(1, max(0, 0.2x + 0.5))}, hard tanh {@code min(1, max(−1, x))}, ReLU, softsign
 * {@code x / (1 + |x|)}, identity.
 */
public enum ScalarActivation {
    SIGMOID {
        @Override
        public double apply(double x) {
            return 1.0 / (1.0 + Math.exp(-x));
        }

        @Override
        public double derivativeFromOutput(double y) {
            return y * (1.0 - y);
        }

        @Override
        public void applyInPlace(float[] v, int from, int to) {
            RationalTanh.sigmoid(v, from, to);
        }

        @Override
        public void derivativesFromOutputs(float[] y, float[] into, int n) {
            for (int i = 0; i < n; i++) {
                into[i] = y[i] * (1f - y[i]);
            }
        }
    },
    TANH {
        @Override
        public double apply(double x) {
            // 1 − 2/(e^{2x} + 1): one intrinsic exp instead of Math.tanh's slower path.
            if (x > 20) {
                return 1.0;
            }
            if (x < -20) {
                return -1.0;
            }
            return 1.0 - 2.0 / (Math.exp(2.0 * x) + 1.0);
        }

        @Override
        public double derivativeFromOutput(double y) {
            return 1.0 - y * y;
        }

        @Override
        public void applyInPlace(float[] v, int from, int to) {
            RationalTanh.tanh(v, from, to);
        }

        @Override
        public void derivativesFromOutputs(float[] y, float[] into, int n) {
            for (int i = 0; i < n; i++) {
                into[i] = 1f - y[i] * y[i];
            }
        }
    },
    HARD_SIGMOID {
        @Override
        public double apply(double x) {
            return Math.min(1.0, Math.max(0.0, 0.2 * x + 0.5));
        }

        @Override
        public double derivativeFromOutput(double y) {
            return y > 0.0 && y < 1.0 ? 0.2 : 0.0;
        }

        @Override
        public void applyInPlace(float[] v, int from, int to) {
            for (int i = from; i < to; i++) {
                v[i] = Math.min(1f, Math.max(0f, 0.2f * v[i] + 0.5f));
            }
        }

        @Override
        public void derivativesFromOutputs(float[] y, float[] into, int n) {
            for (int i = 0; i < n; i++) {
                into[i] = y[i] > 0f && y[i] < 1f ? 0.2f : 0f;
            }
        }
    },
    HARD_TANH {
        @Override
        public double apply(double x) {
            return Math.min(1.0, Math.max(-1.0, x));
        }

        @Override
        public double derivativeFromOutput(double y) {
            return y > -1.0 && y < 1.0 ? 1.0 : 0.0;
        }

        @Override
        public void applyInPlace(float[] v, int from, int to) {
            for (int i = from; i < to; i++) {
                v[i] = Math.min(1f, Math.max(-1f, v[i]));
            }
        }

        @Override
        public void derivativesFromOutputs(float[] y, float[] into, int n) {
            for (int i = 0; i < n; i++) {
                into[i] = y[i] > -1f && y[i] < 1f ? 1f : 0f;
            }
        }
    },
    RELU {
        @Override
        public double apply(double x) {
            return x > 0.0 ? x : 0.0;
        }

        @Override
        public double derivativeFromOutput(double y) {
            return y > 0.0 ? 1.0 : 0.0;
        }

        @Override
        public void applyInPlace(float[] v, int from, int to) {
            for (int i = from; i < to; i++) {
                v[i] = Math.max(0f, v[i]);
            }
        }

        @Override
        public void derivativesFromOutputs(float[] y, float[] into, int n) {
            for (int i = 0; i < n; i++) {
                into[i] = y[i] > 0f ? 1f : 0f;
            }
        }
    },
    SOFTSIGN {
        @Override
        public double apply(double x) {
            return x / (1.0 + Math.abs(x));
        }

        @Override
        public double derivativeFromOutput(double y) {
            double d = 1.0 - Math.abs(y);
            return d * d;
        }

        @Override
        public void applyInPlace(float[] v, int from, int to) {
            for (int i = from; i < to; i++) {
                v[i] = v[i] / (1f + Math.abs(v[i]));
            }
        }

        @Override
        public void derivativesFromOutputs(float[] y, float[] into, int n) {
            for (int i = 0; i < n; i++) {
                float d = 1f - Math.abs(y[i]);
                into[i] = d * d;
            }
        }
    },
    IDENTITY {
        @Override
        public double apply(double x) {
            return x;
        }

        @Override
        public double derivativeFromOutput(double y) {
            return 1.0;
        }

        @Override
        public void applyInPlace(float[] v, int from, int to) {}

        @Override
        public void derivativesFromOutputs(float[] y, float[] into, int n) {
            Arrays.fill(into, 0, n, 1f);
        }
    };

    public abstract double apply(double x);

    /**
     * Replaces {@code v[from, to)} with their activations, in float32: the loop of a float32
     * network's cells. Sigmoid and tanh are {@link RationalTanh}'s (within 2.2e-7 and 3.8e-7 of the
     * exact values); each loop is one array and one index, so that HotSpot vectorizes it.
     */
    public abstract void applyInPlace(float[] v, int from, int to);

    /** {@code into[i] = f'(x)} written as a function of {@code y[i] = f(x)}, for {@code i < n}, in float32. */
    public abstract void derivativesFromOutputs(float[] y, float[] into, int n);

    /** {@code f'(x)} written as a function of {@code y = f(x)}. */
    public abstract double derivativeFromOutput(double y);

    /**
     * The scalar form of a DL4J activation.
     *
     * @param role what the activation is for, named in the error (e.g. "LSTM gate activation")
     * @throws IllegalArgumentException for an activation that has no scalar form here
     */
    public static ScalarActivation of(IActivation activation, String role) {
        if (activation instanceof ActivationSigmoid) {
            return SIGMOID;
        }
        if (activation instanceof ActivationTanH) {
            return TANH;
        }
        if (activation instanceof ActivationHardSigmoid) {
            return HARD_SIGMOID;
        }
        if (activation instanceof ActivationHardTanH) {
            return HARD_TANH;
        }
        if (activation instanceof ActivationSoftSign) {
            return SOFTSIGN;
        }
        if (activation instanceof ActivationIdentity) {
            return IDENTITY;
        }
        if (activation instanceof ActivationReLU relu && relu.equals(new ActivationReLU())) {
            return RELU;
        }
        throw new IllegalArgumentException("Unsupported " + role + ": " + activation
                + ". Recurrent cells support SIGMOID, TANH, HARDSIGMOID, HARDTANH, RELU (plain), SOFTSIGN and"
                + " IDENTITY; choose one of these.");
    }
}
