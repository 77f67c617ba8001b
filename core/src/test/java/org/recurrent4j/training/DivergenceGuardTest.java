package org.recurrent4j.training;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.recurrent4j.conf.Rnn;
import org.recurrent4j.init.OrthogonalInit;

class DivergenceGuardTest {

    /** A ReLU RNN with a large recurrent gain and a huge learning rate: it diverges in a few steps. */
    private static MultiLayerNetwork network(double learningRate, double recurrentGain) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(3)
                .dataType(DataType.FLOAT)
                .updater(new Sgd(learningRate))
                .list()
                .layer(new Rnn.Builder()
                        .nIn(2)
                        .nOut(16)
                        .activation(Activation.RELU)
                        .weightInitRecurrent(new OrthogonalInit(recurrentGain))
                        .build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE)
                        .activation(Activation.IDENTITY)
                        .nIn(16)
                        .nOut(1)
                        .build())
                .build());
        net.init();
        return net;
    }

    private static DataSet batch(int step) {
        Random r = new Random(step);
        INDArray x = Nd4j.create(DataType.FLOAT, 4, 2, 30);
        INDArray y = Nd4j.create(DataType.FLOAT, 4, 1, 30);
        for (int i = 0; i < x.length(); i++) {
            x.putScalar(i, r.nextDouble());
        }
        for (int i = 0; i < y.length(); i++) {
            y.putScalar(i, r.nextDouble());
        }
        return new DataSet(x, y);
    }

    private static boolean finite(MultiLayerNetwork net) {
        return Double.isFinite(net.score())
                && !BooleanIndexing.or(net.params(), Conditions.isNan())
                && !BooleanIndexing.or(net.params(), Conditions.isInfinite());
    }

    /** The guard throws at exactly the iteration whose update first made the loss or a parameter non-finite. */
    @Test
    void stopsAtTheIterationThatDiverged() {
        MultiLayerNetwork unguarded = network(10.0, 1.8);
        int firstBad = -1;
        for (int step = 0; step < 50 && firstBad < 0; step++) {
            unguarded.fit(batch(step));
            if (!finite(unguarded)) {
                firstBad = step;
            }
        }
        assertTrue(firstBad >= 0, "the unguarded network should diverge within 50 steps");

        MultiLayerNetwork guarded = network(10.0, 1.8);
        guarded.addListeners(new DivergenceGuard());
        int[] reached = {-1};
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> {
            for (int step = 0; step < 50; step++) {
                reached[0] = step;
                guarded.fit(batch(step));
            }
        });
        assertEquals(firstBad, reached[0]);
        assertEquals(firstBad, e.iteration());
        assertTrue(e.getMessage().contains("training diverged at iteration " + firstBad), e.getMessage());
        assertTrue(e.getMessage().contains("lower the learning rate"), e.getMessage());
    }

    @Test
    void staysQuietWhileTrainingIsFinite() {
        MultiLayerNetwork net = network(1e-3, 0.9);
        net.addListeners(new DivergenceGuard());
        assertDoesNotThrow(() -> {
            for (int step = 0; step < 20; step++) {
                net.fit(batch(step));
            }
        });
    }

    @Test
    void catchesANonFiniteParameterWithAFiniteLoss() {
        MultiLayerNetwork net = network(1e-3, 0.9);
        net.fit(batch(0));
        net.params().putScalar(5, Double.POSITIVE_INFINITY);
        TrainingDivergedException e =
                assertThrows(TrainingDivergedException.class, () -> new DivergenceGuard().iterationDone(net, 7, 0));
        assertTrue(e.getMessage().contains("a parameter is infinite"), e.getMessage());
        net.params().putScalar(5, Double.NaN);
        e = assertThrows(TrainingDivergedException.class, () -> new DivergenceGuard().iterationDone(net, 7, 0));
        assertTrue(e.getMessage().contains("a parameter is NaN"), e.getMessage());
    }
}
