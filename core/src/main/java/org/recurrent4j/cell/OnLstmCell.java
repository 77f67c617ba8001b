package org.recurrent4j.cell;

import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.BernoulliDistribution;
import org.nd4j.linalg.factory.Nd4j;
import org.recurrent4j.kernel.FloatRows;
import org.recurrent4j.kernel.NativeArray;
import org.recurrent4j.kernel.RationalTanh;
import org.recurrent4j.kernel.RowParallel;

/**
 * The ordered-neurons LSTM (ON-LSTM, Shen et al. 2019): an LSTM whose forget and input gates are
 * shaped by two "master" gates over {@code n = H/C} chunks of {@code C} units, ordered by a
 * cumulative softmax, so that high-ranking chunks keep long-term information and low-ranking ones
 * short-term.
 *
 * <pre>
 *   forward, with a_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh, rows [ĩ: n | f̃: n | o: H | ĉ: H | i: H | f: H]:
 *   f̃_t = cumax(a_f̃),   ĩ_t = 1 − cumax(a_ĩ),      cumax(a) = cumsum(softmax(a)) over the n chunks
 *   o_t = σ(a_o),  ĉ_t = tanh(a_ĉ),  i_t = σ(a_i),  f_t = σ(a_f)
 *   ω_t = f̃_t ⊙ ĩ_t,   f̂_t = f_t ⊙ ω_t + (f̃_t − ω_t),   î_t = i_t ⊙ ω_t + (ĩ_t − ω_t)
 *   c_t = f̂_t ⊙ c_{t-1} + î_t ⊙ ĉ_t,   h_t = o_t ⊙ tanh(c_t)
 *   (a master value of chunk q applies to its C units j, q = ⌊j / C⌋)
 *
 *   backward, given ∂L/∂h_t and ∂L/∂c_t:
 *   ∂L/∂a_o = ∂L/∂h_t ⊙ tanh(c_t) ⊙ σ',    ∂c = ∂L/∂c_t + ∂L/∂h_t ⊙ o_t ⊙ (1 − tanh²(c_t))
 *   ∂f̂ = ∂c ⊙ c_{t-1},  ∂î = ∂c ⊙ ĉ_t,   ∂L/∂a_ĉ = ∂c ⊙ î_t ⊙ tanh',  ∂L/∂c_{t-1} = ∂c ⊙ f̂_t
 *   ∂L/∂a_f = ∂f̂ ⊙ ω_t ⊙ σ',  ∂L/∂a_i = ∂î ⊙ ω_t ⊙ σ',   ∂ω = ∂f̂ ⊙ (f_t − 1) + ∂î ⊙ (i_t − 1)
 *   ∂f̃ = Σ_{units of the chunk} (∂f̂ + ∂ω ⊙ ĩ_t),   ∂ĩ = Σ_{units of the chunk} (∂î + ∂ω ⊙ f̃_t)
 *   through y = cumsum(p), p = softmax(a):  ∂L/∂p_m = Σ_{k ≥ m} ∂L/∂y_k,  ∂L/∂a = p ⊙ (∂L/∂p − Σ_k p_k ∂L/∂p_k)
 *   ∂L/∂h_{t-1} = W_hh^T ∂L/∂a_t
 * </pre>
 *
 * <p>DropConnect on the recurrent weights only (the authors' {@code LinearDropConnect}): in a
 * training pass each weight of {@code W_hh} is kept with probability {@code 1 − p} (one mask per
 * pass, not rescaled); at inference {@code W_hh} is scaled by {@code 1 − p}.
 *
 * <p>Parameters, in the authors' layout (their {@code ih} and {@code hh} linear layers): {@code Wih
 * [4H + 2n, nIn]}, {@code bih}, {@code Whh [4H + 2n, H]}, {@code bhh [4H + 2n]}. State: {@code h},
 * {@code c}. The syntactic distance of a step, as the authors' code defines it ({@code
 * distance_cforget}), is {@code d_t = 1 − mean_q f̃_{t,q}}: see {@link
 * org.recurrent4j.syntax.SyntacticDistance}.
 */
public final class OnLstmCell implements Cell {

    private static final long serialVersionUID = 1L;
    private final int chunkSize;
    private final double dropConnect;

    /**
     * @param chunkSize {@code C}, the units per master-gate chunk (must divide the hidden size)
     * @param dropConnect {@code p ∈ [0, 1)}, the probability of dropping a recurrent weight in a
     *     training pass
     */
    public OnLstmCell(int chunkSize, double dropConnect) {
        if (chunkSize < 1) {
            throw new IllegalArgumentException("ON-LSTM chunk size must be at least 1, got " + chunkSize);
        }
        if (!(dropConnect >= 0 && dropConnect < 1)) {
            throw new IllegalArgumentException("ON-LSTM dropConnect must be in [0, 1), got " + dropConnect);
        }
        this.chunkSize = chunkSize;
        this.dropConnect = dropConnect;
    }

    /** The number of chunks {@code n = H / C}. */
    public int chunks(int hidden) {
        if (hidden % chunkSize != 0) {
            throw new IllegalArgumentException("ON-LSTM chunk size " + chunkSize + " does not divide the hidden size "
                    + hidden + ": choose nOut a multiple of the chunk size (or a chunk size that divides " + hidden
                    + ")");
        }
        return hidden / chunkSize;
    }

    /** The rows of the projection and of the recurrent weights: {@code 4H + 2n}. */
    public int rows(int hidden) {
        return 4 * hidden + 2 * chunks(hidden);
    }

    /** The scale of {@code W_hh} at inference, {@code 1 − p}. */
    public double inferenceScale() {
        return 1.0 - dropConnect;
    }

    @Override
    public InputProjection projection(int nIn, int hidden) {
        int rows = rows(hidden);
        return InputProjection.dense(rows).addBias(CellKeys.RECURRENT_BIAS, 0, rows);
    }

    @Override
    public List<StateEntry> state(int hidden) {
        return List.of(StateEntry.hidden(hidden), StateEntry.memory(hidden));
    }

    @Override
    public List<CellParameter> parameters(int nIn, int hidden) {
        int n = chunks(hidden);
        return List.of(
                CellParameter.weight(
                        CellKeys.RECURRENT_WEIGHT,
                        rows(hidden),
                        hidden,
                        ParameterInit.recurrentBlocks(2L * n, hidden, hidden, hidden, hidden)),
                CellParameter.bias(CellKeys.RECURRENT_BIAS, rows(hidden), ParameterInit.constant(0)));
    }

    @Override
    public Cell.Steps begin(Map<String, INDArray> params, WorkArrays s) {
        return new OnLstmSteps(params, s);
    }

    private final class OnLstmSteps implements Cell.Steps {
        private final int n;
        private final int h;
        private final RecurrentProduct whh;
        /** The DropConnect mask of a training pass {@code [rows, H]}, or null. */
        private final NativeArray weightMask;

        private final NativeArray c;
        private final NativeArray dc;
        private final NativeArray dcPrev;
        /** tanh(c_t) of every step {@code [H, T, B]}. */
        private final NativeArray cellActivation;
        /** Per unit and example, the contributions to ∂f̃ and ∂ĩ of the current backward step {@code [H, B]}. */
        private final NativeArray dMasterF;

        private final NativeArray dMasterI;

        OnLstmSteps(Map<String, INDArray> params, WorkArrays s) {
            h = s.hidden;
            n = chunks(h);
            // DropConnect masks or scales the weights it multiplies: a copy, not the parameters.
            whh = dropConnect > 0
                    ? RecurrentProduct.ofCopy(params, CellKeys.RECURRENT_WEIGHT, s)
                    : RecurrentProduct.of(params, CellKeys.RECURRENT_WEIGHT, s);
            NativeArray w = whh.weights();
            if (s.training && dropConnect > 0) {
                weightMask = s.buffer("onlstm.dropConnect", w.array().shape());
                Nd4j.getExecutioner()
                        .exec(new BernoulliDistribution(weightMask.array(), 1.0 - dropConnect), Nd4j.getRandom());
                w.array().muli(weightMask.array());
            } else {
                weightMask = null;
                if (dropConnect > 0) {
                    w.array().muli(inferenceScale());
                }
            }
            c = s.state(StateEntry.C);
            dc = s.dState(StateEntry.C);
            dcPrev = s.dStatePrev(StateEntry.C);
            cellActivation = s.sequenceBuffer("onlstm.tanh(c)", h);
            dMasterF = s.buffer("onlstm.dMasterF", h, s.batch);
            dMasterI = s.buffer("onlstm.dMasterI", h, s.batch);
        }

        /** Rows of the gate blocks after the 2n master rows. */
        private int row(int block, int j) {
            return 2 * n + block * h + j;
        }

        @Override
        public void forward(int t, WorkArrays s) {
            whh.addTo(s, t);
            masterGates(t, s);
            if (s.type == DataType.FLOAT) {
                RowParallel.run(h, s.batch, (from, to) -> forwardFloatRows(t, s, from, to));
            } else {
                RowParallel.run(h, s.batch, (from, to) -> forwardRows(t, s, from, to));
            }
        }

        /**
         * {@link #forwardRows} in float32, over blocks of rows in heap arrays (see {@link FloatRows}):
         * each equation one loop over the block, which HotSpot vectorizes.
         */
        private void forwardFloatRows(int t, WorkArrays s, int from, int to) {
            int b = s.batch;
            int len = FloatRows.blockLength(b, to - from);
            float[] masterI = new float[len];
            float[] masterF = new float[len];
            float[] o = new float[len];
            float[] g = new float[len];
            float[] i = new float[len];
            float[] f = new float[len];
            float[] cNew = new float[len];
            float[] tc = new float[len];
            NativeArray a = s.gatesAndGradients;
            FloatRows.Rows oAt = s.sequenceRows(row(0, 0), t);
            FloatRows.Rows gAt = s.sequenceRows(row(1, 0), t);
            FloatRows.Rows iAt = s.sequenceRows(row(2, 0), t);
            FloatRows.Rows fAt = s.sequenceRows(row(3, 0), t);
            FloatRows.Rows unit = s.sequenceRows(0, t);
            FloatRows.Rows after = s.stateRows(t + 1);
            int per = FloatRows.rowsPerBlock(b);
            for (int first = from; first < to; first += per) {
                int rows = Math.min(per, to - first);
                int m = rows * b;
                readMasterGates(s, t, first, rows, masterI, masterF);
                FloatRows.read(a, oAt, first, rows, b, o);
                FloatRows.read(a, gAt, first, rows, b, g);
                FloatRows.read(a, iAt, first, rows, b, i);
                FloatRows.read(a, fAt, first, rows, b, f);
                FloatRows.read(c, s.stateRows(t), first, rows, b, cNew);
                RationalTanh.sigmoid(o, 0, m);
                RationalTanh.tanh(g, 0, m);
                RationalTanh.sigmoid(i, 0, m);
                RationalTanh.sigmoid(f, 0, m);
                FloatRows.write(a, oAt, first, rows, b, o);
                FloatRows.write(a, gAt, first, rows, b, g);
                FloatRows.write(a, iAt, first, rows, b, i);
                FloatRows.write(a, fAt, first, rows, b, f);
                for (int k = 0; k < m; k++) {
                    float omega = masterF[k] * masterI[k];
                    float fHat = f[k] * omega + (masterF[k] - omega);
                    float iHat = i[k] * omega + (masterI[k] - omega);
                    cNew[k] = fHat * cNew[k] + iHat * g[k];
                }
                FloatRows.write(c, after, first, rows, b, cNew);
                System.arraycopy(cNew, 0, tc, 0, m);
                RationalTanh.tanh(tc, 0, m);
                FloatRows.write(cellActivation, unit, first, rows, b, tc);
                for (int k = 0; k < m; k++) {
                    o[k] *= tc[k];
                }
                FloatRows.write(s.h, after, first, rows, b, o);
            }
        }

        /** Block rows {@code first …} of ĩ and f̃: each unit's row is its chunk's master gates. */
        private void readMasterGates(WorkArrays s, int t, int first, int rows, float[] masterI, float[] masterF) {
            int b = s.batch;
            for (int r = 0; r < rows; r++) {
                int q = (first + r) / chunkSize;
                s.gatesAndGradients.read(s.sequenceAt(q, t), masterI, r * b, b);
                s.gatesAndGradients.read(s.sequenceAt(n + q, t), masterF, r * b, b);
            }
        }

        /** ĩ = 1 − cumax(a_ĩ) and f̃ = cumax(a_f̃) over the chunks, per example, in place. */
        private void masterGates(int t, WorkArrays s) {
            NativeArray a = s.gatesAndGradients;
            for (int b = 0; b < s.batch; b++) {
                cumax(a, s, t, b, 0, true);
                cumax(a, s, t, b, n, false);
            }
        }

        private void cumax(NativeArray a, WorkArrays s, int t, int b, int firstRow, boolean complement) {
            double max = Double.NEGATIVE_INFINITY;
            for (int q = 0; q < n; q++) {
                max = Math.max(max, a.get(s.sequenceAt(firstRow + q, t) + b));
            }
            double sum = 0;
            for (int q = 0; q < n; q++) {
                int at = s.sequenceAt(firstRow + q, t) + b;
                double e = Math.exp(a.get(at) - max);
                a.set(at, e);
                sum += e;
            }
            double cumulative = 0;
            for (int q = 0; q < n; q++) {
                int at = s.sequenceAt(firstRow + q, t) + b;
                cumulative += a.get(at) / sum;
                a.set(at, complement ? 1.0 - cumulative : cumulative);
            }
        }

        private void forwardRows(int t, WorkArrays s, int from, int to) {
            NativeArray a = s.gatesAndGradients;
            ScalarActivation sigmoid = ScalarActivation.SIGMOID;
            ScalarActivation tanh = ScalarActivation.TANH;
            for (int j = from; j < to; j++) {
                int q = j / chunkSize;
                int iMasterAt = s.sequenceAt(q, t);
                int fMasterAt = s.sequenceAt(n + q, t);
                int oAt = s.sequenceAt(row(0, j), t);
                int gAt = s.sequenceAt(row(1, j), t);
                int iAt = s.sequenceAt(row(2, j), t);
                int fAt = s.sequenceAt(row(3, j), t);
                int prev = s.stateAt(j, t);
                int tcAt = s.sequenceAt(j, t);
                for (int b = 0; b < s.batch; b++) {
                    double masterI = a.get(iMasterAt + b);
                    double masterF = a.get(fMasterAt + b);
                    double omega = masterF * masterI;
                    double o = sigmoid.apply(a.get(oAt + b));
                    double g = tanh.apply(a.get(gAt + b));
                    double i = sigmoid.apply(a.get(iAt + b));
                    double f = sigmoid.apply(a.get(fAt + b));
                    double fHat = f * omega + (masterF - omega);
                    double iHat = i * omega + (masterI - omega);
                    double cNew = fHat * c.get(prev + b) + iHat * g;
                    double tc = tanh.apply(cNew);
                    a.set(oAt + b, o);
                    a.set(gAt + b, g);
                    a.set(iAt + b, i);
                    a.set(fAt + b, f);
                    c.set(prev + s.batch + b, cNew);
                    cellActivation.set(tcAt + b, tc);
                    s.h.set(prev + s.batch + b, o * tc);
                }
            }
        }

        @Override
        public void backward(int t, WorkArrays s) {
            if (s.type == DataType.FLOAT) {
                RowParallel.run(h, s.batch, (from, to) -> backwardFloatRows(t, s, from, to));
            } else {
                RowParallel.run(h, s.batch, (from, to) -> backwardRows(t, s, from, to));
            }
            masterGatesBackward(t, s);
            whh.backprop(s, t);
        }

        private void backwardRows(int t, WorkArrays s, int from, int to) {
            NativeArray a = s.gatesAndGradients;
            ScalarActivation sigmoid = ScalarActivation.SIGMOID;
            ScalarActivation tanh = ScalarActivation.TANH;
            for (int j = from; j < to; j++) {
                int q = j / chunkSize;
                int iMasterAt = s.sequenceAt(q, t);
                int fMasterAt = s.sequenceAt(n + q, t);
                int oAt = s.sequenceAt(row(0, j), t);
                int gAt = s.sequenceAt(row(1, j), t);
                int iAt = s.sequenceAt(row(2, j), t);
                int fAt = s.sequenceAt(row(3, j), t);
                int prev = s.stateAt(j, t);
                int tcAt = s.sequenceAt(j, t);
                for (int b = 0; b < s.batch; b++) {
                    int k = j * s.batch + b;
                    double masterI = a.get(iMasterAt + b);
                    double masterF = a.get(fMasterAt + b);
                    double omega = masterF * masterI;
                    double o = a.get(oAt + b);
                    double g = a.get(gAt + b);
                    double i = a.get(iAt + b);
                    double f = a.get(fAt + b);
                    double iHat = i * omega + (masterI - omega);
                    double fHat = f * omega + (masterF - omega);
                    double tc = cellActivation.get(tcAt + b);
                    double dh = s.dh.get(k);
                    double dC = dc.get(k) + dh * o * tanh.derivativeFromOutput(tc);
                    double dFHat = dC * c.get(prev + b);
                    double dIHat = dC * g;
                    double dOmega = dFHat * (f - 1.0) + dIHat * (i - 1.0);
                    a.set(oAt + b, dh * tc * sigmoid.derivativeFromOutput(o));
                    a.set(gAt + b, dC * iHat * tanh.derivativeFromOutput(g));
                    a.set(iAt + b, dIHat * omega * sigmoid.derivativeFromOutput(i));
                    a.set(fAt + b, dFHat * omega * sigmoid.derivativeFromOutput(f));
                    dMasterF.set(k, dFHat + dOmega * masterI);
                    dMasterI.set(k, dIHat + dOmega * masterF);
                    dcPrev.set(k, dC * fHat);
                }
            }
        }

        /** {@link #backwardRows} in float32, over blocks of rows in heap arrays (see {@link FloatRows}). */
        private void backwardFloatRows(int t, WorkArrays s, int from, int to) {
            int b = s.batch;
            int len = FloatRows.blockLength(b, to - from);
            float[] masterI = new float[len];
            float[] masterF = new float[len];
            float[] o = new float[len];
            float[] g = new float[len];
            float[] i = new float[len];
            float[] f = new float[len];
            float[] tc = new float[len];
            float[] cPrev = new float[len];
            float[] dh = new float[len];
            float[] dC = new float[len];
            float[] dMF = new float[len];
            float[] dMI = new float[len];
            NativeArray a = s.gatesAndGradients;
            FloatRows.Rows oAt = s.sequenceRows(row(0, 0), t);
            FloatRows.Rows gAt = s.sequenceRows(row(1, 0), t);
            FloatRows.Rows iAt = s.sequenceRows(row(2, 0), t);
            FloatRows.Rows fAt = s.sequenceRows(row(3, 0), t);
            FloatRows.Rows unit = s.sequenceRows(0, t);
            int per = FloatRows.rowsPerBlock(b);
            for (int first = from; first < to; first += per) {
                int rows = Math.min(per, to - first);
                int m = rows * b;
                readMasterGates(s, t, first, rows, masterI, masterF);
                FloatRows.read(a, oAt, first, rows, b, o);
                FloatRows.read(a, gAt, first, rows, b, g);
                FloatRows.read(a, iAt, first, rows, b, i);
                FloatRows.read(a, fAt, first, rows, b, f);
                FloatRows.read(cellActivation, unit, first, rows, b, tc);
                FloatRows.read(c, s.stateRows(t), first, rows, b, cPrev);
                s.dh.read(first * b, dh, 0, m);
                dc.read(first * b, dC, 0, m);
                // The gates become their pre-activations' gradients; cPrev becomes ∂L/∂c_{t-1}.
                for (int k = 0; k < m; k++) {
                    float omega = masterF[k] * masterI[k];
                    float iHat = i[k] * omega + (masterI[k] - omega);
                    float fHat = f[k] * omega + (masterF[k] - omega);
                    float d = dC[k] + dh[k] * o[k] * (1f - tc[k] * tc[k]);
                    float dFHat = d * cPrev[k];
                    float dIHat = d * g[k];
                    float dOmega = dFHat * (f[k] - 1f) + dIHat * (i[k] - 1f);
                    o[k] = dh[k] * tc[k] * o[k] * (1f - o[k]);
                    g[k] = d * iHat * (1f - g[k] * g[k]);
                    i[k] = dIHat * omega * i[k] * (1f - i[k]);
                    f[k] = dFHat * omega * f[k] * (1f - f[k]);
                    dMF[k] = dFHat + dOmega * masterI[k];
                    dMI[k] = dIHat + dOmega * masterF[k];
                    cPrev[k] = d * fHat;
                }
                FloatRows.write(a, oAt, first, rows, b, o);
                FloatRows.write(a, gAt, first, rows, b, g);
                FloatRows.write(a, iAt, first, rows, b, i);
                FloatRows.write(a, fAt, first, rows, b, f);
                dMasterF.write(first * b, dMF, 0, m);
                dMasterI.write(first * b, dMI, 0, m);
                dcPrev.write(first * b, cPrev, 0, m);
            }
        }

        /** Sums the chunks' master-gate gradients and takes them back through the cumulative softmax. */
        private void masterGatesBackward(int t, WorkArrays s) {
            NativeArray a = s.gatesAndGradients;
            double[] dy = new double[n];
            for (int b = 0; b < s.batch; b++) {
                for (int pass = 0; pass < 2; pass++) {
                    boolean input = pass == 0;
                    NativeArray units = input ? dMasterI : dMasterF;
                    int firstRow = input ? 0 : n;
                    for (int q = 0; q < n; q++) {
                        double sum = 0;
                        for (int j = q * chunkSize; j < (q + 1) * chunkSize; j++) {
                            sum += units.get(j * s.batch + b);
                        }
                        // ĩ = 1 − y: its gradient with respect to y is the negative.
                        dy[q] = input ? -sum : sum;
                    }
                    cumaxBackward(a, s, t, b, firstRow, input, dy);
                }
            }
        }

        private void cumaxBackward(
                NativeArray a, WorkArrays s, int t, int b, int firstRow, boolean complement, double[] dy) {
            // p_q = y_q − y_{q−1}, recovered from the stored cumulative values.
            double previous = 0;
            double dp = 0;
            double[] p = new double[n];
            double[] dpOf = new double[n];
            for (int q = 0; q < n; q++) {
                double v = a.get(s.sequenceAt(firstRow + q, t) + b);
                double y = complement ? 1.0 - v : v;
                p[q] = y - previous;
                previous = y;
            }
            for (int q = n - 1; q >= 0; q--) {
                dp += dy[q];
                dpOf[q] = dp;
            }
            double dot = 0;
            for (int q = 0; q < n; q++) {
                dot += p[q] * dpOf[q];
            }
            for (int q = 0; q < n; q++) {
                a.set(s.sequenceAt(firstRow + q, t) + b, p[q] * (dpOf[q] - dot));
            }
        }

        @Override
        public void parameterGradients(int from, WorkArrays s) {
            NativeArray dW = s.gradient(CellKeys.RECURRENT_WEIGHT);
            RecurrentProduct.accumulate(s, from, s.gatesAndGradients, 0, rows(h), s.h, s.stateStride(), dW);
            if (weightMask != null) {
                dW.array().muli(weightMask.array());
            }
        }
    }
}
