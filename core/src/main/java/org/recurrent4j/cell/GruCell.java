package org.recurrent4j.cell;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.recurrent4j.kernel.Blas;
import org.recurrent4j.kernel.FloatRows;
import org.recurrent4j.kernel.NativeArray;
import org.recurrent4j.kernel.RowParallel;

/**
 * The gated recurrent unit, in either of its two published forms.
 *
 * <p>Reset gate applied after the recurrent product (PyTorch's {@code nn.GRU}, cuDNN; the
 * default):
 *
 * <pre>
 *   forward:
 *   r_t = σ(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)
 *   z_t = σ(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)
 *   n_t = act(W_in x_t + b_in + r_t ⊙ (W_hn h_{t-1} + b_hn))
 *   h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t-1}
 *
 *   backward, given ∂L/∂h_t:
 *   ∂L/∂a_n     = ∂L/∂h_t ⊙ (1 − z_t) ⊙ act'
 *   ∂L/∂a_r     = ∂L/∂a_n ⊙ (W_hn h_{t-1} + b_hn) ⊙ σ'
 *   ∂L/∂a_z     = ∂L/∂h_t ⊙ (h_{t-1} − n_t) ⊙ σ'
 *   ∂L/∂h_{t-1} = ∂L/∂h_t ⊙ z_t + W_hh^T [∂L/∂a_r; ∂L/∂a_z; ∂L/∂a_n ⊙ r_t]
 * </pre>
 *
 * <p>Reset gate applied before it (Cho et al. 2014): {@code n_t = act(W_in x_t + b_in + W_hn (r_t ⊙
 * h_{t-1}) + b_hn)}, the rest unchanged; backward {@code ∂L/∂a_r = (W_hn^T ∂L/∂a_n) ⊙ h_{t-1} ⊙
 * σ'} and {@code ∂L/∂h_{t-1}} gains {@code (W_hn^T ∂L/∂a_n) ⊙ r_t}. This form needs two recurrent
 * products per step (the r, z rows, then the n rows on {@code r_t ⊙ h_{t-1}}), with the same
 * number of operations as one.
 *
 * <p>{@code σ} is the gate activation (sigmoid by default), {@code act} the candidate activation
 * (tanh by default). Gate blocks are stacked by rows in the order r, z, n. Parameters: {@code Wih
 * [3H, nIn]}, {@code bih [3H]}, {@code Whh [3H, H]}, {@code bhh [3H]}. State: {@code h}.
 */
public final class GruCell implements Cell {

    private static final long serialVersionUID = 2L;
    private final IActivation activation;
    private final IActivation gateActivation;
    private final boolean resetAfter;

    /** @throws IllegalArgumentException for an activation the fused loop cannot use */
    public GruCell(IActivation activation, IActivation gateActivation, boolean resetAfter) {
        ScalarActivation.of(activation, "GRU activation");
        ScalarActivation.of(gateActivation, "GRU gate activation");
        this.activation = activation;
        this.gateActivation = gateActivation;
        this.resetAfter = resetAfter;
    }

    @Override
    public InputProjection projection(int nIn, int hidden) {
        // With the reset gate after the product, b_hn sits under r_t: it is part of the recurrent term.
        return InputProjection.dense(3 * hidden).addBias(CellKeys.RECURRENT_BIAS, 0, (resetAfter ? 2 : 3) * hidden);
    }

    @Override
    public List<StateEntry> state(int hidden) {
        return List.of(StateEntry.hidden(hidden));
    }

    @Override
    public List<CellParameter> parameters(int nIn, int hidden) {
        return List.of(
                CellParameter.weight(CellKeys.RECURRENT_WEIGHT, 3L * hidden, hidden, ParameterInit.recurrentBlocks()),
                CellParameter.bias(CellKeys.RECURRENT_BIAS, 3L * hidden, ParameterInit.constant(0)));
    }

    @Override
    public Cell.Steps begin(Map<String, INDArray> params, WorkArrays s) {
        return new GruSteps(params, s);
    }

    private final class GruSteps implements Cell.Steps {
        private final ScalarActivation gate = ScalarActivation.of(gateActivation, "");
        private final ScalarActivation act = ScalarActivation.of(activation, "");
        private final RecurrentProduct whh;
        /** b_hn, added under the reset gate (reset after only). */
        private final double[] bHn;
        /**
         * Per step, what the recurrent weights produced or multiplied: with the reset gate after,
         * {@code W_hh h_{t-1}} {@code [3H, T, B]} (its n rows with b_hn added), replaced by its
         * gradient in backward; before, {@code r_t ⊙ h_{t-1}} {@code [H, T, B]}.
         */
        private final NativeArray recurrent;
        /** With the reset gate before: {@code W_hn^T ∂L/∂a_n} of the current backward step {@code [H, B]}. */
        private final NativeArray dResetState;
        /** The element-wise loops of a float32 network, or null for float64. */
        private final FloatLoops floats;

        GruSteps(Map<String, INDArray> params, WorkArrays s) {
            int h = s.hidden;
            whh = RecurrentProduct.of(params, CellKeys.RECURRENT_WEIGHT, s);
            bHn = Arrays.copyOfRange(NativeArray.values(params.get(CellKeys.RECURRENT_BIAS)), 2 * h, 3 * h);
            recurrent = s.sequenceBuffer(resetAfter ? "gru.Whh h" : "gru.r*h", resetAfter ? 3 * h : h);
            dResetState = resetAfter ? null : s.buffer("gru.dRh", h, s.batch);
            floats = s.type == DataType.FLOAT ? new FloatLoops() : null;
        }

        /**
         * The steps' element-wise parts in float32, over blocks of rows in heap arrays (see {@link
         * FloatRows}), each equation one loop that HotSpot vectorizes. The float64 loops in {@link
         * #forward} and {@link #backward} compute the same element by element in double.
         */
        private final class FloatLoops {
            private final float[] bHnF = FloatRows.floats(bHn);

            /** Reset gate after: r, z, n and h_t from the input part and W_hh h_{t-1}. */
            void resetAfterRows(int t, WorkArrays s, int from, int to) {
                int h = s.hidden;
                int b = s.batch;
                int len = FloatRows.blockLength(b, to - from);
                float[] r = new float[len];
                float[] z = new float[len];
                float[] n = new float[len];
                float[] hn = new float[len];
                float[] part = new float[len];
                float[] hPrev = new float[len];
                NativeArray a = s.gatesAndGradients;
                FloatRows.Rows rAt = s.sequenceRows(0, t);
                FloatRows.Rows zAt = s.sequenceRows(h, t);
                FloatRows.Rows nAt = s.sequenceRows(2 * h, t);
                int per = FloatRows.rowsPerBlock(b);
                for (int first = from; first < to; first += per) {
                    int rows = Math.min(per, to - first);
                    int m = rows * b;
                    FloatRows.read(a, rAt, first, rows, b, r);
                    FloatRows.read(recurrent, rAt, first, rows, b, part);
                    for (int k = 0; k < m; k++) {
                        r[k] += part[k];
                    }
                    gate.applyInPlace(r, 0, m);
                    FloatRows.read(a, zAt, first, rows, b, z);
                    FloatRows.read(recurrent, zAt, first, rows, b, part);
                    for (int k = 0; k < m; k++) {
                        z[k] += part[k];
                    }
                    gate.applyInPlace(z, 0, m);
                    FloatRows.read(recurrent, nAt, first, rows, b, hn);
                    FloatRows.addPerRow(hn, bHnF, first, rows, b);
                    FloatRows.read(a, nAt, first, rows, b, n);
                    for (int k = 0; k < m; k++) {
                        n[k] += r[k] * hn[k];
                    }
                    act.applyInPlace(n, 0, m);
                    FloatRows.read(s.h, s.stateRows(t), first, rows, b, hPrev);
                    for (int k = 0; k < m; k++) {
                        hPrev[k] = n[k] + z[k] * (hPrev[k] - n[k]);
                    }
                    FloatRows.write(recurrent, nAt, first, rows, b, hn);
                    FloatRows.write(a, rAt, first, rows, b, r);
                    FloatRows.write(a, zAt, first, rows, b, z);
                    FloatRows.write(a, nAt, first, rows, b, n);
                    FloatRows.write(s.h, s.stateRows(t + 1), first, rows, b, hPrev);
                }
            }

            /**
             * Reset gate after, backward: ∂L/∂a for r, z and n, the gradient of {@code W_hh h_{t-1}}
             * (the n rows under r), and the direct part of ∂L/∂h_{t-1}.
             */
            void resetAfterBackwardRows(int t, WorkArrays s, int from, int to) {
                int h = s.hidden;
                int b = s.batch;
                int len = FloatRows.blockLength(b, to - from);
                float[] r = new float[len];
                float[] z = new float[len];
                float[] n = new float[len];
                float[] hn = new float[len];
                float[] hPrev = new float[len];
                float[] dh = new float[len];
                float[] derivative = new float[len];
                NativeArray a = s.gatesAndGradients;
                FloatRows.Rows rAt = s.sequenceRows(0, t);
                FloatRows.Rows zAt = s.sequenceRows(h, t);
                FloatRows.Rows nAt = s.sequenceRows(2 * h, t);
                int per = FloatRows.rowsPerBlock(b);
                for (int first = from; first < to; first += per) {
                    int rows = Math.min(per, to - first);
                    int m = rows * b;
                    FloatRows.read(a, rAt, first, rows, b, r);
                    FloatRows.read(a, zAt, first, rows, b, z);
                    FloatRows.read(a, nAt, first, rows, b, n);
                    FloatRows.read(recurrent, nAt, first, rows, b, hn);
                    FloatRows.read(s.h, s.stateRows(t), first, rows, b, hPrev);
                    s.dh.read(first * b, dh, 0, m);
                    // n becomes ∂a_n, z ∂a_z, hPrev the direct ∂h_{t-1}; then r ∂a_r, hn the n rows' ∂(W_hn h).
                    act.derivativesFromOutputs(n, derivative, m);
                    for (int k = 0; k < m; k++) {
                        float dN = dh[k] * (1f - z[k]) * derivative[k];
                        hPrev[k] = dh[k] * (hPrev[k] - n[k]);
                        n[k] = dN;
                    }
                    gate.derivativesFromOutputs(z, derivative, m);
                    for (int k = 0; k < m; k++) {
                        float dZ = hPrev[k] * derivative[k];
                        hPrev[k] = dh[k] * z[k];
                        z[k] = dZ;
                    }
                    gate.derivativesFromOutputs(r, derivative, m);
                    for (int k = 0; k < m; k++) {
                        float dR = n[k] * hn[k] * derivative[k];
                        hn[k] = n[k] * r[k];
                        r[k] = dR;
                    }
                    FloatRows.write(a, rAt, first, rows, b, r);
                    FloatRows.write(a, zAt, first, rows, b, z);
                    FloatRows.write(a, nAt, first, rows, b, n);
                    FloatRows.write(recurrent, rAt, first, rows, b, r);
                    FloatRows.write(recurrent, zAt, first, rows, b, z);
                    FloatRows.write(recurrent, nAt, first, rows, b, hn);
                    s.dhPrev.write(first * b, hPrev, 0, m);
                }
            }

            /** Reset gate before, backward, first part: ∂L/∂a for z and n, and the direct ∂L/∂h_{t-1}. */
            void updateBackwardRows(int t, WorkArrays s, int from, int to) {
                int h = s.hidden;
                int b = s.batch;
                int len = FloatRows.blockLength(b, to - from);
                float[] z = new float[len];
                float[] n = new float[len];
                float[] hPrev = new float[len];
                float[] dh = new float[len];
                float[] derivative = new float[len];
                NativeArray a = s.gatesAndGradients;
                FloatRows.Rows zAt = s.sequenceRows(h, t);
                FloatRows.Rows nAt = s.sequenceRows(2 * h, t);
                int per = FloatRows.rowsPerBlock(b);
                for (int first = from; first < to; first += per) {
                    int rows = Math.min(per, to - first);
                    int m = rows * b;
                    FloatRows.read(a, zAt, first, rows, b, z);
                    FloatRows.read(a, nAt, first, rows, b, n);
                    FloatRows.read(s.h, s.stateRows(t), first, rows, b, hPrev);
                    s.dh.read(first * b, dh, 0, m);
                    // n becomes ∂a_n and hPrev ∂L/∂h ⊙ (h_{t-1} − n); then z ∂a_z and hPrev the direct ∂h_{t-1}.
                    act.derivativesFromOutputs(n, derivative, m);
                    for (int k = 0; k < m; k++) {
                        hPrev[k] = dh[k] * (hPrev[k] - n[k]);
                        n[k] = dh[k] * (1f - z[k]) * derivative[k];
                    }
                    gate.derivativesFromOutputs(z, derivative, m);
                    for (int k = 0; k < m; k++) {
                        float dZ = hPrev[k] * derivative[k];
                        hPrev[k] = dh[k] * z[k];
                        z[k] = dZ;
                    }
                    FloatRows.write(a, zAt, first, rows, b, z);
                    FloatRows.write(a, nAt, first, rows, b, n);
                    s.dhPrev.write(first * b, hPrev, 0, m);
                }
            }

            /**
             * Reset gate before, backward, second part, given {@code W_hn^T ∂L/∂a_n}: ∂L/∂a_r, and
             * its share of ∂L/∂h_{t-1}.
             */
            void resetBeforeBackwardRows(int t, WorkArrays s, int from, int to) {
                int b = s.batch;
                int len = FloatRows.blockLength(b, to - from);
                float[] r = new float[len];
                float[] hPrev = new float[len];
                float[] dRh = new float[len];
                float[] dhPrev = new float[len];
                float[] derivative = new float[len];
                NativeArray a = s.gatesAndGradients;
                FloatRows.Rows rAt = s.sequenceRows(0, t);
                int per = FloatRows.rowsPerBlock(b);
                for (int first = from; first < to; first += per) {
                    int rows = Math.min(per, to - first);
                    int m = rows * b;
                    FloatRows.read(a, rAt, first, rows, b, r);
                    FloatRows.read(s.h, s.stateRows(t), first, rows, b, hPrev);
                    dResetState.read(first * b, dRh, 0, m);
                    s.dhPrev.read(first * b, dhPrev, 0, m);
                    gate.derivativesFromOutputs(r, derivative, m);
                    for (int k = 0; k < m; k++) {
                        dhPrev[k] += dRh[k] * r[k];
                        r[k] = dRh[k] * hPrev[k] * derivative[k];
                    }
                    FloatRows.write(a, rAt, first, rows, b, r);
                    s.dhPrev.write(first * b, dhPrev, 0, m);
                }
            }

            /** Reset gate before, first part: r, z and r ⊙ h_{t-1}. */
            void gatesBeforeRows(int t, WorkArrays s, int from, int to) {
                int h = s.hidden;
                int b = s.batch;
                int len = FloatRows.blockLength(b, to - from);
                float[] r = new float[len];
                float[] z = new float[len];
                float[] hPrev = new float[len];
                NativeArray a = s.gatesAndGradients;
                FloatRows.Rows rAt = s.sequenceRows(0, t);
                FloatRows.Rows zAt = s.sequenceRows(h, t);
                int per = FloatRows.rowsPerBlock(b);
                for (int first = from; first < to; first += per) {
                    int rows = Math.min(per, to - first);
                    int m = rows * b;
                    FloatRows.read(a, rAt, first, rows, b, r);
                    FloatRows.read(a, zAt, first, rows, b, z);
                    gate.applyInPlace(r, 0, m);
                    gate.applyInPlace(z, 0, m);
                    FloatRows.write(a, rAt, first, rows, b, r);
                    FloatRows.write(a, zAt, first, rows, b, z);
                    FloatRows.read(s.h, s.stateRows(t), first, rows, b, hPrev);
                    for (int k = 0; k < m; k++) {
                        r[k] *= hPrev[k];
                    }
                    FloatRows.write(recurrent, rAt, first, rows, b, r);
                }
            }

            /** Reset gate before, second part: n and h_t, once W_hn (r ⊙ h_{t-1}) is added. */
            void candidateBeforeRows(int t, WorkArrays s, int from, int to) {
                int h = s.hidden;
                int b = s.batch;
                int len = FloatRows.blockLength(b, to - from);
                float[] z = new float[len];
                float[] n = new float[len];
                float[] hPrev = new float[len];
                NativeArray a = s.gatesAndGradients;
                FloatRows.Rows nAt = s.sequenceRows(2 * h, t);
                int per = FloatRows.rowsPerBlock(b);
                for (int first = from; first < to; first += per) {
                    int rows = Math.min(per, to - first);
                    int m = rows * b;
                    FloatRows.read(a, nAt, first, rows, b, n);
                    act.applyInPlace(n, 0, m);
                    FloatRows.write(a, nAt, first, rows, b, n);
                    FloatRows.read(a, s.sequenceRows(h, t), first, rows, b, z);
                    FloatRows.read(s.h, s.stateRows(t), first, rows, b, hPrev);
                    for (int k = 0; k < m; k++) {
                        hPrev[k] = n[k] + z[k] * (hPrev[k] - n[k]);
                    }
                    FloatRows.write(s.h, s.stateRows(t + 1), first, rows, b, hPrev);
                }
            }
        }

        @Override
        public void forward(int t, WorkArrays s) {
            int h = s.hidden;
            int b = s.batch;
            NativeArray a = s.gatesAndGradients;
            if (resetAfter) {
                Blas.gemm(
                        false,
                        false,
                        3 * h,
                        b,
                        h,
                        1.0,
                        whh.weights(),
                        0,
                        h,
                        s.h,
                        s.stateAt(0, t),
                        s.stateStride(),
                        0.0,
                        recurrent,
                        s.sequenceAt(0, t),
                        s.sequenceStride());
                if (floats != null) {
                    RowParallel.run(h, b, (from, to) -> floats.resetAfterRows(t, s, from, to));
                    return;
                }
                RowParallel.run(h, b, (from, to) -> {
                    for (int j = from; j < to; j++) {
                        int rAt = s.sequenceAt(j, t);
                        int zAt = s.sequenceAt(h + j, t);
                        int nAt = s.sequenceAt(2 * h + j, t);
                        int prev = s.stateAt(j, t);
                        int next = s.stateAt(j, t + 1);
                        for (int k = 0; k < b; k++) {
                            double hn = recurrent.get(nAt + k) + bHn[j];
                            double r = gate.apply(a.get(rAt + k) + recurrent.get(rAt + k));
                            double z = gate.apply(a.get(zAt + k) + recurrent.get(zAt + k));
                            double n = act.apply(a.get(nAt + k) + r * hn);
                            recurrent.set(nAt + k, hn);
                            a.set(rAt + k, r);
                            a.set(zAt + k, z);
                            a.set(nAt + k, n);
                            s.h.set(next + k, n + z * (s.h.get(prev + k) - n));
                        }
                    }
                });
            } else {
                whh.addTo(s, t, s.h, 0, 2 * h);
                if (floats != null) {
                    RowParallel.run(h, b, (from, to) -> floats.gatesBeforeRows(t, s, from, to));
                } else {
                    RowParallel.run(h, b, (from, to) -> {
                        for (int j = from; j < to; j++) {
                            int rAt = s.sequenceAt(j, t);
                            int zAt = s.sequenceAt(h + j, t);
                            int prev = s.stateAt(j, t);
                            for (int k = 0; k < b; k++) {
                                double r = gate.apply(a.get(rAt + k));
                                a.set(rAt + k, r);
                                a.set(zAt + k, gate.apply(a.get(zAt + k)));
                                recurrent.set(rAt + k, r * s.h.get(prev + k));
                            }
                        }
                    });
                }
                Blas.gemm(
                        false,
                        false,
                        h,
                        b,
                        h,
                        1.0,
                        whh.weights(),
                        2L * h * h,
                        h,
                        recurrent,
                        s.sequenceAt(0, t),
                        s.sequenceStride(),
                        1.0,
                        a,
                        s.sequenceAt(2 * h, t),
                        s.sequenceStride());
                if (floats != null) {
                    RowParallel.run(h, b, (from, to) -> floats.candidateBeforeRows(t, s, from, to));
                    return;
                }
                RowParallel.run(h, b, (from, to) -> {
                    for (int j = from; j < to; j++) {
                        int zAt = s.sequenceAt(h + j, t);
                        int nAt = s.sequenceAt(2 * h + j, t);
                        int prev = s.stateAt(j, t);
                        int next = s.stateAt(j, t + 1);
                        for (int k = 0; k < b; k++) {
                            double n = act.apply(a.get(nAt + k));
                            a.set(nAt + k, n);
                            s.h.set(next + k, n + a.get(zAt + k) * (s.h.get(prev + k) - n));
                        }
                    }
                });
            }
        }

        @Override
        public void backward(int t, WorkArrays s) {
            int h = s.hidden;
            int b = s.batch;
            NativeArray a = s.gatesAndGradients;
            if (resetAfter && floats != null) {
                RowParallel.run(h, b, (from, to) -> floats.resetAfterBackwardRows(t, s, from, to));
                whh.backprop(s, t, recurrent, 0, 3 * h, 1.0, s.dhPrev);
            } else if (resetAfter) {
                RowParallel.run(h, b, (from, to) -> {
                    for (int j = from; j < to; j++) {
                        int rAt = s.sequenceAt(j, t);
                        int zAt = s.sequenceAt(h + j, t);
                        int nAt = s.sequenceAt(2 * h + j, t);
                        int prev = s.stateAt(j, t);
                        for (int k = 0; k < b; k++) {
                            double r = a.get(rAt + k);
                            double z = a.get(zAt + k);
                            double n = a.get(nAt + k);
                            double dh = s.dh.get(j * b + k);
                            double dN = dh * (1.0 - z) * act.derivativeFromOutput(n);
                            double dR = dN * recurrent.get(nAt + k) * gate.derivativeFromOutput(r);
                            double dZ = dh * (s.h.get(prev + k) - n) * gate.derivativeFromOutput(z);
                            a.set(rAt + k, dR);
                            a.set(zAt + k, dZ);
                            a.set(nAt + k, dN);
                            // The gradient of W_hh h_{t-1} (+ b_hn): the r and z rows as they are, the n rows under r.
                            recurrent.set(rAt + k, dR);
                            recurrent.set(zAt + k, dZ);
                            recurrent.set(nAt + k, dN * r);
                            s.dhPrev.set(j * b + k, dh * z);
                        }
                    }
                });
                whh.backprop(s, t, recurrent, 0, 3 * h, 1.0, s.dhPrev);
            } else if (floats != null) {
                RowParallel.run(h, b, (from, to) -> floats.updateBackwardRows(t, s, from, to));
                whh.backprop(s, t, a, 2 * h, h, 0.0, dResetState);
                RowParallel.run(h, b, (from, to) -> floats.resetBeforeBackwardRows(t, s, from, to));
                whh.backprop(s, t, a, 0, 2 * h, 1.0, s.dhPrev);
            } else {
                RowParallel.run(h, b, (from, to) -> {
                    for (int j = from; j < to; j++) {
                        int zAt = s.sequenceAt(h + j, t);
                        int nAt = s.sequenceAt(2 * h + j, t);
                        int prev = s.stateAt(j, t);
                        for (int k = 0; k < b; k++) {
                            double z = a.get(zAt + k);
                            double n = a.get(nAt + k);
                            double dh = s.dh.get(j * b + k);
                            a.set(nAt + k, dh * (1.0 - z) * act.derivativeFromOutput(n));
                            a.set(zAt + k, dh * (s.h.get(prev + k) - n) * gate.derivativeFromOutput(z));
                            s.dhPrev.set(j * b + k, dh * z);
                        }
                    }
                });
                whh.backprop(s, t, a, 2 * h, h, 0.0, dResetState);
                RowParallel.run(h, b, (from, to) -> {
                    for (int j = from; j < to; j++) {
                        int rAt = s.sequenceAt(j, t);
                        int prev = s.stateAt(j, t);
                        for (int k = 0; k < b; k++) {
                            double r = a.get(rAt + k);
                            double dRh = dResetState.get(j * b + k);
                            a.set(rAt + k, dRh * s.h.get(prev + k) * gate.derivativeFromOutput(r));
                            s.dhPrev.add(j * b + k, dRh * r);
                        }
                    }
                });
                whh.backprop(s, t, a, 0, 2 * h, 1.0, s.dhPrev);
            }
        }

        @Override
        public void parameterGradients(int from, WorkArrays s) {
            int h = s.hidden;
            NativeArray dW = s.gradient(CellKeys.RECURRENT_WEIGHT);
            if (resetAfter) {
                RecurrentProduct.accumulate(s, from, recurrent, 0, 3 * h, s.h, s.stateStride(), dW);
                s.addRowSums(recurrent, 2 * h, h, from, s.gradient(CellKeys.RECURRENT_BIAS), 2 * h);
            } else {
                RecurrentProduct.accumulate(s, from, s.gatesAndGradients, 0, 2 * h, s.h, s.stateStride(), dW);
                // The n rows multiplied r_t ⊙ h_{t-1}, a [H, T, B] array: step t is at t·B.
                RecurrentProduct.accumulate(s, from, s.gatesAndGradients, 2 * h, h, recurrent, s.sequenceStride(), dW);
            }
        }
    }
}
