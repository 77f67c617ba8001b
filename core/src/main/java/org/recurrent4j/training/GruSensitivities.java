package org.recurrent4j.training;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

import java.nio.DoubleBuffer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * RTRL for the GRU ({@code G = 3}, gate rows r, z, n), in both of its forms. With the reset gate
 * after the recurrent product ({@code n = act(a_n)}, {@code a_n = W_in x + b_in + r ⊙ (W_hn h +
 * b_hn)}, {@code h' = (1 − z) ⊙ n + z ⊙ h}):
 *
 * <pre>
 *   P_t = diag(z) P_{t-1} + diag(c_r) W_hr P_{t-1} + diag(c_z) W_hz P_{t-1} + diag(c_n ⊙ r) W_hn P_{t-1} + explicit
 *   c_n = (1 − z) ⊙ act'(a_n),  c_z = (h_{t-1} − n) ⊙ σ'(a_z),  c_r = c_n ⊙ (W_hn h_{t-1} + b_hn) ⊙ σ'(a_r)
 * </pre>
 *
 * (one product {@code W_hh P_{t-1}} for the three blocks). With the reset gate before it ({@code
 * a_n = W_in x + b_in + W_hn v + b_hn}, {@code v = r ⊙ h}), the sensitivity of {@code v} comes
 * first, {@code V = diag(r) P_{t-1} + diag(h ⊙ σ'(a_r)) (W_hr P_{t-1} + ∂a_r/∂θ)}, then
 *
 * <pre>
 *   P_t = diag(z) P_{t-1} + diag(c_z) (W_hz P_{t-1} + ∂a_z/∂θ) + diag(c_n) (W_hn V + ∂a_n/∂θ)
 * </pre>
 *
 * (two products). Per step and example: {@code 3H²·nθ} multiply-adds, {@code nθ = 3H(nIn + H +
 * 2)}: nine times the vanilla cell's cost with the same H.
 */
final class GruSensitivities extends StateSensitivities {

    private final IActivation activation;
    private final IActivation gateActivation;
    private final boolean resetAfter;
    /** {@code W_hh P} for the rows the first product covers ({@code [3H]} or {@code [2H]} rows). */
    private final INDArray recurrentProduct;

    private final DoubleBuffer recurrentProductData;
    /** Reset before only: {@code V} and {@code W_hn V}, {@code [H]} rows each. */
    private final INDArray resetState;

    private final DoubleBuffer resetStateData;
    private final INDArray resetStateProduct;
    private final DoubleBuffer resetStateProductData;

    GruSensitivities(
            int nIn, int hidden, int batch, IActivation activation, IActivation gateActivation, boolean resetAfter) {
        super(nIn, hidden, 3, batch, resetAfter ? 3 * hidden : 4 * hidden);
        this.activation = activation;
        this.gateActivation = gateActivation;
        this.resetAfter = resetAfter;
        this.recurrentProduct = scratch((resetAfter ? 3 : 2) * hidden);
        this.recurrentProductData = recurrentProduct.data().asNioDouble();
        this.resetState = resetAfter ? null : scratch(hidden);
        this.resetStateData = resetAfter ? null : resetState.data().asNioDouble();
        this.resetStateProduct = resetAfter ? null : scratch(hidden);
        this.resetStateProductData =
                resetAfter ? null : resetStateProduct.data().asNioDouble();
    }

    @Override
    double[] advance(double[] x, RecurrentParameters weights) {
        return resetAfter ? advanceResetAfter(x, weights) : advanceResetBefore(x, weights);
    }

    /** The gate activations of rows r and z, {@code [B, 2H]}, from both sides' pre-activations. */
    private ActivationValues gates(double[] inputSide, double[] recurrentRz) {
        int gh = 3 * hidden;
        double[] a = new double[batch * 2 * hidden];
        for (int b = 0; b < batch; b++) {
            for (int r = 0; r < 2 * hidden; r++) {
                a[b * 2 * hidden + r] = inputSide[b * gh + r] + recurrentRz[b * 2 * hidden + r];
            }
        }
        return ActivationValues.of(gateActivation, a, batch, 2 * hidden);
    }

    private double[] advanceResetAfter(double[] x, RecurrentParameters weights) {
        int gh = 3 * hidden;
        product(weights.whhMatrix, p, recurrentProduct);
        double[] inputSide = weights.inputSide(0, gh, x, nIn, batch);
        double[] recurrentSide = weights.recurrentSide(0, gh, h, hidden, batch);
        double[] recurrentRz = new double[batch * 2 * hidden];
        double[] an = new double[batch * hidden];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(recurrentSide, b * gh, recurrentRz, b * 2 * hidden, 2 * hidden);
        }
        ActivationValues rz = gates(inputSide, recurrentRz);
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < hidden; i++) {
                double r = rz.values[b * 2 * hidden + i];
                an[b * hidden + i] = inputSide[b * gh + 2 * hidden + i] + r * recurrentSide[b * gh + 2 * hidden + i];
            }
        }
        ActivationValues n = ActivationValues.of(activation, an, batch, hidden);
        double[] next = new double[batch * hidden];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < hidden; i++) {
                int at = b * hidden + i;
                double r = rz.values[b * 2 * hidden + i];
                double z = rz.values[b * 2 * hidden + hidden + i];
                double hn = recurrentSide[b * gh + 2 * hidden + i];
                double cn = (1.0 - z) * n.derivatives[at];
                double cz = (h[at] - n.values[at]) * rz.derivatives[b * 2 * hidden + hidden + i];
                double cr = cn * hn * rz.derivatives[b * 2 * hidden + i];
                double cHn = cn * r;
                next[at] = n.values[at] + z * (h[at] - n.values[at]);
                int start = rowStart(i, b);
                int qr = rowStart(i, b);
                int qz = rowStart(hidden + i, b);
                int qn = rowStart(2 * hidden + i, b);
                for (int k = 0; k < count; k++) {
                    pNextData.put(
                            start + k,
                            z * pData.get(start + k)
                                    + cr * recurrentProductData.get(qr + k)
                                    + cz * recurrentProductData.get(qz + k)
                                    + cHn * recurrentProductData.get(qn + k));
                }
                addExplicit(pNextData, start, i, cr, x, b, cr, h);
                addExplicit(pNextData, start, hidden + i, cz, x, b, cz, h);
                addExplicit(pNextData, start, 2 * hidden + i, cn, x, b, cHn, h);
            }
        }
        return next;
    }

    private double[] advanceResetBefore(double[] x, RecurrentParameters weights) {
        int gh = 3 * hidden;
        INDArray wRz = weights.whhMatrix.get(interval(0, 2 * hidden), all()).dup('c');
        INDArray wN = weights.whhMatrix.get(interval(2 * hidden, gh), all()).dup('c');
        product(wRz, p, recurrentProduct);
        double[] inputSide = weights.inputSide(0, gh, x, nIn, batch);
        double[] recurrentRz = weights.recurrentSide(0, 2 * hidden, h, hidden, batch);
        ActivationValues rz = gates(inputSide, recurrentRz);
        double[] v = new double[batch * hidden];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < hidden; i++) {
                v[b * hidden + i] = rz.values[b * 2 * hidden + i] * h[b * hidden + i];
            }
        }
        // V = ∂v/∂θ = diag(r) P + diag(h ⊙ σ'(a_r)) (W_hr P + ∂a_r/∂θ)
        for (int i = 0; i < hidden; i++) {
            for (int b = 0; b < batch; b++) {
                double r = rz.values[b * 2 * hidden + i];
                double cv = h[b * hidden + i] * rz.derivatives[b * 2 * hidden + i];
                int start = rowStart(i, b);
                for (int k = 0; k < count; k++) {
                    resetStateData.put(start + k, r * pData.get(start + k) + cv * recurrentProductData.get(start + k));
                }
                addExplicit(resetStateData, start, i, cv, x, b, cv, h);
            }
        }
        product(wN, resetState, resetStateProduct);
        double[] recurrentN = weights.recurrentSide(2 * hidden, gh, v, hidden, batch);
        double[] an = new double[batch * hidden];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < hidden; i++) {
                an[b * hidden + i] = inputSide[b * gh + 2 * hidden + i] + recurrentN[b * hidden + i];
            }
        }
        ActivationValues n = ActivationValues.of(activation, an, batch, hidden);
        double[] next = new double[batch * hidden];
        for (int i = 0; i < hidden; i++) {
            for (int b = 0; b < batch; b++) {
                int at = b * hidden + i;
                double z = rz.values[b * 2 * hidden + hidden + i];
                double cn = (1.0 - z) * n.derivatives[at];
                double cz = (h[at] - n.values[at]) * rz.derivatives[b * 2 * hidden + hidden + i];
                next[at] = n.values[at] + z * (h[at] - n.values[at]);
                int start = rowStart(i, b);
                int qz = rowStart(hidden + i, b);
                for (int k = 0; k < count; k++) {
                    pNextData.put(
                            start + k,
                            z * pData.get(start + k)
                                    + cz * recurrentProductData.get(qz + k)
                                    + cn * resetStateProductData.get(start + k));
                }
                addExplicit(pNextData, start, hidden + i, cz, x, b, cz, h);
                addExplicit(pNextData, start, 2 * hidden + i, cn, x, b, cn, v);
            }
        }
        return next;
    }

    @Override
    long numbersPerExample() {
        return (resetAfter ? 5L : 6L) * hidden * count + hidden;
    }
}
