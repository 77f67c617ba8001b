package org.recurrent4j.cell;

import java.util.Arrays;
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
            ScalarActivation.of(activation, "GRU activation");
            ScalarActivation.of(gateActivation, "GRU gate activation");
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
        public void prepareProjection(SequenceState state, Map<String, INDArray> params) {
            // With the reset gate after the product, b_hn sits under r and is added per step.
            int rows = (resetAfter ? 2 : 3) * state.hidden;
            state.addRowBias(params.get(CellKeys.RECURRENT_BIAS).toDoubleVector(), 0, rows);
        }

        @Override
        public RecurrentCell begin(Map<String, INDArray> params, SequenceState state) {
            return new GruCell(this, params, state);
        }
    }

    private final boolean resetAfter;
    private final ScalarActivation gate;
    private final ScalarActivation act;
    private final NativeArray wHh;
    /** b_hn, added under the reset gate (reset after only). */
    private final double[] bHn;
    /**
     * Per step, what the recurrent weights multiplied besides {@code h_{t-1}}: with the reset gate
     * after, {@code W_hh h_{t-1}} {@code [3H, T, B]} (its n rows with b_hn added), replaced by its
     * gradient in backward; before, {@code r_t ⊙ h_{t-1}} {@code [H, T, B]}.
     */
    private final NativeArray recurrent;
    /** With the reset gate before: {@code W_hn^T dz_n} of the current backward step {@code [H, B]}. */
    private final NativeArray dResetState;

    private GruCell(Spec spec, Map<String, INDArray> params, SequenceState state) {
        this.resetAfter = spec.resetAfter;
        this.gate = ScalarActivation.of(spec.gateActivation, "GRU gate activation");
        this.act = ScalarActivation.of(spec.activation, "GRU activation");
        this.wHh = RecurrentWeights.of(params, state);
        int h = state.hidden;
        double[] bHh = params.get(CellKeys.RECURRENT_BIAS).toDoubleVector();
        this.bHn = Arrays.copyOfRange(bHh, 2 * h, 3 * h);
        recurrent = state.sequenceBuffer(resetAfter ? "gru.Whh h" : "gru.r*h", resetAfter ? 3 * h : h);
        dResetState = resetAfter ? null : state.buffers.get("gru.dRh", state.type, h, state.batch);
    }

    @Override
    public void forward(int t, SequenceState s) {
        int h = s.hidden;
        int b = s.batch;
        int ld = s.zStride();
        NativeArray z = s.z;
        if (resetAfter) {
            Blas.gemm(
                    false,
                    false,
                    3 * h,
                    b,
                    h,
                    1.0,
                    wHh,
                    0,
                    h,
                    s.h,
                    s.stateAt(0, t),
                    s.stateStride(),
                    0.0,
                    recurrent,
                    s.zAt(0, t),
                    ld);
            RowParallel.run(h, b, (from, to) -> {
                for (int j = from; j < to; j++) {
                    int rAt = s.zAt(j, t);
                    int uAt = s.zAt(h + j, t);
                    int nAt = s.zAt(2 * h + j, t);
                    int prev = s.stateAt(j, t);
                    int next = s.stateAt(j, t + 1);
                    for (int k = 0; k < b; k++) {
                        double hn = recurrent.get(nAt + k) + bHn[j];
                        double r = gate.apply(z.get(rAt + k) + recurrent.get(rAt + k));
                        double u = gate.apply(z.get(uAt + k) + recurrent.get(uAt + k));
                        double n = act.apply(z.get(nAt + k) + r * hn);
                        recurrent.set(nAt + k, hn);
                        z.set(rAt + k, r);
                        z.set(uAt + k, u);
                        z.set(nAt + k, n);
                        s.h.set(next + k, n + u * (s.h.get(prev + k) - n));
                    }
                }
            });
        } else {
            RecurrentWeights.addProduct(s, t, wHh, 2 * h);
            RowParallel.run(h, b, (from, to) -> {
                for (int j = from; j < to; j++) {
                    int rAt = s.zAt(j, t);
                    int uAt = s.zAt(h + j, t);
                    int prev = s.stateAt(j, t);
                    for (int k = 0; k < b; k++) {
                        double r = gate.apply(z.get(rAt + k));
                        z.set(rAt + k, r);
                        z.set(uAt + k, gate.apply(z.get(uAt + k)));
                        recurrent.set(rAt + k, r * s.h.get(prev + k));
                    }
                }
            });
            Blas.gemm(
                    false,
                    false,
                    h,
                    b,
                    h,
                    1.0,
                    wHh,
                    2L * h * h,
                    h,
                    recurrent,
                    s.zAt(0, t),
                    ld,
                    1.0,
                    z,
                    s.zAt(2 * h, t),
                    ld);
            RowParallel.run(h, b, (from, to) -> {
                for (int j = from; j < to; j++) {
                    int uAt = s.zAt(h + j, t);
                    int nAt = s.zAt(2 * h + j, t);
                    int prev = s.stateAt(j, t);
                    int next = s.stateAt(j, t + 1);
                    for (int k = 0; k < b; k++) {
                        double n = act.apply(z.get(nAt + k));
                        z.set(nAt + k, n);
                        s.h.set(next + k, n + z.get(uAt + k) * (s.h.get(prev + k) - n));
                    }
                }
            });
        }
    }

    @Override
    public void backward(int t, SequenceState s) {
        int h = s.hidden;
        int b = s.batch;
        int ld = s.zStride();
        NativeArray z = s.z;
        if (resetAfter) {
            RowParallel.run(h, b, (from, to) -> {
                for (int j = from; j < to; j++) {
                    int rAt = s.zAt(j, t);
                    int uAt = s.zAt(h + j, t);
                    int nAt = s.zAt(2 * h + j, t);
                    int prev = s.stateAt(j, t);
                    for (int k = 0; k < b; k++) {
                        double r = z.get(rAt + k);
                        double u = z.get(uAt + k);
                        double n = z.get(nAt + k);
                        double dh = s.dh.get(j * b + k);
                        double dzN = dh * (1.0 - u) * act.derivativeFromOutput(n);
                        double dzR = dzN * recurrent.get(nAt + k) * gate.derivativeFromOutput(r);
                        double dzU = dh * (s.h.get(prev + k) - n) * gate.derivativeFromOutput(u);
                        z.set(rAt + k, dzR);
                        z.set(uAt + k, dzU);
                        z.set(nAt + k, dzN);
                        // Gradient of W_hh h: the r and z rows as dz, the n rows gated by r.
                        recurrent.set(rAt + k, dzR);
                        recurrent.set(uAt + k, dzU);
                        recurrent.set(nAt + k, dzN * r);
                        s.dhPrev.set(j * b + k, dh * u);
                    }
                }
            });
            Blas.gemm(true, false, h, b, 3 * h, 1.0, wHh, 0, h, recurrent, s.zAt(0, t), ld, 1.0, s.dhPrev, 0, b);
        } else {
            RowParallel.run(h, b, (from, to) -> {
                for (int j = from; j < to; j++) {
                    int uAt = s.zAt(h + j, t);
                    int nAt = s.zAt(2 * h + j, t);
                    int prev = s.stateAt(j, t);
                    for (int k = 0; k < b; k++) {
                        double u = z.get(uAt + k);
                        double n = z.get(nAt + k);
                        double dh = s.dh.get(j * b + k);
                        z.set(nAt + k, dh * (1.0 - u) * act.derivativeFromOutput(n));
                        z.set(uAt + k, dh * (s.h.get(prev + k) - n) * gate.derivativeFromOutput(u));
                        s.dhPrev.set(j * b + k, dh * u);
                    }
                }
            });
            Blas.gemm(true, false, h, b, h, 1.0, wHh, 2L * h * h, h, z, s.zAt(2 * h, t), ld, 0.0, dResetState, 0, b);
            RowParallel.run(h, b, (from, to) -> {
                for (int j = from; j < to; j++) {
                    int rAt = s.zAt(j, t);
                    int prev = s.stateAt(j, t);
                    for (int k = 0; k < b; k++) {
                        double r = z.get(rAt + k);
                        double dRh = dResetState.get(j * b + k);
                        z.set(rAt + k, dRh * s.h.get(prev + k) * gate.derivativeFromOutput(r));
                        s.dhPrev.add(j * b + k, dRh * r);
                    }
                }
            });
            RecurrentWeights.backpropProduct(s, t, wHh, 2 * h, 1.0);
        }
    }

    @Override
    public void parameterGradients(int from, SequenceState s, Map<String, INDArray> gradients) {
        int h = s.hidden;
        NativeArray dW = RecurrentWeights.gradientBuffer(s);
        INDArray dB = gradients.get(CellKeys.RECURRENT_BIAS);
        if (resetAfter) {
            RecurrentWeights.accumulate(s, from, recurrent, 0, 3 * h, s.h, s.stateStride(), dW, 0);
            dB.assign(Nd4j.createFromArray(s.rowSums(recurrent, 3 * h, from)));
        } else {
            RecurrentWeights.accumulate(s, from, s.z, 0, 2 * h, s.h, s.stateStride(), dW, 0);
            RecurrentWeights.accumulate(s, from, s.z, 2 * h, h, recurrent, s.zStride(), dW, 2 * h);
            dB.assign(Nd4j.createFromArray(s.rowSums(s.z, 3 * h, from)));
        }
        gradients.get(CellKeys.RECURRENT_WEIGHT).assign(dW.array());
    }
}
