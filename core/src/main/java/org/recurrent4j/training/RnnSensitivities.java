package org.recurrent4j.training;

import org.nd4j.linalg.activations.IActivation;

/**
 * RTRL for the vanilla cell {@code h_t = f(a_t)}, {@code a_t = W_ih x_t + b_ih + W_hh h_{t-1} +
 * b_hh}:
 *
 * <pre>
 *   P_t = D_t (W_hh P_{t-1} + ∂a_t/∂θ),   D_t = diag(f'(a_t))
 * </pre>
 *
 * where the explicit term {@code ∂a_t/∂θ} is sparse: row i has {@code x_t} at {@code Wih[i, ·]},
 * 1 at {@code bih[i]}, {@code h_{t-1}} at {@code Whh[i, ·]} and 1 at {@code bhh[i]}. Per step and
 * example: {@code H²·nθ} multiply-adds for the product, {@code nθ = H(nIn + H + 2)}.
 */
final class RnnSensitivities extends StateSensitivities {

    private final IActivation activation;

    RnnSensitivities(int nIn, int hidden, int batch, IActivation activation) {
        super(nIn, hidden, 1, batch, 0);
        this.activation = activation;
    }

    @Override
    double[] advance(double[] x, RecurrentParameters weights) {
        product(weights.whhMatrix, p, pNext);
        double[] a = weights.inputSide(0, hidden, x, nIn, batch);
        double[] recurrent = weights.recurrentSide(0, hidden, h, hidden, batch);
        for (int k = 0; k < a.length; k++) {
            a[k] += recurrent[k];
        }
        ActivationValues f = ActivationValues.of(activation, a, batch, hidden);
        for (int i = 0; i < hidden; i++) {
            for (int b = 0; b < batch; b++) {
                double d = f.derivatives[b * hidden + i];
                int start = rowStart(i, b);
                for (int k = start; k < start + count; k++) {
                    pNextData.put(k, d * pNextData.get(k));
                }
                addExplicit(pNextData, start, i, d, x, b, d, h);
            }
        }
        return f.values;
    }

    @Override
    long numbersPerExample() {
        return 2L * hidden * count + hidden;
    }
}
