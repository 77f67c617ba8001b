package org.recurrent4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.api.java.JavaRDD;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.recurrent4j.checkpoint.Checkpoint;
import org.recurrent4j.checkpoint.CheckpointStore;
import org.recurrent4j.conf.Gru;
import org.recurrent4j.spark.training.SparkTrainingRun;

/**
 * A Spark training run checkpoints every epoch and resumes from the newest checkpoint: a run stopped
 * after epoch 2 and resumed to epoch 3 ends with the parameters of a run that went through (each
 * epoch is one exact averaging round here, so the two are comparable number for number); a run that
 * fails in an epoch keeps the epochs before it.
 */
class SparkTrainingRunTest {

    @TempDir
    Path directory;

    private static List<DataSet> batches() {
        Random random = new Random(21);
        List<DataSet> batches = new ArrayList<>();
        for (int b = 0; b < 4; b++) {
            INDArray features = Nd4j.zeros(DataType.DOUBLE, 4, 2, 5);
            INDArray labels = Nd4j.zeros(DataType.DOUBLE, 4, 2, 5);
            for (int i = 0; i < 4; i++) {
                int label = random.nextInt(2);
                for (int t = 0; t < 5; t++) {
                    features.putScalar(new int[] {i, label, t}, 1 + random.nextGaussian() * 0.1);
                    labels.putScalar(new int[] {i, label, t}, 1);
                }
            }
            batches.add(new DataSet(features, labels));
        }
        return batches;
    }

    private static MultiLayerNetwork network() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE)
                .seed(13)
                .updater(new Adam(0.05))
                .list()
                .layer(new Gru.Builder().nIn(2).nOut(4).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX)
                        .dataFormat(RNNFormat.NCW)
                        .nIn(4)
                        .nOut(2)
                        .build())
                .build());
        net.init();
        return net;
    }

    /** One round per epoch: 2 workers × 2 batches, the whole RDD. */
    private static SparkDl4jMultiLayer spark(MultiLayerNetwork net) {
        return new SparkDl4jMultiLayer(
                LocalSpark.context(),
                net,
                new ParameterAveragingTrainingMaster.Builder(2, 4)
                        .batchSizePerWorker(4)
                        .averagingFrequency(2)
                        .rddTrainingApproach(RDDTrainingApproach.Direct)
                        .repartionData(Repartition.Never)
                        .workerPrefetchNumBatches(0)
                        .build());
    }

    @Test
    void aResumedRunEndsWhereAnUninterruptedOneDoes() throws IOException {
        JavaRDD<DataSet> data = LocalSpark.context().parallelize(batches(), 2);

        SparkTrainingRun through = new SparkTrainingRun(new CheckpointStore(directory.resolve("through"), 2), Map.of());
        SparkDl4jMultiLayer whole = spark(network());
        assertEquals(3, through.train(whole, data, 3, (epoch, model) -> Map.of()));

        CheckpointStore store = new CheckpointStore(directory.resolve("stopped"), 2);
        SparkTrainingRun first = new SparkTrainingRun(store, Map.of("notes.txt", out -> out.write('x')));
        assertEquals(2, first.train(spark(network()), data, 2, (epoch, model) -> Map.of("measured", "m" + epoch)));

        SparkTrainingRun again = new SparkTrainingRun(store, Map.of("notes.txt", out -> out.write('x')));
        assertEquals(2, again.epochsDone());
        Checkpoint newest = again.newest().orElseThrow();
        assertEquals("m2", newest.property("measured"));
        assertEquals("x", Files.readString(newest.file("notes.txt")));
        MultiLayerNetwork resumed = newest.multiLayerNetwork();
        assertEquals(1, again.train(spark(resumed), data, 3, (epoch, model) -> Map.of()));
        assertEquals(3, again.epochsDone());

        INDArray expected = whole.getNetwork().params();
        INDArray actual = store.newest().orElseThrow().multiLayerNetwork().params();
        assertEquals(0, expected.sub(actual).amaxNumber().doubleValue(), 1e-10);
    }

    @Test
    void aRunThatFailsKeepsTheEpochsBeforeIt() throws IOException {
        JavaRDD<DataSet> data = LocalSpark.context().parallelize(batches(), 2);
        SparkTrainingRun run = new SparkTrainingRun(new CheckpointStore(directory.resolve("failing"), 2), Map.of());
        IllegalStateException failure = assertThrows(
                IllegalStateException.class,
                () -> run.train(spark(network()), data, 3, (epoch, model) -> {
                    if (epoch == 2) {
                        throw new IllegalStateException("lost the cluster in epoch 2");
                    }
                    return Map.of();
                }));
        assertEquals("lost the cluster in epoch 2", failure.getMessage());
        assertEquals(1, run.epochsDone());
    }
}
