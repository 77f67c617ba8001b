package org.recurrent4j.cell;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.BernoulliDistribution;
import org.nd4j.linalg.factory.Nd4j;
import org.recurrent4j.kernel.NativeArray;
import org.recurrent4j.kernel.RowParallel;

/**
 * The quasi-recurrent cell (QRNN, Bradbury et al. 2016): gates from a causal convolution of width
 * {@code k} over the input, and a recurrence that is element-wise only ("pooling"), so a whole
 * sequence runs as one parallel loop with no matrix product per step.
 *
 * <pre>
 *   forward, with a_t = W_ih [x_{t-k+1}; …; x_t] + b_ih (steps before the start are zero):
 *   z_t = act(a_z)     f_t = σ(a_f)     o_t = σ(a_o)     i_t = σ(a_i)
 *   zoneout:  f'_t = 1 − (1 − f_t) ⊙ m_t,  m_t ~ Bernoulli(1 − p) in training, m_t = 1 − p at inference
 *   f-pooling:    c_t = f'_t ⊙ c_{t-1} + (1 − f'_t) ⊙ z_t,   h_t = c_t
 *   fo-pooling:   c_t = f'_t ⊙ c_{t-1} + (1 − f'_t) ⊙ z_t,   h_t = o_t ⊙ c_t
 *   ifo-pooling:  c_t = f'_t ⊙ c_{t-1} + i_t ⊙ z_t,           h_t = o_t ⊙ c_t
 *
 *   backward, given ∂L/∂h_t and ∂L/∂c_t from step t+1 (u = (1 − f_t) ⊙ m_t, so f' = 1 − u):
 *   ∂c      = ∂L/∂c_t + ∂L/∂h_t ⊙ o_t              (f-pooling: + ∂L/∂h_t)
 *   ∂L/∂a_o = ∂L/∂h_t ⊙ c_t ⊙ σ'
 *   f, fo:   ∂L/∂a_z = ∂c ⊙ u ⊙ act'     ∂L/∂a_f = ∂c ⊙ (c_{t-1} − z_t) ⊙ m_t ⊙ σ'
 *   ifo:     ∂L/∂a_z = ∂c ⊙ i_t ⊙ act'   ∂L/∂a_i = ∂c ⊙ z_t ⊙ σ'   ∂L/∂a_f = ∂c ⊙ c_{t-1} ⊙ m_t ⊙ σ'
 *   ∂L/∂c_{t-1} = ∂c ⊙ f'_t
 * </pre>
 *
 * <p>{@code act} is the layer's activation (tanh by default), {@code σ} the gate activation (sigmoid
 * by default). Rows of {@code Wih [G·H, k·nIn]} and {@code bih [G·H]}: z, f (f-pooling, G = 2), then
 * o (fo, G = 3), then i (ifo, G = 4); column block {@code j} of {@code Wih} multiplies {@code
 * x_{t−k+1+j}} (oldest first). State: {@code c}, and the last {@code k − 1} inputs. The output
 * {@code h} does not recur.
 */
public final class QrnnCell implements Cell {

    private static final long serialVersionUID = 1L;

    /** How the memory cell is updated (the "pooling" of the paper). */
    public enum Pooling {
        /** {@code c_t = f ⊙ c_{t-1} + (1 − f) ⊙ z_t}, {@code h_t = c_t}. */
        F(2),
        /** As F, with an output gate: {@code h_t = o_t ⊙ c_t}. */
        FO(3),
        /** Independent input gate: {@code c_t = f ⊙ c_{t-1} + i ⊙ z_t}, {@code h_t = o_t ⊙ c_t}. */
        IFO(4);

        private final int gates;

        Pooling(int gates) {
            this.gates = gates;
        }

        /** The gate blocks of the projection. */
        public int gates() {
            return gates;
        }
    }

    private final IActivation activation;
    private final IActivation gateActivation;
    private final Pooling pooling;
    private final int window;
    private final double zoneout;

    /**
     * @param window the convolution width {@code k ≥ 1}
     * @param zoneout the probability {@code p ∈ [0, 1)} that a unit keeps its previous memory in a
     *     training step
     * @throws IllegalArgumentException for a bad value, naming it
     */
    public QrnnCell(IActivation activation, IActivation gateActivation, Pooling pooling, int window, double zoneout) {
        ScalarActivation.of(activation, "QRNN activation");
        ScalarActivation.of(gateActivation, "QRNN gate activation");
        if (pooling == null) {
            throw new IllegalArgumentException("QRNN pooling must be F, FO or IFO, got null");
        }
        if (window < 1) {
            throw new IllegalArgumentException("QRNN window must be at least 1 step, got " + window);
        }
        if (!(zoneout >= 0 && zoneout < 1)) {
            throw new IllegalArgumentException("QRNN zoneout must be in [0, 1), got " + zoneout);
        }
        this.activation = activation;
        this.gateActivation = gateActivation;
        this.pooling = pooling;
        this.window = window;
        this.zoneout = zoneout;
    }

    @Override
    public InputProjection projection(int nIn, int hidden) {
        return InputProjection.dense(pooling.gates() * hidden).window(window);
    }

    @Override
    public List<StateEntry> state(int hidden) {
        return List.of(StateEntry.memory(hidden));
    }

    @Override
    public List<CellParameter> parameters(int nIn, int hidden) {
        return List.of();
    }

    @Override
    public Cell.Steps begin(Map<String, INDArray> params, WorkArrays s) {
        return new QrnnSteps(s);
    }

    private final class QrnnSteps implements Cell.WholeSequenceSteps {
        private final ScalarActivation gate = ScalarActivation.of(gateActivation, "");
        private final ScalarActivation act = ScalarActivation.of(activation, "");
        private final NativeArray c;
        /** The zoneout mask m_t {@code [H, T, B]} of a training pass, or null (then m = 1 − p). */
        private final NativeArray keep;

        private final double keepExpected = 1.0 - zoneout;

        /** Elements of a unit's run that the float32 path holds at once: a chunk of steps. */
        private static final int CHUNK_ELEMENTS = 2048;

        QrnnSteps(WorkArrays s) {
            c = s.state(StateEntry.C);
            if (s.training && zoneout > 0) {
                keep = s.sequenceBuffer("qrnn.zoneout", s.hidden);
                Nd4j.getExecutioner().exec(new BernoulliDistribution(keep.array(), 1.0 - zoneout), Nd4j.getRandom());
            } else {
                keep = null;
            }
        }

        private double keep(int at) {
            return keep == null ? keepExpected : keep.get(at);
        }

        @Override
        public void forward(int t, WorkArrays s) {
            RowParallel.run(s.hidden, s.batch, (from, to) -> {
                for (int j = from; j < to; j++) {
                    forwardStep(j, t, s);
                }
            });
        }

        /** Step t of unit j for every example: activations replace the pre-activations. */
        private void forwardStep(int j, int t, WorkArrays s) {
            int h = s.hidden;
            NativeArray a = s.gatesAndGradients;
            int zAt = s.sequenceAt(j, t);
            int fAt = s.sequenceAt(h + j, t);
            int oAt = s.sequenceAt(2 * h + j, t);
            int iAt = s.sequenceAt(3 * h + j, t);
            int prev = s.stateAt(j, t);
            for (int b = 0; b < s.batch; b++) {
                double z = act.apply(a.get(zAt + b));
                double f = gate.apply(a.get(fAt + b));
                double u = (1.0 - f) * keep(zAt + b);
                double cPrev = c.get(prev + b);
                double cNew;
                if (pooling == Pooling.IFO) {
                    double i = gate.apply(a.get(iAt + b));
                    a.set(iAt + b, i);
                    cNew = (1.0 - u) * cPrev + i * z;
                } else {
                    cNew = cPrev + u * (z - cPrev);
                }
                double out = cNew;
                if (pooling != Pooling.F) {
                    double o = gate.apply(a.get(oAt + b));
                    a.set(oAt + b, o);
                    out = o * cNew;
                }
                a.set(zAt + b, z);
                a.set(fAt + b, f);
                c.set(prev + s.batch + b, cNew);
                s.h.set(prev + s.batch + b, out);
            }
        }

        /**
         * Back through step t of unit j for example b, given {@code ∂L/∂h_t} and {@code ∂L/∂c_t};
         * writes {@code ∂L/∂a_t} and returns {@code ∂L/∂c_{t-1}}.
         */
        private double backwardStep(int j, int t, int b, double dh, double dcNext, WorkArrays s) {
            int h = s.hidden;
            NativeArray a = s.gatesAndGradients;
            int zAt = s.sequenceAt(j, t) + b;
            int fAt = s.sequenceAt(h + j, t) + b;
            int oAt = s.sequenceAt(2 * h + j, t) + b;
            int iAt = s.sequenceAt(3 * h + j, t) + b;
            double cPrev = c.get(s.stateAt(j, t) + b);
            double cNew = c.get(s.stateAt(j, t + 1) + b);
            double z = a.get(zAt);
            double f = a.get(fAt);
            double m = keep(zAt);
            double u = (1.0 - f) * m;
            double dc = dcNext;
            if (pooling == Pooling.F) {
                dc += dh;
            } else {
                double o = a.get(oAt);
                dc += dh * o;
                a.set(oAt, dh * cNew * gate.derivativeFromOutput(o));
            }
            if (pooling == Pooling.IFO) {
                double i = a.get(iAt);
                a.set(zAt, dc * i * act.derivativeFromOutput(z));
                a.set(iAt, dc * z * gate.derivativeFromOutput(i));
                a.set(fAt, dc * cPrev * m * gate.derivativeFromOutput(f));
            } else {
                a.set(zAt, dc * u * act.derivativeFromOutput(z));
                a.set(fAt, dc * (cPrev - z) * m * gate.derivativeFromOutput(f));
            }
            return dc * (1.0 - u);
        }

        @Override
        public void backward(int t, WorkArrays s) {
            NativeArray dc = s.dState(StateEntry.C);
            NativeArray dcPrev = s.dStatePrev(StateEntry.C);
            RowParallel.run(s.hidden, s.batch, (from, to) -> {
                for (int j = from; j < to; j++) {
                    for (int b = 0; b < s.batch; b++) {
                        int i = j * s.batch + b;
                        dcPrev.set(i, backwardStep(j, t, b, s.dh.get(i), dc.get(i), s));
                    }
                }
            });
        }

        @Override
        public void forwardRows(int from, int to, WorkArrays s) {
            if (s.type == DataType.FLOAT) {
                forwardFloatRows(from, to, s);
                return;
            }
            for (int j = from; j < to; j++) {
                for (int t = 0; t < s.steps; t++) {
                    forwardStep(j, t, s);
                    if (s.mask != null) {
                        int prev = s.stateAt(j, t);
                        for (int b = 0; b < s.batch; b++) {
                            if (!s.real(t, b)) {
                                c.set(prev + s.batch + b, c.get(prev + b));
                            }
                        }
                    }
                }
            }
        }

        /**
         * {@link #forwardRows} in float32: unit j's steps are one contiguous run of each operand,
         * so the activations and the output run as long loops over chunks of steps in heap arrays
         * (vectorized by HotSpot), and only the memory recurrence goes step by step, vectorized over
         * the batch.
         */
        private void forwardFloatRows(int from, int to, WorkArrays s) {
            int h = s.hidden;
            int batch = s.batch;
            int chunk = Math.max(1, CHUNK_ELEMENTS / batch);
            int len = Math.min(chunk, s.steps) * batch;
            boolean ifo = pooling == Pooling.IFO;
            boolean output = pooling != Pooling.F;
            float[] z = new float[len];
            float[] f = new float[len];
            float[] u = new float[len];
            float[] o = output ? new float[len] : null;
            float[] i = ifo ? new float[len] : null;
            float[] cNew = new float[len];
            float[] carried = s.mask != null ? new float[len] : cNew;
            float[] cPrev = new float[batch];
            float keepAll = (float) keepExpected;
            NativeArray a = s.gatesAndGradients;
            for (int j = from; j < to; j++) {
                c.read(s.stateAt(j, 0), cPrev, 0, batch);
                for (int t0 = 0; t0 < s.steps; t0 += chunk) {
                    int steps = Math.min(chunk, s.steps - t0);
                    int n = steps * batch;
                    int zAt = s.sequenceAt(j, t0);
                    a.read(zAt, z, 0, n);
                    act.applyInPlace(z, 0, n);
                    a.read(s.sequenceAt(h + j, t0), f, 0, n);
                    gate.applyInPlace(f, 0, n);
                    if (keep != null) {
                        keep.read(zAt, u, 0, n);
                        for (int k = 0; k < n; k++) {
                            u[k] *= 1f - f[k];
                        }
                    } else {
                        for (int k = 0; k < n; k++) {
                            u[k] = (1f - f[k]) * keepAll;
                        }
                    }
                    if (ifo) {
                        a.read(s.sequenceAt(3 * h + j, t0), i, 0, n);
                        gate.applyInPlace(i, 0, n);
                    }
                    for (int t = 0; t < steps; t++) {
                        int base = t * batch;
                        if (ifo) {
                            for (int k = 0; k < batch; k++) {
                                cNew[base + k] = (1f - u[base + k]) * cPrev[k] + i[base + k] * z[base + k];
                            }
                        } else {
                            for (int k = 0; k < batch; k++) {
                                cNew[base + k] = cPrev[k] + u[base + k] * (z[base + k] - cPrev[k]);
                            }
                        }
                        s.carryMemory(t0 + t, cNew, base, cPrev, carried);
                    }
                    a.write(zAt, z, 0, n);
                    a.write(s.sequenceAt(h + j, t0), f, 0, n);
                    if (ifo) {
                        a.write(s.sequenceAt(3 * h + j, t0), i, 0, n);
                    }
                    c.write(s.stateAt(j, t0 + 1), carried, 0, n);
                    if (output) {
                        int oAt = s.sequenceAt(2 * h + j, t0);
                        a.read(oAt, o, 0, n);
                        gate.applyInPlace(o, 0, n);
                        a.write(oAt, o, 0, n);
                        for (int k = 0; k < n; k++) {
                            cNew[k] *= o[k];
                        }
                    }
                    s.h.write(s.stateAt(j, t0 + 1), cNew, 0, n);
                }
            }
        }

        @Override
        public void backwardRows(int from, int to, int firstStep, WorkArrays s) {
            if (s.type == DataType.FLOAT) {
                backwardFloatRows(from, to, firstStep, s);
                return;
            }
            NativeArray epsilon = s.epsilon();
            NativeArray initial = s.initialGradient(StateEntry.C);
            int rows = pooling.gates();
            double[] dc = new double[s.batch];
            for (int j = from; j < to; j++) {
                Arrays.fill(dc, 0.0);
                for (int t = s.steps - 1; t >= firstStep; t--) {
                    int at = s.sequenceAt(j, t);
                    for (int b = 0; b < s.batch; b++) {
                        if (s.real(t, b)) {
                            dc[b] = backwardStep(j, t, b, epsilon.get(at + b), dc[b], s);
                        } else {
                            for (int r = 0; r < rows; r++) {
                                s.gatesAndGradients.set(s.sequenceAt(r * s.hidden + j, t) + b, 0.0);
                            }
                        }
                    }
                }
                for (int b = 0; b < s.batch; b++) {
                    initial.set(j * s.batch + b, dc[b]);
                }
            }
        }

        /**
         * {@link #backwardRows} in float32, chunk by chunk of steps from the last: the output gate's
         * gradient and the activations' derivatives are loops over the whole chunk, which HotSpot
         * vectorizes; the carried {@code ∂L/∂c} runs step by step over the batch.
         */
        private void backwardFloatRows(int from, int to, int firstStep, WorkArrays s) {
            int h = s.hidden;
            int batch = s.batch;
            int chunk = Math.max(1, CHUNK_ELEMENTS / batch);
            int len = Math.min(chunk, s.steps) * batch;
            boolean output = pooling != Pooling.F;
            boolean input = pooling == Pooling.IFO;
            float[] dh = new float[len];
            float[] z = new float[len];
            float[] f = new float[len];
            float[] o = output ? new float[len] : null;
            float[] in = input ? new float[len] : null;
            float[] m = new float[len];
            float[] cPrev = new float[len];
            float[] cNew = new float[len];
            float[] zDer = new float[len];
            float[] fDer = new float[len];
            float[] inDer = input ? new float[len] : null;
            float[] oDer = output ? new float[len] : null;
            float[] fromH = new float[len];
            float[] dc = new float[batch];
            boolean masked = s.mask != null;
            NativeArray a = s.gatesAndGradients;
            NativeArray epsilon = s.epsilon();
            NativeArray initial = s.initialGradient(StateEntry.C);
            if (keep == null) {
                Arrays.fill(m, (float) keepExpected);
            }
            for (int j = from; j < to; j++) {
                Arrays.fill(dc, 0f);
                for (int end = s.steps; end > firstStep; end -= chunk) {
                    int t0 = Math.max(firstStep, end - chunk);
                    int steps = end - t0;
                    int n = steps * batch;
                    int zAt = s.sequenceAt(j, t0);
                    int fAt = s.sequenceAt(h + j, t0);
                    int oAt = s.sequenceAt(2 * h + j, t0);
                    int iAt = s.sequenceAt(3 * h + j, t0);
                    epsilon.read(zAt, dh, 0, n);
                    a.read(zAt, z, 0, n);
                    a.read(fAt, f, 0, n);
                    if (keep != null) {
                        keep.read(zAt, m, 0, n);
                    }
                    c.read(s.stateAt(j, t0), cPrev, 0, n);
                    act.derivativesFromOutputs(z, zDer, n);
                    gate.derivativesFromOutputs(f, fDer, n);
                    if (output) {
                        a.read(oAt, o, 0, n);
                        c.read(s.stateAt(j, t0 + 1), cNew, 0, n);
                        gate.derivativesFromOutputs(o, oDer, n);
                        // o becomes ∂L/∂a_o once fromH has read it.
                        for (int k = 0; k < n; k++) {
                            fromH[k] = dh[k] * o[k];
                            o[k] = dh[k] * cNew[k] * oDer[k];
                        }
                    } else {
                        System.arraycopy(dh, 0, fromH, 0, n);
                    }
                    if (input) {
                        a.read(iAt, in, 0, n);
                        gate.derivativesFromOutputs(in, inDer, n);
                    }
                    // z and f (and i) become their gradients, step by step from the chunk's last.
                    for (int t = steps - 1; t >= 0; t--) {
                        int base = t * batch;
                        for (int b = 0; b < batch; b++) {
                            int i = base + b;
                            if (masked && !s.real(t0 + t, b)) {
                                z[i] = 0f;
                                f[i] = 0f;
                                if (output) {
                                    o[i] = 0f;
                                }
                                if (input) {
                                    in[i] = 0f;
                                }
                                continue;
                            }
                            float d = dc[b] + fromH[i];
                            float u = (1f - f[i]) * m[i];
                            if (input) {
                                float dz = d * in[i] * zDer[i];
                                in[i] = d * z[i] * inDer[i];
                                f[i] = d * cPrev[i] * m[i] * fDer[i];
                                z[i] = dz;
                            } else {
                                float dz = d * u * zDer[i];
                                f[i] = d * (cPrev[i] - z[i]) * m[i] * fDer[i];
                                z[i] = dz;
                            }
                            dc[b] = d * (1f - u);
                        }
                    }
                    a.write(zAt, z, 0, n);
                    a.write(fAt, f, 0, n);
                    if (output) {
                        a.write(oAt, o, 0, n);
                    }
                    if (input) {
                        a.write(iAt, in, 0, n);
                    }
                }
                initial.write(j * batch, dc, 0, batch);
            }
        }

        @Override
        public void parameterGradients(int from, WorkArrays s) {
            // The cell has no parameters of its own: W_ih and b_ih are the projection's.
        }
    }
}
