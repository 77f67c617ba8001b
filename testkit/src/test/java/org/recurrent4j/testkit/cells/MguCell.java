package org.recurrent4j.testkit.cells;

import java.util.List;
import java.util.Map;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.recurrent4j.cell.Cell;
import org.recurrent4j.cell.CellKeys;
import org.recurrent4j.cell.CellParameter;
import org.recurrent4j.cell.InputProjection;
import org.recurrent4j.cell.ParameterInit;
import org.recurrent4j.cell.RecurrentProduct;
import org.recurrent4j.cell.ScalarActivation;
import org.recurrent4j.cell.StateEntry;
import org.recurrent4j.cell.WorkArrays;
import org.recurrent4j.kernel.NativeArray;
import org.recurrent4j.kernel.RowParallel;

/**
 * The minimal gated unit (MGU, Zhou et al. 2016), the gated worked example of "Writing a cell" in
 * docs/layers.md: one gate, a recurrent matrix, and a second product on {@code f_t ⊙ h_{t−1}}.
 *
 * <pre>
 *   forward:   [a_f; a_n] = W_ih x_t + b_ih                 (the loop's projection, all steps at once)
 *              f_t = σ(a_f + U_f h_{t−1})
 *              n_t = act(a_n + U_n (f_t ⊙ h_{t−1}))
 *              h_t = (1 − f_t) ⊙ h_{t−1} + f_t ⊙ n_t
 *   backward, given ∂L/∂h_t:
 *              ∂L/∂a_n     = ∂L/∂h_t ⊙ f_t ⊙ act'
 *              ∂L/∂r_t     = U_n^T ∂L/∂a_n                   (r_t = f_t ⊙ h_{t−1})
 *              ∂L/∂a_f     = (∂L/∂h_t ⊙ (n_t − h_{t−1}) + ∂L/∂r_t ⊙ h_{t−1}) ⊙ σ'
 *              ∂L/∂h_{t−1} = ∂L/∂h_t ⊙ (1 − f_t) + ∂L/∂r_t ⊙ f_t + U_f^T ∂L/∂a_f
 *              ∂L/∂U_f = Σ_t ∂L/∂a_f · h_{t−1}^T,   ∂L/∂U_n = Σ_t ∂L/∂a_n · r_t^T
 * </pre>
 *
 * <p>Parameters: {@code Wih [2H, nIn]}, {@code bih [2H]}, {@code Whh [2H, H]} = {@code [U_f; U_n]}
 * (one orthogonal block each with {@code OrthogonalInit}). State: {@code h}.
 *
 * <p>Where things are during a pass: the rows f and n of {@code gatesAndGradients} hold {@code a_t},
 * then {@code f_t} and {@code n_t} (what backward needs), then {@code ∂L/∂a_t}; {@code r_t} is kept
 * for the weight gradient in the sequence buffer {@code "mgu.r"} (sequence layout, {@code [H, T,
 * B]}); {@code "mgu.dr"} and {@code "mgu.df"} ({@code [H, B]}) are one backward step's scratch.
 */
public final class MguCell implements Cell {

    private static final long serialVersionUID = 1L;
    private final IActivation activation;
    private final IActivation gateActivation;

    /** @throws IllegalArgumentException for an activation the fused loop cannot use */
    public MguCell(IActivation activation, IActivation gateActivation) {
        ScalarActivation.of(activation, "MGU activation");
        ScalarActivation.of(gateActivation, "MGU gate activation");
        this.activation = activation;
        this.gateActivation = gateActivation;
    }

    @Override
    public InputProjection projection(int nIn, int hidden) {
        return InputProjection.dense(2 * hidden);
    }

    @Override
    public List<StateEntry> state(int hidden) {
        return List.of(StateEntry.hidden(hidden));
    }

    @Override
    public List<CellParameter> parameters(int nIn, int hidden) {
        return List.of(
                CellParameter.weight(CellKeys.RECURRENT_WEIGHT, 2L * hidden, hidden, ParameterInit.recurrentBlocks()));
    }

    @Override
    public Cell.Steps begin(Map<String, INDArray> params, WorkArrays s) {
        return new MguSteps(params, s);
    }

    private final class MguSteps implements Cell.Steps {
        private final ScalarActivation gate = ScalarActivation.of(gateActivation, "");
        private final ScalarActivation act = ScalarActivation.of(activation, "");
        private final RecurrentProduct whh;
        /** {@code r_t = f_t ⊙ h_{t−1}} of every step, {@code [H, T, B]}: what {@code U_n} multiplied. */
        private final NativeArray r;
        /** Backward: {@code ∂L/∂r_t}, {@code [H, B]}. */
        private final NativeArray dr;
        /** Backward: the part of {@code ∂L/∂f_t} through {@code h_t} directly, {@code [H, B]}. */
        private final NativeArray df;

        MguSteps(Map<String, INDArray> params, WorkArrays s) {
            whh = RecurrentProduct.of(params, CellKeys.RECURRENT_WEIGHT, s);
            r = s.sequenceBuffer("mgu.r", s.hidden);
            dr = s.buffer("mgu.dr", s.hidden, s.batch);
            df = s.buffer("mgu.df", s.hidden, s.batch);
        }

        @Override
        public void forward(int t, WorkArrays s) {
            int h = s.hidden;
            int b = s.batch;
            NativeArray a = s.gatesAndGradients;
            // The gate: a_f += U_f h_{t−1} (rows 0..H of W_hh on the state, state layout).
            whh.addTo(s, t, s.h, 0, h);
            RowParallel.run(h, b, (from, to) -> {
                for (int j = from; j < to; j++) {
                    int fAt = s.sequenceAt(j, t);
                    int prev = s.stateAt(j, t);
                    for (int k = 0; k < b; k++) {
                        double f = gate.apply(a.get(fAt + k));
                        a.set(fAt + k, f);
                        r.set(fAt + k, f * s.h.get(prev + k));
                    }
                }
            });
            // The candidate: a_n += U_n r_t (rows H..2H of W_hh on the sequence buffer, sequence layout).
            whh.addTo(s, t, r, s.sequenceAt(0, t), s.sequenceStride(), h, h);
            RowParallel.run(h, b, (from, to) -> {
                for (int j = from; j < to; j++) {
                    int fAt = s.sequenceAt(j, t);
                    int nAt = s.sequenceAt(h + j, t);
                    int prev = s.stateAt(j, t);
                    int next = s.stateAt(j, t + 1);
                    for (int k = 0; k < b; k++) {
                        double f = a.get(fAt + k);
                        double n = act.apply(a.get(nAt + k));
                        a.set(nAt + k, n);
                        double hp = s.h.get(prev + k);
                        s.h.set(next + k, hp + f * (n - hp));
                    }
                }
            });
        }

        @Override
        public void backward(int t, WorkArrays s) {
            int h = s.hidden;
            int b = s.batch;
            NativeArray a = s.gatesAndGradients;
            RowParallel.run(h, b, (from, to) -> {
                for (int j = from; j < to; j++) {
                    int fAt = s.sequenceAt(j, t);
                    int nAt = s.sequenceAt(h + j, t);
                    int prev = s.stateAt(j, t);
                    for (int k = 0; k < b; k++) {
                        int i = j * b + k;
                        double f = a.get(fAt + k);
                        double n = a.get(nAt + k);
                        double dh = s.dh.get(i);
                        a.set(nAt + k, dh * f * act.derivativeFromOutput(n));
                        df.set(i, dh * (n - s.h.get(prev + k)));
                        s.dhPrev.set(i, dh * (1.0 - f));
                    }
                }
            });
            // ∂L/∂r_t = U_n^T ∂L/∂a_n.
            whh.backprop(s, t, a, h, h, 0.0, dr);
            RowParallel.run(h, b, (from, to) -> {
                for (int j = from; j < to; j++) {
                    int fAt = s.sequenceAt(j, t);
                    int prev = s.stateAt(j, t);
                    for (int k = 0; k < b; k++) {
                        int i = j * b + k;
                        double f = a.get(fAt + k);
                        double d = dr.get(i);
                        a.set(fAt + k, (df.get(i) + d * s.h.get(prev + k)) * gate.derivativeFromOutput(f));
                        s.dhPrev.add(i, d * f);
                    }
                }
            });
            // ∂L/∂h_{t−1} += U_f^T ∂L/∂a_f.
            whh.backprop(s, t, a, 0, h, 1.0, s.dhPrev);
        }

        @Override
        public void parameterGradients(int from, WorkArrays s) {
            int h = s.hidden;
            NativeArray dW = s.gradient(CellKeys.RECURRENT_WEIGHT);
            RecurrentProduct.accumulate(s, from, s.gatesAndGradients, 0, h, s.h, s.stateStride(), dW);
            RecurrentProduct.accumulate(s, from, s.gatesAndGradients, h, h, r, s.sequenceStride(), dW);
        }
    }
}
