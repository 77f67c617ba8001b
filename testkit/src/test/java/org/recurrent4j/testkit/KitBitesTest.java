package org.recurrent4j.testkit;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.recurrent4j.cell.Cell;
import org.recurrent4j.cell.CellParameter;
import org.recurrent4j.cell.InputProjection;
import org.recurrent4j.cell.StateEntry;
import org.recurrent4j.cell.WorkArrays;
import org.recurrent4j.conf.CellType;
import org.recurrent4j.conf.RecurrentCellLayer;
import org.recurrent4j.kernel.NativeArray;

/**
 * The kit bites: a cell with a backward step that does not match its forward step fails the
 * gradient checks, and one whose whole-sequence path lets padded steps change its state fails the
 * padding check, each with a message that says where; the same cell written correctly passes.
 */
class KitBitesTest {

    /** {@code h_t = ½ h_{t−1} + ½ tanh(a_t)}: element-wise, with a whole-sequence path; optionally broken. */
    static final class LeakyCell implements Cell {
        private static final long serialVersionUID = 1L;
        private final boolean wrongBackward;
        private final boolean ignoresMask;

        LeakyCell(boolean wrongBackward, boolean ignoresMask) {
            this.wrongBackward = wrongBackward;
            this.ignoresMask = ignoresMask;
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
            return List.of();
        }

        @Override
        public Cell.Steps begin(Map<String, INDArray> params, WorkArrays s) {
            return new LeakySteps();
        }

        private final class LeakySteps implements Cell.WholeSequenceSteps {

            private void step(int j, int t, WorkArrays s) {
                int at = s.sequenceAt(j, t);
                int prev = s.stateAt(j, t);
                for (int b = 0; b < s.batch; b++) {
                    double n = Math.tanh(s.gatesAndGradients.get(at + b));
                    s.gatesAndGradients.set(at + b, n);
                    s.h.set(prev + s.batch + b, 0.5 * s.h.get(prev + b) + 0.5 * n);
                }
            }

            /** ∂L/∂a from ∂L/∂h_t; the broken form forgets the ½. */
            private double da(double dh, double n) {
                return (wrongBackward ? 1.0 : 0.5) * dh * (1 - n * n);
            }

            @Override
            public void forward(int t, WorkArrays s) {
                for (int j = 0; j < s.hidden; j++) {
                    step(j, t, s);
                }
            }

            @Override
            public void backward(int t, WorkArrays s) {
                for (int j = 0; j < s.hidden; j++) {
                    int at = s.sequenceAt(j, t);
                    for (int b = 0; b < s.batch; b++) {
                        double dh = s.dh.get(j * s.batch + b);
                        s.gatesAndGradients.set(at + b, da(dh, s.gatesAndGradients.get(at + b)));
                        s.dhPrev.set(j * s.batch + b, 0.5 * dh);
                    }
                }
            }

            @Override
            public void forwardRows(int from, int to, WorkArrays s) {
                for (int j = from; j < to; j++) {
                    for (int t = 0; t < s.steps; t++) {
                        step(j, t, s);
                        int prev = s.stateAt(j, t);
                        for (int b = 0; b < s.batch && !ignoresMask; b++) {
                            if (!s.real(t, b)) {
                                s.h.set(prev + s.batch + b, s.h.get(prev + b));
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
                            s.gatesAndGradients.set(at + b, da(dh, s.gatesAndGradients.get(at + b)));
                            carried[b] = 0.5 * dh;
                        }
                    }
                    for (int b = 0; b < s.batch; b++) {
                        initial.set(j * s.batch + b, carried[b]);
                    }
                }
            }

            @Override
            public void parameterGradients(int from, WorkArrays s) {}
        }
    }

    /** The layer of {@link LeakyCell}. */
    public static final class Leaky extends RecurrentCellLayer {
        private static final long serialVersionUID = 1L;
        private boolean wrongBackward;
        private boolean ignoresMask;

        private Leaky() {}

        Leaky(int nIn, int nOut, boolean wrongBackward, boolean ignoresMask) {
            setNIn(nIn);
            setNOut(nOut);
            setActivationFn(new org.nd4j.linalg.activations.impl.ActivationTanH());
            setRnnDataFormat(RNNFormat.NCW);
            this.wrongBackward = wrongBackward;
            this.ignoresMask = ignoresMask;
        }

        @Override
        public Cell cell() {
            return new LeakyCell(wrongBackward, ignoresMask);
        }

        public boolean isWrongBackward() {
            return wrongBackward;
        }

        public void setWrongBackward(boolean wrongBackward) {
            this.wrongBackward = wrongBackward;
        }

        public boolean isIgnoresMask() {
            return ignoresMask;
        }

        public void setIgnoresMask(boolean ignoresMask) {
            this.ignoresMask = ignoresMask;
        }
    }

    private static CellType leaky(String id, boolean wrongBackward, boolean ignoresMask) {
        return CellType.of(id, (nIn, nOut) -> new Leaky(nIn, nOut, wrongBackward, ignoresMask));
    }

    @Test
    void theCellWrittenCorrectlyPasses() {
        CellTestKit.forCell(leaky("leaky", false, false))
                .only(CellCheck.GRADIENT_MULTI_LAYER, CellCheck.PADDING)
                .run();
    }

    @Test
    void aWrongBackwardStepFailsTheGradientChecks() {
        AssertionError e =
                assertThrows(AssertionError.class, () -> CellTestKit.forCell(leaky("leaky_wrong_backward", true, false))
                        .only(CellCheck.GRADIENT_MULTI_LAYER)
                        .run());
        String message = e.getMessage();
        assertTrue(message.startsWith("3 of 3 checks failed for cell 'leaky_wrong_backward'"), message);
        assertTrue(message.contains("gradient check, MultiLayerNetwork, padding at start"), message);
        // Which gradients are wrong, with both values: the input weights, through ∂L/∂a.
        assertTrue(message.contains("0_Wih[") && message.contains("finite difference"), message);
    }

    @Test
    void paddingThatChangesTheStateFailsThePaddingCheck() {
        AssertionError e =
                assertThrows(AssertionError.class, () -> CellTestKit.forCell(leaky("leaky_ignores_mask", false, true))
                        .only(CellCheck.PADDING)
                        .run());
        String message = e.getMessage();
        assertTrue(message.contains("a padded batch gives each sequence's own outputs"), message);
        assertTrue(message.contains("padding at start") && message.contains("outputs on real steps"), message);
    }
}
