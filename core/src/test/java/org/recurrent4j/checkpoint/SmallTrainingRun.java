package org.recurrent4j.checkpoint;

import java.util.Random;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.recurrent4j.conf.Lstm;

/**
 * A small training run whose every source of change is reproducible: an LSTM with Adam on a
 * decaying schedule and dropout (ND4J's generator), and batches that depend only on the step (the
 * data position is the step).
 */
final class SmallTrainingRun {

    static final long SEED = 77;

    private SmallTrainingRun() {}

    /** A new network, with ND4J's generator seeded as a fresh run would have it. */
    static MultiLayerNetwork network() {
        Nd4j.getRandom().setSeed(SEED);
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(5)
                .dataType(DataType.FLOAT)
                .updater(new Adam(new ExponentialSchedule(ScheduleType.ITERATION, 0.01, 0.99)))
                .list()
                .layer(new Lstm.Builder().nIn(3).nOut(6).build())
                // Dropout draws from ND4J's generator: resuming must restore its state too.
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX)
                        .dropOut(0.7)
                        .nIn(6)
                        .nOut(4)
                        .build())
                .build());
        net.init();
        return net;
    }

    /** The batch of a step. */
    static DataSet batch(long step) {
        Random r = new Random(1000 + step);
        INDArray x = Nd4j.create(DataType.FLOAT, 8, 3, 7);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 8, 4, 7);
        for (int b = 0; b < 8; b++) {
            for (int t = 0; t < 7; t++) {
                for (int f = 0; f < 3; f++) {
                    x.putScalar(b, f, t, r.nextGaussian());
                }
                y.putScalar(b, r.nextInt(4), t, 1);
            }
        }
        return new DataSet(x, y);
    }

    /** Trains steps {@code [from, to)}. */
    static void train(MultiLayerNetwork net, long from, long to) {
        for (long step = from; step < to; step++) {
            net.fit(batch(step));
        }
    }
}
