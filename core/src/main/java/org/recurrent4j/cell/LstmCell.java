package org.recurrent4j.cell;

import static org.recurrent4j.cell.FeatureMajor.multiply;
import static org.recurrent4j.cell.FeatureMajor.multiplyColumn;
import static org.recurrent4j.cell.FeatureMajor.rows;
import static org.recurrent4j.cell.FeatureMajor.step;
import static org.recurrent4j.cell.FeatureMajor.stepRows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

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
        public void prepareProjection(INDArray z, Map<String, INDArray> params) {
            FeatureMajor.addToEveryStep(z, params.get(CellKeys.RECURRENT_BIAS));
        }

        @Override
        public RecurrentCell begin(Map<String, INDArray> params, int hidden, int steps, int batch, boolean training) {
            return new LstmCell(this, params, hidden, steps, batch, training);
        }
    }

    private final Spec spec;
    private final int h;
    private final boolean training;
    private final INDArray wHh;
    private final INDArray wCi;
    private final INDArray wCf;
    private final INDArray wCo;
    /** Row offsets of the gate blocks. */
    private final long i0;

    private final long f0;
    private final long g0;
    private final long o0;
    /** Gate activations of every step {@code [T, G·H, B]}, and act(c_t) {@code [T, H, B]}. */
    private final INDArray gates;

    private final INDArray cellActivation;
    private final INDArray scratch;
    private final INDArray scratch2;
    private final INDArray dGates;

    private LstmCell(Spec spec, Map<String, INDArray> params, int hidden, int steps, int batch, boolean training) {
        this.spec = spec;
        this.h = hidden;
        this.training = training;
        this.wHh = params.get(CellKeys.RECURRENT_WEIGHT);
        INDArray peep = params.get(CellKeys.PEEPHOLE);
        if (spec.peephole) {
            wCi = peep.get(NDArrayIndex.interval(0, h));
            wCf = spec.coupled ? null : peep.get(NDArrayIndex.interval(h, 2L * h));
            wCo = peep.get(NDArrayIndex.interval(spec.coupled ? h : 2L * h, spec.coupled ? 2L * h : 3L * h));
        } else {
            wCi = wCf = wCo = null;
        }
        i0 = 0;
        f0 = spec.coupled ? -1 : h;
        g0 = spec.coupled ? h : 2L * h;
        o0 = g0 + h;
        var type = wHh.dataType();
        gates = Nd4j.create(type, steps, (long) spec.gates() * h, batch);
        cellActivation = Nd4j.create(type, steps, h, batch);
        scratch = Nd4j.create(type, h, batch);
        scratch2 = Nd4j.create(type, h, batch);
        dGates = Nd4j.create(type, (long) spec.gates() * h, batch);
    }

    @Override
    public void forward(int t, INDArray z, INDArray hPrev, INDArray cPrev, INDArray hOut, INDArray cOut) {
        Nd4j.gemm(wHh, hPrev, z, false, false, 1.0, 1.0);
        if (spec.peephole) {
            rows(z, i0, i0 + h).addi(multiplyColumn(cPrev, wCi, scratch));
            if (!spec.coupled) {
                rows(z, f0, f0 + h).addi(multiplyColumn(cPrev, wCf, scratch));
            }
        }
        INDArray a = step(gates, t);
        // i and f are adjacent, so one activation call covers both.
        Activations.apply(spec.gateActivation, rows(z, i0, g0), rows(a, i0, g0), training);
        INDArray in = rows(a, i0, i0 + h);
        INDArray g = rows(a, g0, g0 + h);
        Activations.apply(spec.activation, rows(z, g0, g0 + h), g, training);
        if (spec.coupled) {
            // c = c_prev + i ⊙ (g − c_prev), which is f ⊙ c_prev + i ⊙ g with f = 1 − i.
            multiply(in, g.sub(cPrev), cOut).addi(cPrev);
        } else {
            multiply(rows(a, f0, f0 + h), cPrev, cOut).addi(multiply(in, g, scratch));
        }
        INDArray zo = rows(z, o0, o0 + h);
        if (spec.peephole) {
            zo.addi(multiplyColumn(cOut, wCo, scratch));
        }
        INDArray o = rows(a, o0, o0 + h);
        Activations.apply(spec.gateActivation, zo, o, training);
        INDArray tc = step(cellActivation, t);
        Activations.apply(spec.activation, cOut, tc, training);
        multiply(o, tc, hOut);
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
        INDArray in = rows(a, i0, i0 + h);
        INDArray g = rows(a, g0, g0 + h);
        INDArray o = rows(a, o0, o0 + h);
        INDArray tc = step(cellActivation, t);

        // Output gate.
        INDArray dO = rows(dGates, o0, o0 + h);
        multiply(dh, tc, dO);
        INDArray dzO = rows(dz, o0, o0 + h);
        Activations.backpropInPlace(spec.gateActivation, dzO, dO);

        // Total gradient reaching c_t: from h_t through act(c_t), from the future, from the o peephole.
        INDArray dcTotal = scratch2;
        dcTotal.assign(cOut);
        Activations.backpropInPlace(spec.activation, dcTotal, multiply(dh, o, scratch));
        if (dc != null) {
            dcTotal.addi(dc);
        }
        if (spec.peephole) {
            dcTotal.addi(multiplyColumn(dzO, wCo, scratch));
        }

        INDArray dI = rows(dGates, i0, i0 + h);
        if (spec.coupled) {
            multiply(dcTotal, g.sub(cPrev), dI);
            // dc_{t-1} = dc_t ⊙ (1 − i)
            multiply(dcTotal, in.rsub(1.0), dcPrev);
        } else {
            INDArray f = rows(a, f0, f0 + h);
            multiply(dcTotal, g, dI);
            multiply(dcTotal, cPrev, rows(dGates, f0, f0 + h));
            multiply(dcTotal, f, dcPrev);
        }
        multiply(dcTotal, in, rows(dGates, g0, g0 + h));

        Activations.backpropInPlace(spec.gateActivation, rows(dz, i0, g0), rows(dGates, i0, g0));
        Activations.backpropInPlace(spec.activation, rows(dz, g0, g0 + h), rows(dGates, g0, g0 + h));
        if (spec.peephole) {
            dcPrev.addi(multiplyColumn(rows(dz, i0, i0 + h), wCi, scratch));
            if (!spec.coupled) {
                dcPrev.addi(multiplyColumn(rows(dz, f0, f0 + h), wCf, scratch));
            }
        }
        Nd4j.gemm(wHh, dz, dhPrev, true, false, 1.0, 0.0);
    }

    @Override
    public void parameterGradients(
            int from, INDArray dz, INDArray hPrev, INDArray cPrev, INDArray cOut, Map<String, INDArray> gradients) {
        dz = FeatureMajor.fromStep(dz, from);
        hPrev = FeatureMajor.fromStep(hPrev, from);
        cPrev = FeatureMajor.fromStep(cPrev, from);
        cOut = FeatureMajor.fromStep(cOut, from);
        gradients.get(CellKeys.RECURRENT_WEIGHT).assign(FeatureMajor.outerSum(dz, hPrev));
        gradients.get(CellKeys.RECURRENT_BIAS).assign(dz.sum(0, 2));
        if (spec.peephole) {
            INDArray dPeep = gradients.get(CellKeys.PEEPHOLE);
            dPeep.get(NDArrayIndex.interval(0, h)).assign(FeatureMajor.productSum(stepRows(dz, i0, i0 + h), cPrev));
            long next = h;
            if (!spec.coupled) {
                dPeep.get(NDArrayIndex.interval(h, 2L * h))
                        .assign(FeatureMajor.productSum(stepRows(dz, f0, f0 + h), cPrev));
                next = 2L * h;
            }
            dPeep.get(NDArrayIndex.interval(next, next + h))
                    .assign(FeatureMajor.productSum(stepRows(dz, o0, o0 + h), cOut));
        }
    }
}
