package org.recurrent4j.layer;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

import org.deeplearning4j.nn.conf.BackpropType;
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
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.recurrent4j.conf.Lstm;
import org.recurrent4j.testing.DoublePrecision;

/**
 * Truncated BPTT in a network's fit: segments run from the stored state and equal the full
 * sequence, and fit trains. (rnnTimeStep, padding and the truncated gradient of every cell: the
 * test kit.)
 */
@ExtendWith(DoublePrecision.class)
class TruncatedBpttSegmentsTest {

    private static final int N_IN = 3;
    private static final int HIDDEN = 5;
    private static final int STEPS = 7;
    private static final double EXACT = 1e-12;

    private static INDArray sequence(int batch, int steps, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(DataType.DOUBLE, batch, N_IN, steps).subi(0.5).muli(2);
    }

    private static double difference(INDArray a, INDArray b) {
        return a.sub(b).amaxNumber().doubleValue();
    }

    /**
     * Truncated BPTT runs segment by segment from the stored state: the segments' outputs are the
     * full sequence's, and fit with it trains.
     */
    @Test
    void truncatedBpttCarriesStateAcrossSegments() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(23)
                .dataType(DataType.DOUBLE)
                .updater(new Sgd(0.1))
                .list()
                .layer(new Lstm.Builder().nIn(N_IN).nOut(HIDDEN).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE)
                        .activation(Activation.IDENTITY)
                        .nIn(HIDDEN)
                        .nOut(2)
                        .build())
                .backpropType(BackpropType.TruncatedBPTT)
                .tBPTTForwardLength(3)
                .tBPTTBackwardLength(3)
                .build());
        net.init();
        INDArray x = sequence(2, 9, 50);
        CellLoopLayer layer = (CellLoopLayer) net.getLayer(0);
        INDArray full = net.feedForward(x, false).get(1);
        layer.rnnClearPreviousState();
        for (int from = 0; from < 9; from += 3) {
            INDArray segment = layer.rnnActivateUsingStoredState(
                    x.get(all(), all(), interval(from, from + 3)), true, true, LayerWorkspaceMgr.noWorkspaces());
            assertTrue(
                    difference(full.get(all(), all(), interval(from, from + 3)), segment) < EXACT, "segment " + from);
            assertTrue(layer.rnnGetTBPTTState().containsKey(CellLoopLayer.STATE_C));
        }

        INDArray y = Nd4j.rand(DataType.DOUBLE, 2, 2, 9);
        double before = net.score(new org.nd4j.linalg.dataset.DataSet(x, y));
        for (int i = 0; i < 20; i++) {
            net.fit(x, y);
        }
        assertTrue(
                net.score(new org.nd4j.linalg.dataset.DataSet(x, y)) < 0.8 * before, "fit with truncated BPTT trains");
    }
}
