package org.recurrent4j.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.recurrent4j.cell.StateEntry;
import org.recurrent4j.conf.CellType;
import org.recurrent4j.testing.DoublePrecision;

/**
 * A cell's whole-sequence path computes what its step path computes: outputs, final states,
 * parameter, input and initial-state gradients, with padding at either end and with truncated
 * BPTT, at a size where both run on all cores. (For a cell without a whole-sequence path both runs
 * take the step path.)
 */
@ExtendWith(DoublePrecision.class)
class WholeSequencePathTest {

    private static final int N_IN = 3;
    private static final int HIDDEN = 40;
    private static final int BATCH = 256;
    private static final int STEPS = 6;
    private static final LayerWorkspaceMgr WS = LayerWorkspaceMgr.noWorkspaces();

    private record Run(
            INDArray output,
            Map<String, INDArray> finalState,
            INDArray params,
            INDArray input,
            Map<String, INDArray> initial) {}

    static java.util.List<CellType> variants() {
        return CellVariants.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void bothPathsComputeTheSame(CellType variant) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(31)
                .dataType(DataType.DOUBLE)
                .list()
                .layer(CellVariants.layer(variant, N_IN, HIDDEN))
                .build());
        net.init();
        net.initGradientsView();
        GradientCheckMultiLayerTest.randomizeBiases(net);
        CellLoopLayer layer = (CellLoopLayer) net.getLayer(0);
        Nd4j.getRandom().setSeed(32);
        INDArray x = Nd4j.rand(DataType.DOUBLE, BATCH, N_IN, STEPS).subi(0.5).muli(2);
        INDArray epsilon = Nd4j.rand(DataType.DOUBLE, BATCH, HIDDEN, STEPS).subi(0.5);
        INDArray mask = Nd4j.ones(DataType.DOUBLE, BATCH, STEPS);
        for (int b = 1; b < BATCH; b += 3) {
            mask.putScalar(b, STEPS - 1, 0);
            mask.putScalar(b + 1, 0, 0);
            mask.putScalar(b + 1, 1, 0);
        }
        Map<String, INDArray> initial = new LinkedHashMap<>();
        for (StateEntry e : layer.stateEntries()) {
            if (e.initialInput()) {
                initial.put(
                        e.name(), Nd4j.rand(DataType.DOUBLE, BATCH, e.size()).subi(0.5));
            }
        }
        for (int back : new int[] {-1, 4}) {
            Run sequence = run(layer, true, x, mask, epsilon, initial, back);
            Run steps = run(layer, false, x, mask, epsilon, initial, back);
            String what = variant + (back > 0 ? " truncated to " + back : "");
            assertSame(steps.output(), sequence.output(), what + ": output");
            assertSame(steps.params(), sequence.params(), what + ": parameter gradients");
            assertSame(steps.input(), sequence.input(), what + ": input gradient");
            steps.finalState()
                    .forEach((k, v) -> assertSame(v, sequence.finalState().get(k), what + ": final " + k));
            if (back < 0) {
                steps.initial()
                        .forEach((k, v) -> assertSame(v, sequence.initial().get(k), what + ": initial " + k));
            }
        }
    }

    private static Run run(
            CellLoopLayer layer,
            boolean wholeSequence,
            INDArray x,
            INDArray mask,
            INDArray epsilon,
            Map<String, INDArray> initial,
            int back) {
        layer.setWholeSequencePath(wholeSequence);
        layer.rnnClearPreviousState();
        layer.rnnSetPreviousState(initial);
        layer.setMaskArray(mask);
        layer.rnnTimeStep(x, WS);
        Map<String, INDArray> last = layer.rnnGetPreviousState();
        layer.setInitialState(initial);
        layer.setMaskArray(mask);
        layer.setInput(x, WS);
        INDArray output = layer.activate(true, WS).dup();
        Pair<Gradient, INDArray> g = layer.tbpttBackpropGradient(epsilon, back, WS);
        Run run = new Run(
                output,
                last,
                g.getFirst().gradient().dup(),
                g.getSecond().dup(),
                back < 0 ? new LinkedHashMap<>(layer.getInitialStateGradient()) : Map.of());
        layer.clearInitialState();
        layer.setWholeSequencePath(true);
        return run;
    }

    private static void assertSame(INDArray expected, INDArray actual, String what) {
        assertEquals(0.0, actual.sub(expected).amaxNumber().doubleValue(), 1e-13, what);
    }
}
