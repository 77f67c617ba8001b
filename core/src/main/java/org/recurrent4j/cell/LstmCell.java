package org.recurrent4j.cell;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.recurrent4j.kernel.FloatRows;
import org.recurrent4j.kernel.NativeArray;
import org.recurrent4j.kernel.RowParallel;

/**
 * The long short-term memory cell, as PyTorch's {@code nn.LSTM}, with optional peephole
 * connections and an optional coupled input–forget gate.
 *
 * <pre>
 *   forward:
 *   a_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh            rows i, f, g, o (coupled: i, g, o)
 *   i_t = σ(a_i [+ w_ci ⊙ c_{t-1}])
 *   f_t = σ(a_f [+ w_cf ⊙ c_{t-1}])                         coupled: f_t = 1 − i_t
 *   g_t = act(a_g)
 *   c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t
 *   o_t = σ(a_o [+ w_co ⊙ c_t])
 *   h_t = o_t ⊙ act(c_t)
 *
 *   backward, given ∂L/∂h_t and ∂L/∂c_t (from step t+1):
 *   ∂L/∂a_o     = ∂L/∂h_t ⊙ act(c_t) ⊙ σ'
 *   ∂c          = ∂L/∂c_t + ∂L/∂h_t ⊙ o_t ⊙ act'(c_t) [+ ∂L/∂a_o ⊙ w_co]
 *   ∂L/∂a_i     = ∂c ⊙ g_t ⊙ σ'                          coupled: ∂c ⊙ (g_t − c_{t-1}) ⊙ σ'
 *   ∂L/∂a_f     = ∂c ⊙ c_{t-1} ⊙ σ'
 *   ∂L/∂a_g     = ∂c ⊙ i_t ⊙ act'
 *   ∂L/∂c_{t-1} = ∂c ⊙ f_t [+ ∂L/∂a_i ⊙ w_ci + ∂L/∂a_f ⊙ w_cf]
 *   ∂L/∂h_{t-1} = W_hh^T ∂L/∂a_t
 * </pre>
 *
 * <p>{@code σ} is the gate activation (sigmoid by default), {@code act} the cell activation (tanh by
 * default); derivatives are taken at the values above. Parameters: {@code Wih [G·H, nIn]}, {@code
 * bih [G·H]} (the forget rows start at the forget-gate bias), {@code Whh [G·H, H]}, {@code bhh
 * [G·H]}, and with peepholes {@code wpeep}: {@code [3H]} as (w_ci, w_cf, w_co), or {@code [2H]}
 * as (w_ci, w_co) when coupled; {@code G = 4}, coupled 3. State: {@code h}, {@code c}.
 */
public final class LstmCell implements Cell {

    private static final long serialVersionUID = 2L;
    private final IActivation activation;
    private final IActivation gateActivation;
    private final boolean peephole;
    private final boolean coupled;
    private final double forgetGateBias;

    /**
     * @param forgetGateBias the initial value of the forget rows of {@code bih} (ignored when coupled)
     * @throws IllegalArgumentException for an activation the fused loop cannot use
     */
    public LstmCell(
            IActivation activation,
            IActivation gateActivation,
            boolean peephole,
            boolean coupled,
            double forgetGateBias) {
        ScalarActivation.of(activation, "LSTM activation");
        ScalarActivation.of(gateActivation, "LSTM gate activation");
        this.activation = activation;
        this.gateActivation = gateActivation;
        this.peephole = peephole;
        this.coupled = coupled;
        this.forgetGateBias = forgetGateBias;
    }

    /** The gate blocks {@code G}: 4 (i, f, g, o), or 3 (i, g, o) when coupled. */
    public int gates() {
        return coupled ? 3 : 4;
    }

    @Override
    public InputProjection projection(int nIn, int hidden) {
        int rows = gates() * hidden;
        ParameterInit biasInit = coupled
                ? ParameterInit.bias()
                : ParameterInit.rowBlocks(
                        hidden,
                        ParameterInit.bias(),
                        ParameterInit.constant(forgetGateBias),
                        ParameterInit.bias(),
                        ParameterInit.bias());
        return InputProjection.dense(rows).inputBias(0, rows, biasInit).addBias(CellKeys.RECURRENT_BIAS, 0, rows);
    }

    @Override
    public List<StateEntry> state(int hidden) {
        return List.of(StateEntry.hidden(hidden), StateEntry.memory(hidden));
    }

    @Override
    public List<CellParameter> parameters(int nIn, int hidden) {
        List<CellParameter> list = new ArrayList<>();
        long rows = (long) gates() * hidden;
        list.add(CellParameter.weight(CellKeys.RECURRENT_WEIGHT, rows, hidden, ParameterInit.recurrentBlocks()));
        list.add(CellParameter.bias(CellKeys.RECURRENT_BIAS, rows, ParameterInit.constant(0)));
        if (peephole) {
            list.add(CellParameter.weightVector(
                    CellKeys.PEEPHOLE, (coupled ? 2L : 3L) * hidden, ParameterInit.constant(0)));
        }
        return list;
    }

    @Override
    public Cell.Steps begin(Map<String, INDArray> params, WorkArrays s) {
        return new LstmSteps(params, s);
    }

    private final class LstmSteps implements Cell.Steps {
        private final ScalarActivation gate = ScalarActivation.of(gateActivation, "");
        private final ScalarActivation act = ScalarActivation.of(activation, "");
        private final RecurrentProduct whh;
        /** Peephole weights (w_ci, w_cf, w_co), each of length H (zeros when absent). */
        private final double[] wCi;

        private final double[] wCf;
        private final double[] wCo;
        private final NativeArray c;
        private final NativeArray dc;
        private final NativeArray dcPrev;
        /** act(c_t) of every step {@code [H, T, B]}. */
        private final NativeArray cellActivation;
        /** The steps of a float32 network, or null for float64. */
        private final FloatSteps lanes;

        LstmSteps(Map<String, INDArray> params, WorkArrays s) {
            whh = RecurrentProduct.of(params, CellKeys.RECURRENT_WEIGHT, s);
            int h = s.hidden;
            if (peephole) {
                double[] peep = NativeArray.values(params.get(CellKeys.PEEPHOLE));
                wCi = Arrays.copyOfRange(peep, 0, h);
                wCf = coupled ? new double[h] : Arrays.copyOfRange(peep, h, 2 * h);
                wCo = Arrays.copyOfRange(peep, coupled ? h : 2 * h, coupled ? 2 * h : 3 * h);
            } else {
                wCi = wCf = wCo = new double[h];
            }
            c = s.state(StateEntry.C);
            dc = s.dState(StateEntry.C);
            dcPrev = s.dStatePrev(StateEntry.C);
            cellActivation = s.sequenceBuffer("lstm.act(c)", h);
            lanes = s.type == DataType.FLOAT ? new FloatSteps() : null;
        }

        @Override
        public void forward(int t, WorkArrays s) {
            whh.addTo(s, t);
            if (lanes != null) {
                RowParallel.run(s.hidden, s.batch, (from, to) -> lanes.forwardRows(t, s, from, to));
            } else {
                RowParallel.run(s.hidden, s.batch, (from, to) -> forwardRows(t, s, from, to));
            }
        }

        private void forwardRows(int t, WorkArrays s, int from, int to) {
            int h = s.hidden;
            int b = s.batch;
            NativeArray a = s.gatesAndGradients;
            int gBlock = coupled ? 1 : 2;
            for (int j = from; j < to; j++) {
                int iAt = s.sequenceAt(j, t);
                int fAt = s.sequenceAt(h + j, t);
                int gAt = s.sequenceAt(gBlock * h + j, t);
                int oAt = s.sequenceAt((gBlock + 1) * h + j, t);
                int prev = s.stateAt(j, t);
                int next = s.stateAt(j, t + 1);
                for (int k = 0; k < b; k++) {
                    double cPrev = c.get(prev + k);
                    double i = gate.apply(a.get(iAt + k) + wCi[j] * cPrev);
                    double f = coupled ? 1.0 - i : gate.apply(a.get(fAt + k) + wCf[j] * cPrev);
                    double g = act.apply(a.get(gAt + k));
                    double cNew = f * cPrev + i * g;
                    double o = gate.apply(a.get(oAt + k) + wCo[j] * cNew);
                    double tc = act.apply(cNew);
                    a.set(iAt + k, i);
                    if (!coupled) {
                        a.set(fAt + k, f);
                    }
                    a.set(gAt + k, g);
                    a.set(oAt + k, o);
                    c.set(next + k, cNew);
                    cellActivation.set(iAt + k, tc);
                    s.h.set(next + k, o * tc);
                }
            }
        }

        /**
         * The forward and backward steps in float32, over blocks of rows in heap arrays ({@link
         * FloatRows}): every equation is one loop over the block, which HotSpot vectorizes, with
         * {@link ScalarActivation#applyInPlace}'s rational sigmoid and tanh. The float64 loops of
         * {@link LstmSteps} compute the same equations element by element in double.
         */
        private final class FloatSteps {
            private final float[] wCiF = FloatRows.floats(wCi);
            private final float[] wCfF = FloatRows.floats(wCf);
            private final float[] wCoF = FloatRows.floats(wCo);

            void forwardRows(int t, WorkArrays s, int from, int to) {
                int h = s.hidden;
                int b = s.batch;
                int n = FloatRows.blockLength(b, to - from);
                float[] i = new float[n];
                float[] f = new float[n];
                float[] g = new float[n];
                float[] o = new float[n];
                float[] cPrev = new float[n];
                float[] cNew = new float[n];
                float[] tc = new float[n];
                NativeArray a = s.gatesAndGradients;
                int gBlock = coupled ? 1 : 2;
                FloatRows.Rows iAt = s.sequenceRows(0, t);
                FloatRows.Rows fAt = s.sequenceRows(h, t);
                FloatRows.Rows gAt = s.sequenceRows(gBlock * h, t);
                FloatRows.Rows oAt = s.sequenceRows((gBlock + 1) * h, t);
                FloatRows.Rows before = s.stateRows(t);
                FloatRows.Rows after = s.stateRows(t + 1);
                int per = FloatRows.rowsPerBlock(b);
                for (int first = from; first < to; first += per) {
                    int rows = Math.min(per, to - first);
                    int m = rows * b;
                    FloatRows.read(a, iAt, first, rows, b, i);
                    FloatRows.read(a, gAt, first, rows, b, g);
                    FloatRows.read(a, oAt, first, rows, b, o);
                    FloatRows.read(c, before, first, rows, b, cPrev);
                    if (peephole) {
                        FloatRows.addScaledPerRow(i, wCiF, cPrev, first, rows, b);
                    }
                    gate.applyInPlace(i, 0, m);
                    if (coupled) {
                        for (int k = 0; k < m; k++) {
                            f[k] = 1f - i[k];
                        }
                    } else {
                        FloatRows.read(a, fAt, first, rows, b, f);
                        if (peephole) {
                            FloatRows.addScaledPerRow(f, wCfF, cPrev, first, rows, b);
                        }
                        gate.applyInPlace(f, 0, m);
                        FloatRows.write(a, fAt, first, rows, b, f);
                    }
                    act.applyInPlace(g, 0, m);
                    for (int k = 0; k < m; k++) {
                        cNew[k] = f[k] * cPrev[k] + i[k] * g[k];
                    }
                    if (peephole) {
                        FloatRows.addScaledPerRow(o, wCoF, cNew, first, rows, b);
                    }
                    gate.applyInPlace(o, 0, m);
                    System.arraycopy(cNew, 0, tc, 0, m);
                    act.applyInPlace(tc, 0, m);
                    FloatRows.write(a, iAt, first, rows, b, i);
                    FloatRows.write(a, gAt, first, rows, b, g);
                    FloatRows.write(a, oAt, first, rows, b, o);
                    FloatRows.write(c, after, first, rows, b, cNew);
                    FloatRows.write(cellActivation, iAt, first, rows, b, tc);
                    // h = o ⊙ act(c), into o's arrays now that o is written
                    for (int k = 0; k < m; k++) {
                        o[k] *= tc[k];
                    }
                    FloatRows.write(s.h, after, first, rows, b, o);
                }
            }

            /** {@link LstmSteps#backwardRows} in float32, over blocks of rows in heap arrays. */
            void backwardRows(int t, WorkArrays s, int from, int to) {
                int h = s.hidden;
                int b = s.batch;
                int n = FloatRows.blockLength(b, to - from);
                float[] i = new float[n];
                float[] f = new float[n];
                float[] g = new float[n];
                float[] o = new float[n];
                float[] tc = new float[n];
                float[] cPrev = new float[n];
                float[] dh = new float[n];
                float[] dC = new float[n];
                float[] derivative = new float[n];
                NativeArray a = s.gatesAndGradients;
                int gBlock = coupled ? 1 : 2;
                FloatRows.Rows iAt = s.sequenceRows(0, t);
                FloatRows.Rows fAt = s.sequenceRows(h, t);
                FloatRows.Rows gAt = s.sequenceRows(gBlock * h, t);
                FloatRows.Rows oAt = s.sequenceRows((gBlock + 1) * h, t);
                int per = FloatRows.rowsPerBlock(b);
                for (int first = from; first < to; first += per) {
                    int rows = Math.min(per, to - first);
                    int m = rows * b;
                    FloatRows.read(a, iAt, first, rows, b, i);
                    FloatRows.read(a, gAt, first, rows, b, g);
                    FloatRows.read(a, oAt, first, rows, b, o);
                    FloatRows.read(cellActivation, iAt, first, rows, b, tc);
                    FloatRows.read(c, s.stateRows(t), first, rows, b, cPrev);
                    s.dh.read(first * b, dh, 0, m);
                    dc.read(first * b, dC, 0, m);
                    // ∂c = ∂L/∂c_t + ∂h ⊙ o ⊙ act'(act(c)) [+ ∂a_o ⊙ w_co], with ∂a_o = ∂h ⊙ act(c) ⊙ σ'(o) into o
                    act.derivativesFromOutputs(tc, derivative, m);
                    for (int k = 0; k < m; k++) {
                        dC[k] += dh[k] * o[k] * derivative[k];
                    }
                    gate.derivativesFromOutputs(o, derivative, m);
                    for (int k = 0; k < m; k++) {
                        o[k] = dh[k] * tc[k] * derivative[k];
                    }
                    if (peephole) {
                        FloatRows.addScaledPerRow(dC, wCoF, o, first, rows, b);
                    }
                    FloatRows.write(a, oAt, first, rows, b, o);
                    // ∂a_g = ∂c ⊙ i ⊙ act'(g), into dh (no longer needed)
                    act.derivativesFromOutputs(g, derivative, m);
                    for (int k = 0; k < m; k++) {
                        dh[k] = dC[k] * i[k] * derivative[k];
                    }
                    FloatRows.write(a, gAt, first, rows, b, dh);
                    // ∂c_{t-1} = ∂c ⊙ f [+ peepholes], into tc; then ∂a_i into g, ∂a_f into f
                    if (coupled) {
                        for (int k = 0; k < m; k++) {
                            tc[k] = dC[k] * (1f - i[k]);
                            g[k] -= cPrev[k];
                        }
                    } else {
                        FloatRows.read(a, fAt, first, rows, b, f);
                        for (int k = 0; k < m; k++) {
                            tc[k] = dC[k] * f[k];
                        }
                    }
                    gate.derivativesFromOutputs(i, derivative, m);
                    for (int k = 0; k < m; k++) {
                        g[k] = dC[k] * g[k] * derivative[k];
                    }
                    FloatRows.write(a, iAt, first, rows, b, g);
                    if (peephole) {
                        FloatRows.addScaledPerRow(tc, wCiF, g, first, rows, b);
                    }
                    if (!coupled) {
                        gate.derivativesFromOutputs(f, derivative, m);
                        for (int k = 0; k < m; k++) {
                            f[k] = dC[k] * cPrev[k] * derivative[k];
                        }
                        FloatRows.write(a, fAt, first, rows, b, f);
                        if (peephole) {
                            FloatRows.addScaledPerRow(tc, wCfF, f, first, rows, b);
                        }
                    }
                    dcPrev.write(first * b, tc, 0, m);
                }
            }
        }

        @Override
        public void backward(int t, WorkArrays s) {
            if (lanes != null) {
                RowParallel.run(s.hidden, s.batch, (from, to) -> lanes.backwardRows(t, s, from, to));
            } else {
                RowParallel.run(s.hidden, s.batch, (from, to) -> backwardRows(t, s, from, to));
            }
            whh.backprop(s, t);
        }

        private void backwardRows(int t, WorkArrays s, int from, int to) {
            int h = s.hidden;
            int b = s.batch;
            NativeArray a = s.gatesAndGradients;
            int gBlock = coupled ? 1 : 2;
            for (int j = from; j < to; j++) {
                int iAt = s.sequenceAt(j, t);
                int fAt = s.sequenceAt(h + j, t);
                int gAt = s.sequenceAt(gBlock * h + j, t);
                int oAt = s.sequenceAt((gBlock + 1) * h + j, t);
                int prev = s.stateAt(j, t);
                for (int k = 0; k < b; k++) {
                    double i = a.get(iAt + k);
                    double f = coupled ? 1.0 - i : a.get(fAt + k);
                    double g = a.get(gAt + k);
                    double o = a.get(oAt + k);
                    double tc = cellActivation.get(iAt + k);
                    double cPrev = c.get(prev + k);
                    double dh = s.dh.get(j * b + k);

                    double dO = dh * tc * gate.derivativeFromOutput(o);
                    double dC = dc.get(j * b + k) + dh * o * act.derivativeFromOutput(tc) + dO * wCo[j];
                    double dI = (coupled ? dC * (g - cPrev) : dC * g) * gate.derivativeFromOutput(i);
                    double dG = dC * i * act.derivativeFromOutput(g);
                    double dCPrev = dC * f + dI * wCi[j];
                    if (!coupled) {
                        double dF = dC * cPrev * gate.derivativeFromOutput(f);
                        dCPrev += dF * wCf[j];
                        a.set(fAt + k, dF);
                    }
                    a.set(iAt + k, dI);
                    a.set(gAt + k, dG);
                    a.set(oAt + k, dO);
                    dcPrev.set(j * b + k, dCPrev);
                }
            }
        }

        @Override
        public void parameterGradients(int from, WorkArrays s) {
            int h = s.hidden;
            RecurrentProduct.accumulate(
                    s,
                    from,
                    s.gatesAndGradients,
                    0,
                    gates() * h,
                    s.h,
                    s.stateStride(),
                    s.gradient(CellKeys.RECURRENT_WEIGHT));
            if (!peephole) {
                return;
            }
            // ∂L/∂w_ci = Σ ∂L/∂a_i ⊙ c_{t-1}, ∂L/∂w_cf = Σ ∂L/∂a_f ⊙ c_{t-1}, ∂L/∂w_co = Σ ∂L/∂a_o ⊙ c_t.
            int oBlock = coupled ? 2 : 3;
            NativeArray grad = s.gradient(CellKeys.PEEPHOLE);
            for (int j = 0; j < h; j++) {
                double di = 0;
                double df = 0;
                double dO = 0;
                for (int t = from; t < s.steps; t++) {
                    int iAt = s.sequenceAt(j, t);
                    int fAt = s.sequenceAt(h + j, t);
                    int oAt = s.sequenceAt(oBlock * h + j, t);
                    int prev = s.stateAt(j, t);
                    int next = s.stateAt(j, t + 1);
                    for (int k = 0; k < s.batch; k++) {
                        double cPrev = c.get(prev + k);
                        di += s.gatesAndGradients.get(iAt + k) * cPrev;
                        if (!coupled) {
                            df += s.gatesAndGradients.get(fAt + k) * cPrev;
                        }
                        dO += s.gatesAndGradients.get(oAt + k) * c.get(next + k);
                    }
                }
                grad.set(j, di);
                if (coupled) {
                    grad.set(h + j, dO);
                } else {
                    grad.set(h + j, df);
                    grad.set(2 * h + j, dO);
                }
            }
        }
    }
}
