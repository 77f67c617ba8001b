package org.recurrent4j.cell;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The long short-term memory cell, as PyTorch's {@code nn.LSTM}, with optional peephole
 * connections and an optional coupled input–forget gate:
 *
 * <pre>
 *   i_t = σ(W_ii x_t + b_ii + W_hi h_{t-1} + b_hi [+ w_ci ⊙ c_{t-1}])
 *   f_t = σ(W_if x_t + b_if + W_hf h_{t-1} + b_hf [+ w_cf ⊙ c_{t-1}])      (coupled: f_t = 1 − i_t)
 *   g_t = act(W_ig x_t + b_ig + W_hg h_{t-1} + b_hg)
 *   c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t
 *   o_t = σ(W_io x_t + b_io + W_ho h_{t-1} + b_ho [+ w_co ⊙ c_t])
 *   h_t = o_t ⊙ act(c_t)
 * </pre>
 *
 * <p>{@code σ} is the gate activation (sigmoid by default), {@code act} the cell activation (tanh by
 * default). Gate blocks are stacked by rows in the order i, f, g, o ({@code G = 4}); the coupled
 * cell has no forget block and uses i, g, o ({@code G = 3}). Parameters: {@code Wih [G·H, nIn]},
 * {@code bih [G·H]} (owned by the loop), {@code Whh [G·H, H]}, {@code bhh [G·H]}, and with
 * peepholes {@code wpeep}: {@code [3H]} as (w_ci, w_cf, w_co), or {@code [2H]} as (w_ci, w_co) when
 * coupled.
 */
public final class LstmCell implements RecurrentCell {

    /** The cell's definition. */
    public static final class Spec implements CellSpec {
        private static final long serialVersionUID = 1L;
        private final IActivation activation;
        private final IActivation gateActivation;
        private final boolean peephole;
        private final boolean coupled;

        public Spec(IActivation activation, IActivation gateActivation, boolean peephole, boolean coupled) {
            ScalarActivation.of(activation, "LSTM activation");
            ScalarActivation.of(gateActivation, "LSTM gate activation");
            this.activation = activation;
            this.gateActivation = gateActivation;
            this.peephole = peephole;
            this.coupled = coupled;
        }

        @Override
        public int gates() {
            return coupled ? 3 : 4;
        }

        @Override
        public boolean hasCellState() {
            return true;
        }

        /** Index of the forget-gate block, or -1 for the coupled cell. */
        public int forgetGate() {
            return coupled ? -1 : 1;
        }

        @Override
        public List<CellParameter> parameters(int hidden) {
            List<CellParameter> list = new ArrayList<>();
            long gh = (long) gates() * hidden;
            list.add(new CellParameter(CellKeys.RECURRENT_WEIGHT, gh, hidden, CellParameter.Kind.RECURRENT_WEIGHT));
            list.add(new CellParameter(CellKeys.RECURRENT_BIAS, gh, 0, CellParameter.Kind.BIAS));
            if (peephole) {
                list.add(new CellParameter(
                        CellKeys.PEEPHOLE, (coupled ? 2L : 3L) * hidden, 0, CellParameter.Kind.PEEPHOLE));
            }
            return list;
        }

        @Override
        public void prepareProjection(SequenceState state, Map<String, INDArray> params) {
            state.addRowBias(params.get(CellKeys.RECURRENT_BIAS).toDoubleVector(), 0, gates() * state.hidden);
        }

        @Override
        public RecurrentCell begin(Map<String, INDArray> params, SequenceState state) {
            return new LstmCell(this, params, state);
        }
    }

    private final boolean coupled;
    private final ScalarActivation gate;
    private final ScalarActivation act;
    private final NativeArray wHh;
    /** Peephole weights (w_ci, w_cf, w_co), each of length H (zeros when absent). */
    private final double[] wCi;

    private final double[] wCf;
    private final double[] wCo;
    /** act(c_t) of every step {@code [H, T, B]}. */
    private final NativeArray cellActivation;

    private LstmCell(Spec spec, Map<String, INDArray> params, SequenceState state) {
        this.coupled = spec.coupled;
        this.gate = ScalarActivation.of(spec.gateActivation, "LSTM gate activation");
        this.act = ScalarActivation.of(spec.activation, "LSTM activation");
        this.wHh = RecurrentWeights.of(params, state);
        int h = state.hidden;
        if (spec.peephole) {
            double[] peep = params.get(CellKeys.PEEPHOLE).toDoubleVector();
            wCi = Arrays.copyOfRange(peep, 0, h);
            wCf = coupled ? new double[h] : Arrays.copyOfRange(peep, h, 2 * h);
            wCo = Arrays.copyOfRange(peep, coupled ? h : 2 * h, coupled ? 2 * h : 3 * h);
        } else {
            wCi = wCf = wCo = new double[h];
        }
        cellActivation = state.sequenceBuffer("lstm.act(c)", h);
    }

    /** Row of gate block {@code g} (0 = i; then f, g, o, or g, o when coupled), hidden unit j. */
    private int row(int block, int j, int h) {
        return block * h + j;
    }

    @Override
    public void forward(int t, SequenceState s) {
        int h = s.hidden;
        int b = s.batch;
        RecurrentWeights.addProduct(s, t, wHh, s.gates * h);
        RowParallel.run(h, b, (from, to) -> forwardRows(t, s, from, to));
    }

    private void forwardRows(int t, SequenceState s, int from, int to) {
        int h = s.hidden;
        int b = s.batch;
        NativeArray z = s.z;
        int gBlock = coupled ? 1 : 2;
        for (int j = from; j < to; j++) {
            int iAt = s.zAt(row(0, j, h), t);
            int fAt = s.zAt(row(1, j, h), t);
            int gAt = s.zAt(row(gBlock, j, h), t);
            int oAt = s.zAt(row(gBlock + 1, j, h), t);
            int prev = s.stateAt(j, t);
            int next = s.stateAt(j, t + 1);
            int tcAt = s.zAt(j, t);
            for (int k = 0; k < b; k++) {
                double cPrev = s.c.get(prev + k);
                double in = gate.apply(z.get(iAt + k) + wCi[j] * cPrev);
                double forget = coupled ? 1.0 - in : gate.apply(z.get(fAt + k) + wCf[j] * cPrev);
                double g = act.apply(z.get(gAt + k));
                double c = forget * cPrev + in * g;
                double o = gate.apply(z.get(oAt + k) + wCo[j] * c);
                double tc = act.apply(c);
                z.set(iAt + k, in);
                if (!coupled) {
                    z.set(fAt + k, forget);
                }
                z.set(gAt + k, g);
                z.set(oAt + k, o);
                s.c.set(next + k, c);
                cellActivation.set(tcAt + k, tc);
                s.h.set(next + k, o * tc);
            }
        }
    }

    @Override
    public void backward(int t, SequenceState s) {
        int h = s.hidden;
        int b = s.batch;
        RowParallel.run(h, b, (from, to) -> backwardRows(t, s, from, to));
        RecurrentWeights.backpropProduct(s, t, wHh, s.gates * h, 0.0);
    }

    private void backwardRows(int t, SequenceState s, int from, int to) {
        int h = s.hidden;
        int b = s.batch;
        NativeArray z = s.z;
        int gBlock = coupled ? 1 : 2;
        for (int j = from; j < to; j++) {
            int iAt = s.zAt(row(0, j, h), t);
            int fAt = s.zAt(row(1, j, h), t);
            int gAt = s.zAt(row(gBlock, j, h), t);
            int oAt = s.zAt(row(gBlock + 1, j, h), t);
            int prev = s.stateAt(j, t);
            int tcAt = s.zAt(j, t);
            for (int k = 0; k < b; k++) {
                double in = z.get(iAt + k);
                double forget = coupled ? 1.0 - in : z.get(fAt + k);
                double g = z.get(gAt + k);
                double o = z.get(oAt + k);
                double tc = cellActivation.get(tcAt + k);
                double cPrev = s.c.get(prev + k);
                double dh = s.dh.get(j * b + k);

                double dzO = dh * tc * gate.derivativeFromOutput(o);
                double dc = s.dc.get(j * b + k) + dh * o * act.derivativeFromOutput(tc) + dzO * wCo[j];
                double dzI = (coupled ? dc * (g - cPrev) : dc * g) * gate.derivativeFromOutput(in);
                double dzG = dc * in * act.derivativeFromOutput(g);
                double dcPrev = dc * forget + dzI * wCi[j];
                if (!coupled) {
                    double dzF = dc * cPrev * gate.derivativeFromOutput(forget);
                    dcPrev += dzF * wCf[j];
                    z.set(fAt + k, dzF);
                }
                z.set(iAt + k, dzI);
                z.set(gAt + k, dzG);
                z.set(oAt + k, dzO);
                s.dcPrev.set(j * b + k, dcPrev);
            }
        }
    }

    @Override
    public void parameterGradients(int from, SequenceState s, Map<String, INDArray> gradients) {
        int h = s.hidden;
        int gh = s.gates * h;
        NativeArray dW = RecurrentWeights.gradientBuffer(s);
        RecurrentWeights.accumulate(s, from, s.z, 0, gh, s.h, s.stateStride(), dW, 0);
        gradients.get(CellKeys.RECURRENT_WEIGHT).assign(dW.array());
        gradients.get(CellKeys.RECURRENT_BIAS).assign(Nd4j.createFromArray(s.rowSums(s.z, gh, from)));
        INDArray dPeep = gradients.get(CellKeys.PEEPHOLE);
        if (dPeep == null) {
            return;
        }
        // dw_ci = Σ dz_i ⊙ c_{t-1}, dw_cf = Σ dz_f ⊙ c_{t-1}, dw_co = Σ dz_o ⊙ c_t.
        int oBlock = coupled ? 2 : 3;
        double[] grad = new double[(coupled ? 2 : 3) * h];
        for (int j = 0; j < h; j++) {
            double di = 0;
            double df = 0;
            double dO = 0;
            for (int t = from; t < s.steps; t++) {
                int iAt = s.zAt(row(0, j, h), t);
                int fAt = s.zAt(row(1, j, h), t);
                int oAt = s.zAt(row(oBlock, j, h), t);
                int prev = s.stateAt(j, t);
                int next = s.stateAt(j, t + 1);
                for (int k = 0; k < s.batch; k++) {
                    double cPrev = s.c.get(prev + k);
                    di += s.z.get(iAt + k) * cPrev;
                    if (!coupled) {
                        df += s.z.get(fAt + k) * cPrev;
                    }
                    dO += s.z.get(oAt + k) * s.c.get(next + k);
                }
            }
            grad[j] = di;
            if (coupled) {
                grad[h + j] = dO;
            } else {
                grad[h + j] = df;
                grad[2 * h + j] = dO;
            }
        }
        dPeep.assign(Nd4j.createFromArray(grad));
    }
}
