package org.recurrent4j.cell;

import static org.recurrent4j.cell.FeatureMajor.multiply;
import static org.recurrent4j.cell.FeatureMajor.rows;
import static org.recurrent4j.cell.FeatureMajor.step;
import static org.recurrent4j.cell.FeatureMajor.stepRows;

import java.util.List;
import java.util.Map;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The gated recurrent unit, in either of its two published forms.
 *
 * <p>Reset gate applied after the recurrent product (PyTorch's {@code nn.GRU}, cuDNN; the
 * default):
 *
 * <pre>
 *   r_t = σ(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)
 *   z_t = σ(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)
 *   n_t = act(W_in x_t + b_in + r_t ⊙ (W_hn h_{t-1} + b_hn))
 *   h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t-1}
 * </pre>
 *
 * <p>Reset gate applied before it (Cho et al. 2014): {@code n_t = act(W_in x_t + b_in + W_hn (r_t ⊙
 * h_{t-1}) + b_hn)}, the rest unchanged. This form needs two recurrent products per step (the
 * r, z rows, then the n rows on {@code r_t ⊙ h_{t-1}}), with the same number of operations as one.
 *
 * <p>{@code σ} is the gate activation (sigmoid by default), {@code act} the candidate activation
 * (tanh by default). Gate blocks are stacked by rows in the order r, z, n ({@code G = 3}).
 * Parameters: {@code Wih [3H, nIn]}, {@code bih [3H]} (owned by the loop), {@code Whh [3H, H]},
 * {@code bhh [3H]}.
 */
public final class GruCell implements RecurrentCell {

    /** The cell's definition. */
    public static final class Spec implements CellSpec {
        private static final long serialVersionUID = 1L;
        private final IActivation activation;
        private final IActivation gateActivation;
        private final boolean resetAfter;

        public Spec(IActivation activation, IActivation gateActivation, boolean resetAfter) {
            this.activation = activation;
            this.gateActivation = gateActivation;
            this.resetAfter = resetAfter;
        }

        @Override
        public int gates() {
            return 3;
        }

        @Override
        public boolean hasCellState() {
            return false;
        }

        @Override
        public List<CellParameter> parameters(int hidden) {
            return List.of(
                    new CellParameter(
                            CellKeys.RECURRENT_WEIGHT, 3L * hidden, hidden, CellParameter.Kind.RECURRENT_WEIGHT),
                    new CellParameter(CellKeys.RECURRENT_BIAS, 3L * hidden, 0, CellParameter.Kind.BIAS));
        }

        @Override
        public void prepareProjection(INDArray z, Map<String, INDArray> params) {
            if (!resetAfter) {
                // Only with the reset gate before the product is b_hn outside r's reach.
                FeatureMajor.addToEveryStep(z, params.get(CellKeys.RECURRENT_BIAS));
            }
        }

        @Override
        public RecurrentCell begin(Map<String, INDArray> params, int hidden, int steps, int batch, boolean training) {
            return new GruCell(this, params, hidden, steps, batch, training);
        }
    }

    private final Spec spec;
    private final int h;
    private final boolean training;
    private final INDArray wHh;
    private final INDArray bHh;
    /** Gate activations r, z, n of every step {@code [T, 3H, B]}. */
    private final INDArray gates;
    /**
     * Per step, what the recurrent weights were multiplied with beyond {@code h_{t-1}}: with the
     * reset gate after, {@code Whh h_{t-1} + b_hh} {@code [T, 3H, B]} (replaced by its gradient in
     * backward); before, {@code r_t ⊙ h_{t-1}} {@code [T, H, B]}.
     */
    private final INDArray recurrent;

    private final INDArray scratch;
    private final INDArray scratch2;
    private final INDArray dGates;

    private GruCell(Spec spec, Map<String, INDArray> params, int hidden, int steps, int batch, boolean training) {
        this.spec = spec;
        this.h = hidden;
        this.training = training;
        this.wHh = params.get(CellKeys.RECURRENT_WEIGHT);
        this.bHh = params.get(CellKeys.RECURRENT_BIAS);
        var type = wHh.dataType();
        gates = Nd4j.create(type, steps, 3L * h, batch);
        recurrent = Nd4j.create(type, steps, spec.resetAfter ? 3L * h : h, batch);
        scratch = Nd4j.create(type, h, batch);
        scratch2 = Nd4j.create(type, h, batch);
        dGates = Nd4j.create(type, 3L * h, batch);
    }

    @Override
    public void forward(int t, INDArray z, INDArray hPrev, INDArray cPrev, INDArray hOut, INDArray cOut) {
        INDArray a = step(gates, t);
        INDArray zRz = rows(z, 0, 2L * h);
        INDArray zN = rows(z, 2L * h, 3L * h);
        INDArray rec = step(recurrent, t);
        if (spec.resetAfter) {
            Nd4j.gemm(wHh, hPrev, rec, false, false, 1.0, 0.0);
            FeatureMajor.addColumn(rec, bHh);
            zRz.addi(rows(rec, 0, 2L * h));
            Activations.apply(spec.gateActivation, zRz, rows(a, 0, 2L * h), training);
            zN.addi(multiply(rows(a, 0, h), rows(rec, 2L * h, 3L * h), scratch));
        } else {
            Nd4j.gemm(rows(wHh, 0, 2L * h), hPrev, zRz, false, false, 1.0, 1.0);
            Activations.apply(spec.gateActivation, zRz, rows(a, 0, 2L * h), training);
            multiply(rows(a, 0, h), hPrev, rec);
            Nd4j.gemm(rows(wHh, 2L * h, 3L * h), rec, zN, false, false, 1.0, 1.0);
        }
        INDArray n = rows(a, 2L * h, 3L * h);
        Activations.apply(spec.activation, zN, n, training);
        // h = n + z ⊙ (h_prev − n)
        multiply(rows(a, h, 2L * h), hPrev.sub(n), hOut).addi(n);
    }

    @Override
    public void backward(
            int t,
            INDArray dh,
            INDArray dc,
            INDArray hPrev,
            INDArray cPrev,
            INDArray cOut,
            INDArray dz,
            INDArray dhPrev,
            INDArray dcPrev) {
        INDArray a = step(gates, t);
        INDArray r = rows(a, 0, h);
        INDArray zg = rows(a, h, 2L * h);
        INDArray n = rows(a, 2L * h, 3L * h);
        INDArray rec = step(recurrent, t);

        INDArray dN = rows(dGates, 2L * h, 3L * h);
        multiply(dh, zg, scratch);
        dh.sub(scratch, dN); // dh ⊙ (1 − z)
        multiply(dh, hPrev.sub(n), rows(dGates, h, 2L * h));
        INDArray dzN = rows(dz, 2L * h, 3L * h);
        Activations.backpropInPlace(spec.activation, dzN, dN);

        INDArray dR = rows(dGates, 0, h);
        INDArray dzRz = rows(dz, 0, 2L * h);
        if (spec.resetAfter) {
            multiply(dzN, rows(rec, 2L * h, 3L * h), dR);
            Activations.backpropInPlace(spec.gateActivation, dzRz, rows(dGates, 0, 2L * h));
            // rec becomes the gradient of W_hh h + b_hh: the r, z rows as dz, the n rows gated by r.
            rows(rec, 0, 2L * h).assign(dzRz);
            multiply(dzN, r, rows(rec, 2L * h, 3L * h));
            Nd4j.gemm(wHh, rec, dhPrev, true, false, 1.0, 0.0);
        } else {
            INDArray dRh = scratch2;
            Nd4j.gemm(rows(wHh, 2L * h, 3L * h), dzN, dRh, true, false, 1.0, 0.0);
            multiply(dRh, hPrev, dR);
            Activations.backpropInPlace(spec.gateActivation, dzRz, rows(dGates, 0, 2L * h));
            Nd4j.gemm(rows(wHh, 0, 2L * h), dzRz, dhPrev, true, false, 1.0, 0.0);
            dhPrev.addi(multiply(dRh, r, scratch));
        }
        dhPrev.addi(multiply(dh, zg, scratch));
    }

    @Override
    public void parameterGradients(
            int from, INDArray dz, INDArray hPrev, INDArray cPrev, INDArray cOut, Map<String, INDArray> gradients) {
        dz = FeatureMajor.fromStep(dz, from);
        hPrev = FeatureMajor.fromStep(hPrev, from);
        cPrev = FeatureMajor.fromStep(cPrev, from);
        cOut = FeatureMajor.fromStep(cOut, from);
        INDArray dW = gradients.get(CellKeys.RECURRENT_WEIGHT);
        INDArray dB = gradients.get(CellKeys.RECURRENT_BIAS);
        if (spec.resetAfter) {
            INDArray dRec = FeatureMajor.fromStep(recurrent, from);
            dW.assign(FeatureMajor.outerSum(dRec, hPrev));
            dB.assign(dRec.sum(0, 2));
        } else {
            rows(dW, 0, 2L * h).assign(FeatureMajor.outerSum(stepRows(dz, 0, 2L * h), hPrev));
            rows(dW, 2L * h, 3L * h)
                    .assign(FeatureMajor.outerSum(
                            stepRows(dz, 2L * h, 3L * h), FeatureMajor.fromStep(recurrent, from)));
            dB.assign(dz.sum(0, 2));
        }
    }
}
