package org.recurrent4j.examples.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.recurrent4j.checkpoint.Checkpoint;
import org.recurrent4j.checkpoint.CheckpointStore;
import org.recurrent4j.examples.cli.RunFailedException;

/**
 * The shared epoch loop: a run killed in the middle of an epoch and resumed from its last
 * checkpoint ends bit for bit where an uninterrupted run ends (dropout included), and a diverging
 * run stops with the advice to resume from the last good checkpoint at a tenth of the rate.
 */
class EpochTrainerTest {

    private static final int EPOCHS = 3;
    private static final int BATCHES = 5;
    private static final DataSet TEST = batch(new Random(99));

    private static MultiLayerNetwork network() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(7)
                .dataType(DataType.FLOAT)
                .updater(new Adam(0.01))
                .list()
                .layer(new DenseLayer.Builder()
                        .nIn(4)
                        .nOut(16)
                        .activation(Activation.TANH)
                        .dropOut(0.8)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
                        .nIn(16)
                        .nOut(1)
                        .activation(Activation.IDENTITY)
                        .build())
                .build());
        net.init();
        return net;
    }

    private static DataSet batch(Random random) {
        float[][] x = new float[8][4];
        float[][] y = new float[8][1];
        for (int i = 0; i < 8; i++) {
            for (int j = 0; j < 4; j++) {
                x[i][j] = (float) random.nextGaussian();
                y[i][0] += x[i][j] * (j + 1);
            }
        }
        return new DataSet(Nd4j.create(x), Nd4j.create(y));
    }

    /** Each epoch's batches from a generator seeded by the epoch; {@code killAt} (a step) throws instead. */
    private static EpochTrainer.Epochs<DataSet> data(long killAt) {
        long[] given = {0};
        return epoch -> {
            Random random = new Random(1000 + epoch);
            List<DataSet> batches = new ArrayList<>();
            for (int b = 0; b < BATCHES; b++) {
                batches.add(batch(random));
            }
            Iterator<DataSet> it = batches.iterator();
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public DataSet next() {
                    if (++given[0] == killAt) {
                        throw new IllegalStateException("killed");
                    }
                    return it.next();
                }
            };
        };
    }

    private static EpochTrainer.Measure score(MultiLayerNetwork net) {
        return (epoch, step, loss, took) -> net.score(TEST);
    }

    @Test
    void aRunKilledMidEpochResumesBitForBit(@TempDir Path dir) throws Exception {
        MultiLayerNetwork whole = network();
        EpochTrainer<DataSet> uninterrupted = EpochTrainer.of(whole, EpochTrainer.fresh("test_mse"))
                .checkpoints(new CheckpointStore(dir.resolve("whole"), 2), Duration.ZERO, Map.of(), Map.of());
        uninterrupted.train(EPOCHS, BATCHES, data(-1), score(whole));

        MultiLayerNetwork killed = network();
        CheckpointStore store = new CheckpointStore(dir.resolve("killed"), 2);
        EpochTrainer<DataSet> first = EpochTrainer.of(killed, EpochTrainer.fresh("test_mse"))
                .checkpoints(store, Duration.ofNanos(1), Map.of("run", "test"), Map.of());
        // the 8th batch asked for is the 3rd of epoch 2: a checkpoint followed every batch before it
        assertThrows(IllegalStateException.class, () -> first.train(EPOCHS, BATCHES, data(8), score(killed)));

        Checkpoint newest = store.newest().orElseThrow();
        assertEquals(7, newest.step());
        EpochTrainer.Start start = EpochTrainer.start(newest);
        assertEquals(
                new EpochTrainer.Position(2, 2, 7, start.position().lossSum(), 16, 7.0 / (EPOCHS * BATCHES)),
                start.position());
        assertEquals(1, start.curves().size(), "epoch 1's row");
        MultiLayerNetwork resumedNet = newest.multiLayerNetwork();
        EpochTrainer<DataSet> resumed =
                EpochTrainer.of(resumedNet, start).checkpoints(store, Duration.ZERO, Map.of("run", "test"), Map.of());
        resumed.train(EPOCHS, BATCHES, data(-1), score(resumedNet));

        assertArrayEquals(whole.params().toFloatVector(), resumedNet.params().toFloatVector(), "parameters");
        assertArrayEquals(
                whole.getUpdater().getStateViewArray().toFloatVector(),
                resumedNet.getUpdater().getStateViewArray().toFloatVector(),
                "Adam's moments");
        assertEquals(EPOCHS * BATCHES, resumedNet.getIterationCount());
        assertEquals(uninterrupted.curves().csv(), resumed.curves().csv(), "the curves, epoch losses included");
        assertEquals(EPOCHS * BATCHES, store.newest().orElseThrow().step(), "a checkpoint at the end");
    }

    @Test
    void aDecayingRateFollowsTheBudgetAndAResumedRunCarriesOnAlongIt(@TempDir Path dir) throws Exception {
        RateSchedule linear = new RateSchedule(LearningRateDecay.LINEAR, 0.001);
        MultiLayerNetwork whole = network();
        EpochTrainer.of(whole, EpochTrainer.fresh("test_mse"))
                .learningRate(0.01, false)
                .decay(linear, true)
                .train(EPOCHS, BATCHES, data(-1), score(whole));
        int steps = EPOCHS * BATCHES;
        // set before each step from the share of the budget used: before the last, (steps - 1) / steps
        assertEquals(0.01 + (0.001 - 0.01) * (steps - 1) / steps, adamRate(whole), 1e-12);

        MultiLayerNetwork killed = network();
        CheckpointStore store = new CheckpointStore(dir.resolve("killed"), 2);
        EpochTrainer<DataSet> first = EpochTrainer.of(killed, EpochTrainer.fresh("test_mse"))
                .learningRate(0.01, false)
                .decay(linear, true)
                .checkpoints(store, Duration.ofNanos(1), Map.of(), Map.of());
        assertThrows(IllegalStateException.class, () -> first.train(EPOCHS, BATCHES, data(8), score(killed)));
        Checkpoint newest = store.newest().orElseThrow();
        assertEquals(7, newest.step());
        MultiLayerNetwork resumedNet = newest.multiLayerNetwork();
        EpochTrainer.of(resumedNet, EpochTrainer.start(newest))
                .learningRate(0.01, false)
                .decay(linear, true)
                .train(EPOCHS, BATCHES, data(-1), score(resumedNet));
        assertArrayEquals(whole.params().toFloatVector(), resumedNet.params().toFloatVector(), "parameters");

        // Resumed with twice the epochs, the rate goes on from the share used (7 of 15 steps) over the 23 steps left:
        // no jump back up towards the initial rate.
        MultiLayerNetwork longer = newest.multiLayerNetwork();
        EpochTrainer<DataSet> longerRun = EpochTrainer.of(longer, EpochTrainer.start(newest))
                .learningRate(0.5, false) // not given: the checkpoint's 0.01 goes on
                .decay(linear, true);
        assertEquals(
                "training: 6 epochs of batches of 8, learning rate 0.01 falling to 0.001 (linear)",
                longerRun.plan(2 * EPOCHS, 8));
        longerRun.train(2 * EPOCHS, BATCHES, data(-1), score(longer));
        double shareBeforeLast = 7.0 / steps + (1 - 7.0 / steps) * (2 * steps - 1 - 7) / (2 * steps - 7);
        assertEquals(0.01 + (0.001 - 0.01) * shareBeforeLast, adamRate(longer), 1e-12);
    }

    private static double adamRate(MultiLayerNetwork net) {
        double first = ((Adam) ((BaseLayer) net.getLayer(0).conf().getLayer()).getIUpdater()).getLearningRate();
        assertEquals(
                first,
                ((Adam) ((BaseLayer) net.getLayer(1).conf().getLayer()).getIUpdater()).getLearningRate(),
                "every layer");
        return first;
    }

    @Test
    void divergingStopsWithTheLastGoodCheckpointAndATenthOfTheRate(@TempDir Path dir) throws Exception {
        MultiLayerNetwork net = network();
        CheckpointStore store = new CheckpointStore(dir, 2);
        EpochTrainer.Epochs<DataSet> poisoned = epoch -> {
            Random random = new Random(epoch);
            List<DataSet> batches = new ArrayList<>();
            for (int b = 0; b < BATCHES; b++) {
                DataSet d = batch(random);
                if (epoch == 2 && b == 3) {
                    d.getLabels().putScalar(0, 0, Float.NaN);
                }
                batches.add(d);
            }
            return batches.iterator();
        };
        RunFailedException e =
                assertThrows(RunFailedException.class, () -> EpochTrainer.of(net, EpochTrainer.fresh("test_mse"))
                        .learningRate(0.01, false)
                        .checkpoints(store, Duration.ofNanos(1), Map.of(), Map.of())
                        .train(EPOCHS, BATCHES, poisoned, score(net)));
        assertTrue(e.getMessage().startsWith("training diverged at step 9 "), e.getMessage());
        assertTrue(
                e.getMessage().contains("--resume " + dir.resolve("checkpoint-000000000008") + " --lr 0.001"),
                e.getMessage());
    }
}
