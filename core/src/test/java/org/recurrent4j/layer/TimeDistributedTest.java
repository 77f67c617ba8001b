package org.recurrent4j.layer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.TimeDistributed;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.recurrent4j.conf.Gru;
import org.recurrent4j.testing.DoublePrecision;

/**
 * A recurrent layer under DL4J's TimeDistributed dense layer trains end to end. (Every cell's
 * gradient checks in a ComputationGraph and under MaskZeroLayer: the test kit.)
 */
@ExtendWith(DoublePrecision.class)
class TimeDistributedTest {

    private static final int N_IN = 3;
    private static final int HIDDEN = 4;
    private static final int STEPS = 5;

    /** A TimeDistributed dense layer after a recurrent layer, trained end to end. */
    @Test
    void timeDistributedAfterARecurrentLayer() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(9)
                .dataType(DataType.DOUBLE)
                .updater(new org.nd4j.linalg.learning.config.Adam(0.05))
                .list()
                .layer(new Gru.Builder().nIn(N_IN).nOut(HIDDEN).build())
                .layer(new TimeDistributed(new DenseLayer.Builder()
                        .nIn(HIDDEN)
                        .nOut(6)
                        .activation(Activation.TANH)
                        .build()))
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE)
                        .activation(Activation.IDENTITY)
                        .nIn(6)
                        .nOut(1)
                        .build())
                .setInputType(InputType.recurrent(N_IN, STEPS))
                .build());
        net.init();
        Nd4j.getRandom().setSeed(4);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 8, N_IN, STEPS);
        INDArray y = x.sum(true, 1);
        org.nd4j.linalg.dataset.DataSet data = new org.nd4j.linalg.dataset.DataSet(x, y);
        double before = net.score(data);
        for (int i = 0; i < 100; i++) {
            net.fit(data);
        }
        assertTrue(net.score(data) < 0.1 * before, "loss " + before + " -> " + net.score(data));
    }
}
