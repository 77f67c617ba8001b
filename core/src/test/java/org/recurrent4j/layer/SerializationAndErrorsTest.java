package org.recurrent4j.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.recurrent4j.conf.Gru;
import org.recurrent4j.conf.Lstm;
import org.recurrent4j.conf.RecurrentCellLayer;
import org.recurrent4j.init.OrthogonalInit;
import org.recurrent4j.testing.DoublePrecision;

/** Bad input gets a clear error; initializers do what they say. (Round trips of every cell: the test kit.) */
@ExtendWith(DoublePrecision.class)
class SerializationAndErrorsTest {

    private static final int N_IN = 3;
    private static final int HIDDEN = 5;

    private static MultiLayerNetwork network(RecurrentCellLayer layer) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(3)
                .dataType(DataType.DOUBLE)
                .updater(new Adam(0.01))
                .list()
                .layer(layer)
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE)
                        .activation(Activation.IDENTITY)
                        .nIn(HIDDEN)
                        .nOut(2)
                        .build())
                .build());
        net.init();
        return net;
    }

    private static INDArray input(int batch, int steps) {
        Nd4j.getRandom().setSeed(77);
        return Nd4j.rand(DataType.DOUBLE, batch, N_IN, steps).subi(0.5);
    }

    @Test
    void wrongFeatureSizeNamesLayerShapesAndFix() {
        MultiLayerNetwork net = network(
                new Lstm.Builder().name("encoder").nIn(N_IN).nOut(HIDDEN).build());
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> net.output(Nd4j.rand(DataType.DOUBLE, 2, N_IN + 1, 4)));
        assertMessage(e, "encoder", "nIn = 3", "[2, 4, 4]", "Set the layer's nIn");
    }

    @Test
    void rankTwoInputIsExplained() {
        MultiLayerNetwork net =
                network(new Gru.Builder().name("gru").nIn(N_IN).nOut(HIDDEN).build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.getLayer(0)
                .activate(Nd4j.rand(DataType.DOUBLE, 2, N_IN), false, LayerWorkspaceMgr.noWorkspaces()));
        assertMessage(e, "gru", "rank-3", "rank 2", "rnnTimeStep");
    }

    @Test
    void maskOfTheWrongShapeIsExplained() {
        MultiLayerNetwork net =
                network(new Gru.Builder().name("gru").nIn(N_IN).nOut(HIDDEN).build());
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> net.output(input(2, 4), false, Nd4j.ones(DataType.DOUBLE, 2, 5), null));
        assertMessage(e, "gru", "[batch, time] = [2, 4]", "[2, 5]");
    }

    @Test
    void aMaskOtherThanZeroOrOneIsRejected() {
        MultiLayerNetwork net =
                network(new Gru.Builder().name("gru").nIn(N_IN).nOut(HIDDEN).build());
        INDArray mask = Nd4j.ones(DataType.DOUBLE, 2, 4);
        mask.putScalar(1, 2, 0.5);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> net.output(input(2, 4), false, mask, null));
        assertMessage(e, "gru", "0 (padding) or 1", "got 0.5 at [example 1, step 2]", "label mask");
    }

    @Test
    void initialStateOfTheWrongSizeIsExplained() {
        MultiLayerNetwork net =
                network(new Gru.Builder().name("gru").nIn(N_IN).nOut(HIDDEN).build());
        CellLoopLayer layer = (CellLoopLayer) net.getLayer(0);
        layer.setInitialState(Map.of(CellLoopLayer.STATE_H, Nd4j.zeros(DataType.DOUBLE, 2, HIDDEN + 1)));
        layer.setInput(input(2, 4), LayerWorkspaceMgr.noWorkspaces());
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> layer.activate(false, LayerWorkspaceMgr.noWorkspaces()));
        assertMessage(e, "gru", "[2, 6]", "[batch, size] = [2, 5]");
        assertThrows(
                IllegalArgumentException.class,
                () -> layer.setInitialState(Map.of(
                        CellLoopLayer.STATE_H, Nd4j.zeros(2, HIDDEN), CellLoopLayer.STATE_C, Nd4j.zeros(2, HIDDEN))));
    }

    @Test
    void rnnTimeStepWithAnotherBatchSizeIsExplained() {
        MultiLayerNetwork net =
                network(new Lstm.Builder().name("lstm").nIn(N_IN).nOut(HIDDEN).build());
        net.rnnTimeStep(input(2, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.rnnTimeStep(input(3, 1)));
        assertMessage(e, "lstm", "[2, 5]", "[batch, size] = [3, 5]", "rnnClearPreviousState");
        net.rnnClearPreviousState();
        assertEquals(3, net.rnnTimeStep(input(3, 1)).size(0));
    }

    @Test
    void unsupportedActivationIsRejectedByTheBuilder() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Lstm.Builder()
                .nIn(N_IN)
                .nOut(HIDDEN)
                .gateActivationFunction(Activation.SOFTMAX)
                .build());
        assertMessage(e, "LSTM gate activation", "softmax", "SIGMOID");
    }

    @Test
    void forgetGateBiasIsInitialized() {
        MultiLayerNetwork net = network(new Lstm.Builder()
                .nIn(N_IN)
                .nOut(HIDDEN)
                .forgetGateBiasInit(1.5)
                .build());
        double[] bias = net.getParam("0_bih").toDoubleVector();
        for (int j = 0; j < 4 * HIDDEN; j++) {
            assertEquals(j >= HIDDEN && j < 2 * HIDDEN ? 1.5 : 0.0, bias[j], 0.0, "b_ih[" + j + "]");
        }
        assertEquals(0.0, net.getParam("0_bhh").amaxNumber().doubleValue(), 0.0);
    }

    @Test
    void orthogonalInitGivesOrthogonalGateBlocks() {
        OrthogonalInit init = new OrthogonalInit(2.0);
        for (long[] shape : new long[][] {{6, 6}, {4, 9}, {9, 4}}) {
            INDArray w = init.init(shape[1], shape[0], shape, 'c', Nd4j.create(DataType.DOUBLE, shape[0] * shape[1]));
            INDArray gram =
                    shape[0] <= shape[1] ? w.mmul(w.transpose()) : w.transpose().mmul(w);
            INDArray expected = Nd4j.eye(Math.min(shape[0], shape[1])).muli(4.0);
            assertTrue(gram.sub(expected).amaxNumber().doubleValue() < 1e-10, java.util.Arrays.toString(shape));
        }
        Nd4j.getRandom().setSeed(5);
        MultiLayerNetwork net = network(new Gru.Builder()
                .nIn(N_IN)
                .nOut(HIDDEN)
                .weightInitRecurrent(new OrthogonalInit())
                .build());
        INDArray wHh = net.getParam("0_Whh");
        for (int g = 0; g < 3; g++) {
            INDArray block = Nd4j.create(wHh.toDoubleMatrix())
                    .get(
                            org.nd4j.linalg.indexing.NDArrayIndex.interval(g * HIDDEN, (g + 1) * HIDDEN),
                            org.nd4j.linalg.indexing.NDArrayIndex.all());
            INDArray gram = block.mmul(block.transpose());
            assertTrue(gram.sub(Nd4j.eye(HIDDEN)).amaxNumber().doubleValue() < 1e-10, "gate block " + g);
        }
    }

    private static void assertMessage(Exception e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "message should contain \"" + part + "\": " + e.getMessage());
        }
    }
}
