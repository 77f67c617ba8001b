package org.recurrent4j.cell;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.recurrent4j.kernel.NativeArray;
import org.recurrent4j.kernel.RowParallel;

/**
 * The simple recurrent unit (SRU, Lei et al. 2017/2018): every matrix product depends on the input
 * only, the recurrence is element-wise, and a highway connection carries the input to the output.
 *
 * <pre>
 *   forward, with [x̃_t; a_f; a_r (; x̂_t)] = W_ih x_t and b_ih = [b_f; b_r]:
 *   f_t = σ(a_f + b_f [+ v_f ⊙ c_{t-1}])
 *   r_t = σ(a_r + b_r [+ v_r ⊙ c_{t-1}])                 [ ]: cell feedback (the 2018 SRU)
 *   c_t = f_t ⊙ c_{t-1} + (1 − f_t) ⊙ x̃_t
 *   h_t = r_t ⊙ g(c_t) + (1 − r_t) ⊙ k_t,    k_t = s·x_t (identity highway, nIn = H) or x̂_t (projected)
 *
 *   backward, given ∂L/∂h_t and ∂L/∂c_t from step t+1:
 *   ∂L/∂a_r = ∂L/∂h_t ⊙ (g(c_t) − k_t) ⊙ σ'
 *   ∂c      = ∂L/∂c_t + ∂L/∂h_t ⊙ r_t ⊙ g'(c_t)
 *   ∂L/∂x̃_t = ∂c ⊙ (1 − f_t)          ∂L/∂a_f = ∂c ⊙ (c_{t-1} − x̃_t) ⊙ σ'
 *   ∂L/∂k_t = ∂L/∂h_t ⊙ (1 − r_t)      (identity: s·that goes straight to ∂L/∂x_t; projected: ∂L/∂x̂_t)
 *   ∂L/∂c_{t-1} = ∂c ⊙ f_t [+ ∂L/∂a_f ⊙ v_f + ∂L/∂a_r ⊙ v_r]
 *   ∂L/∂v_f = Σ_t ∂L/∂a_f ⊙ c_{t-1},   ∂L/∂v_r = Σ_t ∂L/∂a_r ⊙ c_{t-1}
 * </pre>
 *
 * <p>{@code g} is tanh or the identity (the layer's activation), {@code σ} the gate activation. The
 * highway scale {@code s} is 1, or with rescaling (the {@code sru} package's default) {@code
 * sqrt(1 + 2·e^{β})} for the initial highway bias {@code β}. Parameters: {@code Wih [3H, nIn]}
 * (identity highway) or {@code [4H, nIn]} (projected), rows x̃, f, r (, x̂); {@code bih [2H]} =
 * (b_f, b_r), added to rows f and r, b_r starting at β; with feedback {@code v [2H]} = (v_f, v_r).
 * State: {@code c}. The cell reads {@code x_t} itself for the identity highway, and sends it its
 * part of the input gradient.
 */
public final class SruCell implements Cell {

    private static final long serialVersionUID = 1L;
    /** Key of the cell-feedback weights {@code (v_f, v_r)}. */
    public static final String FEEDBACK = "v";

    /** How the input reaches the output. */
    public enum Highway {
        /** {@code x_t} itself when nIn = H, else a learned projection. */
        AUTO,
        /** {@code x_t} itself (needs nIn = H). */
        IDENTITY,
        /** A learned projection {@code x̂_t = W_k x_t} (a fourth block of {@code Wih}). */
        PROJECTION
    }

    private final IActivation activation;
    private final IActivation gateActivation;
    private final Highway highway;
    private final boolean feedback;
    private final double highwayBias;
    private final boolean rescale;

    /**
     * @param activation {@code g}: tanh or identity
     * @param highwayBias the initial value of {@code b_r}
     * @param rescale whether the highway term is scaled by {@code sqrt(1 + 2·e^{highwayBias})}
     * @throws IllegalArgumentException for an activation other than tanh or identity
     */
    public SruCell(
            IActivation activation,
            IActivation gateActivation,
            Highway highway,
            boolean feedback,
            double highwayBias,
            boolean rescale) {
        ScalarActivation g = ScalarActivation.of(activation, "SRU activation");
        if (g != ScalarActivation.TANH && g != ScalarActivation.IDENTITY) {
            throw new IllegalArgumentException(
                    "SRU activation g must be TANH or IDENTITY (as in the SRU papers), got " + activation);
        }
        ScalarActivation.of(gateActivation, "SRU gate activation");
        if (highway == null) {
            throw new IllegalArgumentException("SRU highway must be AUTO, IDENTITY or PROJECTION, got null");
        }
        if (!Double.isFinite(highwayBias)) {
            throw new IllegalArgumentException("SRU highway bias must be finite, got " + highwayBias);
        }
        this.activation = activation;
        this.gateActivation = gateActivation;
        this.highway = highway;
        this.feedback = feedback;
        this.highwayBias = highwayBias;
        this.rescale = rescale;
    }

    /** Whether the highway is {@code x} itself for these sizes. */
    public boolean identityHighway(int nIn, int hidden) {
        if (highway == Highway.IDENTITY && nIn != hidden) {
            throw new IllegalArgumentException("SRU with an identity highway needs nIn = nOut, got nIn " + nIn
                    + " and nOut " + hidden + ": use Highway.PROJECTION (or AUTO) for different sizes");
        }
        return highway == Highway.IDENTITY || (highway == Highway.AUTO && nIn == hidden);
    }

    /** The highway scale {@code s}. */
    public double highwayScale() {
        return rescale ? Math.sqrt(1 + 2 * Math.exp(highwayBias)) : 1.0;
    }

    @Override
    public InputProjection projection(int nIn, int hidden) {
        boolean identity = identityHighway(nIn, hidden);
        int blocks = identity ? 3 : 4;
        ParameterInit weights = ParameterInit.weights(nIn, hidden);
        ParameterInit[] perBlock = new ParameterInit[blocks];
        Arrays.fill(perBlock, weights);
        if (!identity && rescale) {
            // As the sru package does: the projected highway is scaled through its initial weights.
            double scale = highwayScale();
            perBlock[3] = (values, context) -> {
                weights.initialize(values, context);
                values.muli(scale);
            };
        }
        return InputProjection.dense(blocks * hidden)
                .weightInit(ParameterInit.rowBlocks(hidden, perBlock))
                .inputBias(
                        hidden,
                        2 * hidden,
                        ParameterInit.rowBlocks(hidden, ParameterInit.bias(), ParameterInit.constant(highwayBias)));
    }

    @Override
    public List<StateEntry> state(int hidden) {
        return List.of(StateEntry.memory(hidden));
    }

    @Override
    public List<CellParameter> parameters(int nIn, int hidden) {
        List<CellParameter> list = new ArrayList<>();
        if (feedback) {
            // The sru package's initialization: uniform with variance 1/2.
            double range = Math.sqrt(1.5);
            list.add(CellParameter.weightVector(FEEDBACK, 2L * hidden, ParameterInit.uniform(-range, range)));
        }
        return list;
    }

    @Override
    public Cell.Steps begin(Map<String, INDArray> params, WorkArrays s) {
        return new SruSteps(params, s);
    }

    private final class SruSteps implements Cell.WholeSequenceSteps {
        private final ScalarActivation gate = ScalarActivation.of(gateActivation, "");
        private final ScalarActivation g = ScalarActivation.of(activation, "");
        private final boolean identity;
        private final double scale;
        private final double[] vf;
        private final double[] vr;
        private final NativeArray c;
        /** With the identity highway: {@code s·∂L/∂h_t ⊙ (1 − r_t)}, the direct input gradient {@code [H, T, B]}. */
        private final NativeArray dxDirect;

        /** Elements of a unit's run that the float32 path holds at once: a chunk of steps. */
        private static final int CHUNK_ELEMENTS = 2048;

        SruSteps(Map<String, INDArray> params, WorkArrays s) {
            int h = s.hidden;
            identity = identityHighway(s.nIn, h);
            scale = identity ? highwayScale() : 1.0;
            if (feedback) {
                double[] v = NativeArray.values(params.get(FEEDBACK));
                vf = Arrays.copyOfRange(v, 0, h);
                vr = Arrays.copyOfRange(v, h, 2 * h);
            } else {
                vf = vr = new double[h];
            }
            c = s.state(StateEntry.C);
            dxDirect = identity ? s.sequenceBuffer("sru.dx", h) : null;
        }

        @Override
        public void forward(int t, WorkArrays s) {
            RowParallel.run(s.hidden, s.batch, (from, to) -> {
                for (int j = from; j < to; j++) {
                    forwardStep(j, t, s);
                }
            });
        }

        /** Step t of unit j: f and r replace their pre-activations; x̃ (and x̂) stay. */
        private void forwardStep(int j, int t, WorkArrays s) {
            int h = s.hidden;
            NativeArray a = s.gatesAndGradients;
            int xAt = s.sequenceAt(j, t);
            int fAt = s.sequenceAt(h + j, t);
            int rAt = s.sequenceAt(2 * h + j, t);
            int kAt = identity ? s.xAt(j, t) : s.sequenceAt(3 * h + j, t);
            NativeArray k = identity ? s.x : a;
            int prev = s.stateAt(j, t);
            for (int b = 0; b < s.batch; b++) {
                double cPrev = c.get(prev + b);
                double f = gate.apply(a.get(fAt + b) + vf[j] * cPrev);
                double r = gate.apply(a.get(rAt + b) + vr[j] * cPrev);
                double xt = a.get(xAt + b);
                double cNew = f * cPrev + (1.0 - f) * xt;
                double highwayIn = scale * k.get(kAt + b);
                a.set(fAt + b, f);
                a.set(rAt + b, r);
                c.set(prev + s.batch + b, cNew);
                s.h.set(prev + s.batch + b, r * g.apply(cNew) + (1.0 - r) * highwayIn);
            }
        }

        /** Back through step t of unit j for example b; returns {@code ∂L/∂c_{t-1}}. */
        private double backwardStep(int j, int t, int b, double dh, double dcNext, WorkArrays s) {
            int h = s.hidden;
            NativeArray a = s.gatesAndGradients;
            int xAt = s.sequenceAt(j, t) + b;
            int fAt = s.sequenceAt(h + j, t) + b;
            int rAt = s.sequenceAt(2 * h + j, t) + b;
            double cPrev = c.get(s.stateAt(j, t) + b);
            double gc = g.apply(c.get(s.stateAt(j, t + 1) + b));
            double f = a.get(fAt);
            double r = a.get(rAt);
            double xt = a.get(xAt);
            double highwayIn = identity ? scale * s.x.get(s.xAt(j, t) + b) : a.get(s.sequenceAt(3 * h + j, t) + b);
            double dR = dh * (gc - highwayIn) * gate.derivativeFromOutput(r);
            double dc = dcNext + dh * r * g.derivativeFromOutput(gc);
            double dF = dc * (cPrev - xt) * gate.derivativeFromOutput(f);
            double dHighway = dh * (1.0 - r);
            a.set(xAt, dc * (1.0 - f));
            a.set(fAt, dF);
            a.set(rAt, dR);
            if (identity) {
                dxDirect.set(xAt, scale * dHighway);
            } else {
                a.set(s.sequenceAt(3 * h + j, t) + b, dHighway);
            }
            return dc * f + dF * vf[j] + dR * vr[j];
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
         * {@link #forwardRows} in float32: unit j's steps are one contiguous run of each operand, so
         * they go through heap arrays in chunks of steps, each equation a loop that HotSpot
         * vectorizes: over the whole chunk where no step depends on the last (without feedback the
         * gates; always g(c) and h), over the batch step by step for the memory.
         */
        private void forwardFloatRows(int from, int to, WorkArrays s) {
            int h = s.hidden;
            int batch = s.batch;
            int chunk = Math.max(1, CHUNK_ELEMENTS / batch);
            int len = Math.min(chunk, s.steps) * batch;
            float[] xt = new float[len];
            float[] f = new float[len];
            float[] r = new float[len];
            float[] highway = new float[len];
            float[] cNew = new float[len];
            float[] carried = s.mask != null ? new float[len] : cNew;
            float[] gc = new float[len];
            float[] cPrev = new float[batch];
            float scaleF = (float) scale;
            NativeArray a = s.gatesAndGradients;
            for (int j = from; j < to; j++) {
                float vfj = (float) vf[j];
                float vrj = (float) vr[j];
                c.read(s.stateAt(j, 0), cPrev, 0, batch);
                for (int t0 = 0; t0 < s.steps; t0 += chunk) {
                    int steps = Math.min(chunk, s.steps - t0);
                    int n = steps * batch;
                    int fAt = s.sequenceAt(h + j, t0);
                    int rAt = s.sequenceAt(2 * h + j, t0);
                    a.read(s.sequenceAt(j, t0), xt, 0, n);
                    a.read(fAt, f, 0, n);
                    a.read(rAt, r, 0, n);
                    if (!feedback) {
                        gate.applyInPlace(f, 0, n);
                        gate.applyInPlace(r, 0, n);
                    }
                    for (int t = 0; t < steps; t++) {
                        int base = t * batch;
                        if (feedback) {
                            for (int k = 0; k < batch; k++) {
                                f[base + k] += vfj * cPrev[k];
                                r[base + k] += vrj * cPrev[k];
                            }
                            gate.applyInPlace(f, base, base + batch);
                            gate.applyInPlace(r, base, base + batch);
                        }
                        for (int k = 0; k < batch; k++) {
                            cNew[base + k] = f[base + k] * cPrev[k] + (1f - f[base + k]) * xt[base + k];
                        }
                        s.carryMemory(t0 + t, cNew, base, cPrev, carried);
                    }
                    a.write(fAt, f, 0, n);
                    a.write(rAt, r, 0, n);
                    c.write(s.stateAt(j, t0 + 1), carried, 0, n);
                    if (identity) {
                        s.x.read(s.xAt(j, t0), highway, 0, n);
                    } else {
                        a.read(s.sequenceAt(3 * h + j, t0), highway, 0, n);
                    }
                    System.arraycopy(cNew, 0, gc, 0, n);
                    g.applyInPlace(gc, 0, n);
                    for (int k = 0; k < n; k++) {
                        gc[k] = r[k] * gc[k] + (1f - r[k]) * (scaleF * highway[k]);
                    }
                    s.h.write(s.stateAt(j, t0 + 1), gc, 0, n);
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
            int rows = identity ? 3 : 4;
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
                            if (identity) {
                                dxDirect.set(at + b, 0.0);
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
         * {@link #backwardRows} in float32, chunk by chunk of steps from the last: the terms that do
         * not depend on the carried {@code ∂L/∂c} (∂L/∂a_r, the highway's gradient, and {@code ∂L/∂h ⊙
         * r ⊙ g'(c)}) are loops over the whole chunk, which HotSpot vectorizes; the carry runs step by
         * step over the batch.
         */
        private void backwardFloatRows(int from, int to, int firstStep, WorkArrays s) {
            int h = s.hidden;
            int batch = s.batch;
            int chunk = Math.max(1, CHUNK_ELEMENTS / batch);
            int len = Math.min(chunk, s.steps) * batch;
            float[] dh = new float[len];
            float[] xt = new float[len];
            float[] f = new float[len];
            float[] r = new float[len];
            float[] highway = new float[len];
            float[] cPrev = new float[len];
            float[] gc = new float[len];
            float[] gDer = new float[len];
            float[] fDer = new float[len];
            float[] rDer = new float[len];
            float[] fromH = new float[len];
            float[] dR = new float[len];
            float[] dHighway = new float[len];
            float[] dc = new float[batch];
            float scaleF = (float) scale;
            boolean masked = s.mask != null;
            NativeArray a = s.gatesAndGradients;
            NativeArray epsilon = s.epsilon();
            NativeArray initial = s.initialGradient(StateEntry.C);
            for (int j = from; j < to; j++) {
                float vfj = (float) vf[j];
                float vrj = (float) vr[j];
                Arrays.fill(dc, 0f);
                for (int end = s.steps; end > firstStep; end -= chunk) {
                    int t0 = Math.max(firstStep, end - chunk);
                    int steps = end - t0;
                    int n = steps * batch;
                    int xAt = s.sequenceAt(j, t0);
                    int fAt = s.sequenceAt(h + j, t0);
                    int rAt = s.sequenceAt(2 * h + j, t0);
                    epsilon.read(xAt, dh, 0, n);
                    a.read(xAt, xt, 0, n);
                    a.read(fAt, f, 0, n);
                    a.read(rAt, r, 0, n);
                    c.read(s.stateAt(j, t0), cPrev, 0, n);
                    c.read(s.stateAt(j, t0 + 1), gc, 0, n);
                    if (identity) {
                        s.x.read(s.xAt(j, t0), highway, 0, n);
                        for (int k = 0; k < n; k++) {
                            highway[k] *= scaleF;
                        }
                    } else {
                        a.read(s.sequenceAt(3 * h + j, t0), highway, 0, n);
                    }
                    g.applyInPlace(gc, 0, n);
                    g.derivativesFromOutputs(gc, gDer, n);
                    gate.derivativesFromOutputs(f, fDer, n);
                    gate.derivativesFromOutputs(r, rDer, n);
                    for (int k = 0; k < n; k++) {
                        dR[k] = dh[k] * (gc[k] - highway[k]) * rDer[k];
                        fromH[k] = dh[k] * r[k] * gDer[k];
                        dHighway[k] = dh[k] * (1f - r[k]);
                    }
                    // f now receives ∂L/∂a_f and xt ∂L/∂x̃, step by step from the chunk's last.
                    for (int t = steps - 1; t >= 0; t--) {
                        int base = t * batch;
                        for (int b = 0; b < batch; b++) {
                            int i = base + b;
                            if (masked && !s.real(t0 + t, b)) {
                                xt[i] = 0f;
                                f[i] = 0f;
                                dR[i] = 0f;
                                dHighway[i] = 0f;
                                continue;
                            }
                            float d = dc[b] + fromH[i];
                            float dF = d * (cPrev[i] - xt[i]) * fDer[i];
                            xt[i] = d * (1f - f[i]);
                            dc[b] = d * f[i] + dF * vfj + dR[i] * vrj;
                            f[i] = dF;
                        }
                    }
                    a.write(xAt, xt, 0, n);
                    a.write(fAt, f, 0, n);
                    a.write(rAt, dR, 0, n);
                    if (identity) {
                        for (int k = 0; k < n; k++) {
                            dHighway[k] *= scaleF;
                        }
                        dxDirect.write(xAt, dHighway, 0, n);
                    } else {
                        a.write(s.sequenceAt(3 * h + j, t0), dHighway, 0, n);
                    }
                }
                initial.write(j * batch, dc, 0, batch);
            }
        }

        @Override
        public void parameterGradients(int from, WorkArrays s) {
            if (!feedback) {
                return;
            }
            int h = s.hidden;
            NativeArray dv = s.gradient(FEEDBACK);
            for (int j = 0; j < h; j++) {
                double df = 0;
                double dr = 0;
                for (int t = from; t < s.steps; t++) {
                    int fAt = s.sequenceAt(h + j, t);
                    int rAt = s.sequenceAt(2 * h + j, t);
                    int prev = s.stateAt(j, t);
                    for (int b = 0; b < s.batch; b++) {
                        double cPrev = c.get(prev + b);
                        df += s.gatesAndGradients.get(fAt + b) * cPrev;
                        dr += s.gatesAndGradients.get(rAt + b) * cPrev;
                    }
                }
                dv.set(j, df);
                dv.set(h + j, dr);
            }
        }

        @Override
        public void inputGradient(int from, WorkArrays s) {
            if (!identity) {
                return;
            }
            NativeArray dx = s.dx();
            for (int j = 0; j < s.hidden; j++) {
                for (int t = from; t < s.steps; t++) {
                    int at = s.sequenceAt(j, t);
                    int to = s.xAt(j, t);
                    for (int b = 0; b < s.batch; b++) {
                        dx.add(to + b, dxDirect.get(at + b));
                    }
                }
            }
        }
    }
}
