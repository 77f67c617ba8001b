package org.recurrent4j.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.recurrent4j.conf.CellType;

/**
 * The recorded {@code ‖∂L/∂h_t‖} is the gradient with respect to the state after step t: the same
 * as the initial-state gradient of the rest of the sequence run from that state.
 */
class StateGradientNormsTest {

    private static final int N_IN = 3;
    private static final int HIDDEN = 5;
    private static final int STEPS = 6;

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.recurrent4j.layer.CellVariants#all")
    void recordedNormsAreTheStateGradients(CellType variant) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(3)
                .dataType(DataType.DOUBLE)
                .list()
                .layer(CellVariants.layer(variant, N_IN, HIDDEN))
                .build());
        net.init();
        net.initGradientsView();
        CellLoopLayer layer = (CellLoopLayer) net.getLayer(0);
        LayerWorkspaceMgr ws = LayerWorkspaceMgr.noWorkspaces();
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, N_IN, STEPS).subi(0.5);
        // The loss reads the last step only.
        INDArray epsilon = Nd4j.zeros(DataType.DOUBLE, 2, HIDDEN, STEPS);
        epsilon.get(all(), all(), interval(STEPS - 1, STEPS)).assign(Nd4j.rand(DataType.DOUBLE, 2, HIDDEN, 1));

        assertNull(layer.getStateGradientNorms(), "off by default");
        layer.setRecordStateGradients(true);
        layer.setInput(x, ws);
        layer.activate(true, ws);
        layer.backpropGradient(epsilon, ws);
        double[] norms = layer.getStateGradientNorms();
        assertEquals(STEPS, norms.length);
        // The recorded state is the first declared one: h, or c for cells that recur through c only.
        String recorded = layer.stateEntries().get(0).name();

        for (int t = 0; t < STEPS - 1; t++) {
            // The state after step t, then the rest of the sequence from it.
            net.rnnClearPreviousState();
            net.rnnTimeStep(x.get(all(), all(), interval(0, t + 1)));
            Map<String, INDArray> state = net.rnnGetPreviousState(0);
            layer.setInitialState(state);
            layer.setInput(x.get(all(), all(), interval(t + 1, STEPS)).dup(), ws);
            layer.activate(true, ws);
            layer.backpropGradient(
                    epsilon.get(all(), all(), interval(t + 1, STEPS)).dup(), ws);
            double expected =
                    layer.getInitialStateGradient().get(recorded).norm2Number().doubleValue();
            layer.clearInitialState();
            assertEquals(expected, norms[t], 1e-12 * Math.max(1, expected), variant + " step " + t);
        }
        // After the last step only the output's own gradient remains: for h, the loss gradient at that
        // step; for c (read by the output inside the cell), nothing arrives from later steps.
        double last = recorded.equals(CellLoopLayer.STATE_H)
                ? epsilon.get(all(), all(), interval(STEPS - 1, STEPS))
                        .norm2Number()
                        .doubleValue()
                : 0.0;
        assertEquals(last, norms[STEPS - 1], 1e-12);
        assertTrue(norms[0] > 0);

        layer.setRecordStateGradients(false);
        assertNull(layer.getStateGradientNorms());
    }
}
