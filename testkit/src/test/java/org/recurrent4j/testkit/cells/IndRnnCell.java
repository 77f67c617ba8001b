package org.recurrent4j.testkit.cells;

import java.util.List;
import java.util.Map;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.recurrent4j.cell.Cell;
import org.recurrent4j.cell.CellParameter;
import org.recurrent4j.cell.InputProjection;
import org.recurrent4j.cell.ParameterInit;
import org.recurrent4j.cell.ScalarActivation;
import org.recurrent4j.cell.StateEntry;
import org.recurrent4j.cell.WorkArrays;
import org.recurrent4j.kernel.NativeArray;
import org.recurrent4j.kernel.RowParallel;

/**
 * The independently recurrent cell (IndRNN, Li et al. 2018), the worked example of "Writing a
 * cell" in docs/layers.md: each hidden unit recurs only on itself, so the recurrence is
 * element-wise and the cell offers the whole-sequence path besides the step path.
 *
 * <pre>
 *   forward:   a_t = W_ih x_t + b_ih                     (the loop's projection, all steps at once)
 *              h_t = act(a_t + u ⊙ h_{t-1})
 *   backward:  ∂L/∂a_t     = ∂L/∂h_t ⊙ act'
 *              ∂L/∂h_{t-1} = ∂L/∂a_t ⊙ u                  (plus what reaches h_{t-1} from its own output)
 *              ∂L/∂u       = Σ_t ∂L/∂a_t ⊙ h_{t-1}
 * </pre>
 *
 * <p>Parameters: {@code Wih [H, nIn]}, {@code bih [H]}, {@code u [H]} (uniform in [0, 1)). State:
 * {@code h}.
 */
public final class IndRnnCell implements Cell {

    private static final long serialVersionUID = 1L;
    private static final String U = "u";
    private final IActivation activation;

    public IndRnnCell(IActivation activation) {
        ScalarActivation.of(activation, "IndRNN activation");
        this.activation = activation;
    }

    @Override
    public InputProjection projection(int nIn, int hidden) {
        return InputProjection.dense(hidden);
    }

    @Override
    public List<StateEntry> state(int hidden) {
        return List.of(StateEntry.hidden(hidden));
    }

    @Override
    public List<CellParameter> parameters(int nIn, int hidden) {
        return List.of(CellParameter.weightVector(U, hidden, ParameterInit.uniform(0, 1)));
    }

    @Override
    public Cell.Steps begin(Map<String, INDArray> params, WorkArrays s) {
        return new IndRnnSteps(params.get(U).toDoubleVector(), ScalarActivation.of(activation, ""));
    }

    private static final class IndRnnSteps implements Cell.WholeSequenceSteps {
        private final double[] u;
        private final ScalarActivation act;

        IndRnnSteps(double[] u, ScalarActivation act) {
            this.u = u;
            this.act = act;
        }

        @Override
        public void forward(int t, WorkArrays s) {
            RowParallel.run(s.hidden, s.batch, (from, to) -> {
                for (int j = from; j < to; j++) {
                    step(j, t, s);
                }
            });
        }

        /** h_t for unit j, all examples; the activation is kept in a_t for the backward step. */
        private void step(int j, int t, WorkArrays s) {
            int at = s.sequenceAt(j, t);
            int prev = s.stateAt(j, t);
            for (int b = 0; b < s.batch; b++) {
                double h = act.apply(s.gatesAndGradients.get(at + b) + u[j] * s.h.get(prev + b));
                s.gatesAndGradients.set(at + b, h);
                s.h.set(prev + s.batch + b, h);
            }
        }

        @Override
        public void backward(int t, WorkArrays s) {
            RowParallel.run(s.hidden, s.batch, (from, to) -> {
                for (int j = from; j < to; j++) {
                    int at = s.sequenceAt(j, t);
                    for (int b = 0; b < s.batch; b++) {
                        double da =
                                s.dh.get(j * s.batch + b) * act.derivativeFromOutput(s.gatesAndGradients.get(at + b));
                        s.gatesAndGradients.set(at + b, da);
                        s.dhPrev.set(j * s.batch + b, da * u[j]);
                    }
                }
            });
        }

        @Override
        public void forwardRows(int from, int to, WorkArrays s) {
            for (int j = from; j < to; j++) {
                for (int t = 0; t < s.steps; t++) {
                    step(j, t, s);
                    if (s.mask != null) {
                        int prev = s.stateAt(j, t);
                        for (int b = 0; b < s.batch; b++) {
                            if (!s.real(t, b)) {
                                s.h.set(prev + s.batch + b, s.h.get(prev + b));
                            }
                        }
                    }
                }
            }
        }

        @Override
        public void backwardRows(int from, int to, int firstStep, WorkArrays s) {
            NativeArray epsilon = s.epsilon();
            NativeArray initial = s.initialGradient(StateEntry.H);
            double[] carried = new double[s.batch];
            for (int j = from; j < to; j++) {
                java.util.Arrays.fill(carried, 0.0);
                for (int t = s.steps - 1; t >= firstStep; t--) {
                    int at = s.sequenceAt(j, t);
                    for (int b = 0; b < s.batch; b++) {
                        if (!s.real(t, b)) {
                            s.gatesAndGradients.set(at + b, 0.0);
                            continue;
                        }
                        double dh = epsilon.get(at + b) + carried[b];
                        double da = dh * act.derivativeFromOutput(s.gatesAndGradients.get(at + b));
                        s.gatesAndGradients.set(at + b, da);
                        carried[b] = da * u[j];
                    }
                }
                for (int b = 0; b < s.batch; b++) {
                    initial.set(j * s.batch + b, carried[b]);
                }
            }
        }

        @Override
        public void parameterGradients(int from, WorkArrays s) {
            NativeArray du = s.gradient(U);
            for (int j = 0; j < s.hidden; j++) {
                double sum = 0;
                for (int t = from; t < s.steps; t++) {
                    int at = s.sequenceAt(j, t);
                    int prev = s.stateAt(j, t);
                    for (int b = 0; b < s.batch; b++) {
                        sum += s.gatesAndGradients.get(at + b) * s.h.get(prev + b);
                    }
                }
                du.set(j, sum);
            }
        }
    }
}
