package org.recurrent4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.apache.spark.api.java.JavaRDD;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.recurrent4j.arch.SequenceClassifier;
import org.recurrent4j.conf.CellTypes;
import org.recurrent4j.conf.Gru;

/**
 * Parameter averaging on Spark is exactly its protocol: one round from parameters θ₀ (and updater
 * state s₀) on P partitions gives θ = (1/P) Σ_p fit_p(θ₀), where fit_p is plain DL4J's {@code fit}
 * on partition p's minibatches in order, and the updater state is averaged the same way. The
 * expected value is computed here on one machine; float64, fixed partitions, no repartitioning,
 * no shuffling, one round (averaging frequency = minibatches per partition).
 */
class ParameterAveragingProtocolTest {

    private static final int WORKERS = 2;
    private static final int BATCH = 4;
    private static final int BATCHES_PER_WORKER = 3;
    private static final double TOLERANCE = 1e-10;

    /** Variable-length sequences (masks), 3 features, 2 classes, one label at each last real step. */
    private static List<DataSet> sequenceBatches(boolean labelPerSequence) {
        Random random = new Random(7);
        List<DataSet> batches = new ArrayList<>();
        for (int b = 0; b < WORKERS * BATCHES_PER_WORKER; b++) {
            int steps = 6;
            INDArray features = Nd4j.zeros(DataType.DOUBLE, BATCH, 3, steps);
            INDArray mask = Nd4j.zeros(DataType.DOUBLE, BATCH, steps);
            INDArray labels = labelPerSequence
                    ? Nd4j.zeros(DataType.DOUBLE, BATCH, 2)
                    : Nd4j.zeros(DataType.DOUBLE, BATCH, 2, steps);
            INDArray labelMask = Nd4j.zeros(DataType.DOUBLE, BATCH, steps);
            for (int i = 0; i < BATCH; i++) {
                int length = 2 + random.nextInt(steps - 1);
                int label = random.nextInt(2);
                for (int t = 0; t < length; t++) {
                    for (int f = 0; f < 3; f++) {
                        features.putScalar(new int[] {i, f, t}, random.nextGaussian() + label);
                    }
                    mask.putScalar(i, t, 1);
                }
                if (labelPerSequence) {
                    labels.putScalar(i, label, 1);
                } else {
                    labels.putScalar(new int[] {i, label, length - 1}, 1);
                    labelMask.putScalar(i, length - 1, 1);
                }
            }
            batches.add(new DataSet(features, labels, mask, labelPerSequence ? null : labelMask));
        }
        return batches;
    }

    private static ParameterAveragingTrainingMaster oneRound() {
        return new ParameterAveragingTrainingMaster.Builder(WORKERS, BATCH)
                .batchSizePerWorker(BATCH)
                .averagingFrequency(BATCHES_PER_WORKER)
                .rddTrainingApproach(RDDTrainingApproach.Direct)
                .repartionData(Repartition.Never)
                .workerPrefetchNumBatches(0)
                .saveUpdater(true)
                .rngSeed(1)
                .build();
    }

    /** What each worker's fit gives on its partition, averaged: parameters and updater state. */
    private static INDArray[] expectedAverage(Supplier<Model> copyOfStart, List<DataSet> batches, Fit fit) {
        INDArray params = null;
        INDArray updater = null;
        for (int w = 0; w < WORKERS; w++) {
            Model worker = copyOfStart.get();
            for (DataSet batch : batches.subList(w * BATCHES_PER_WORKER, (w + 1) * BATCHES_PER_WORKER)) {
                fit.fit(worker, batch);
            }
            INDArray p = worker.params().dup();
            INDArray u = updaterState(worker).dup();
            params = params == null ? p : params.addi(p);
            updater = updater == null ? u : updater.addi(u);
        }
        return new INDArray[] {params.divi(WORKERS), updater.divi(WORKERS)};
    }

    private interface Fit {
        void fit(Model model, DataSet batch);
    }

    private static INDArray updaterState(Model model) {
        return model instanceof MultiLayerNetwork net
                ? net.getUpdater().getStateViewArray()
                : ((ComputationGraph) model).getUpdater().getStateViewArray();
    }

    @Test
    void multiLayerNetworkRoundIsTheAverageOfTheWorkersFits() {
        MultiLayerNetwork start = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE)
                .seed(11)
                .updater(new Adam(0.05))
                .list()
                .layer(new Gru.Builder().nIn(3).nOut(8).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX)
                        .dataFormat(RNNFormat.NCW)
                        .nIn(8)
                        .nOut(2)
                        .build())
                .build());
        start.init();
        List<DataSet> batches = sequenceBatches(false);
        INDArray[] expected = expectedAverage(start::clone, batches, (m, d) -> ((MultiLayerNetwork) m).fit(d));

        SparkDl4jMultiLayer spark = new SparkDl4jMultiLayer(LocalSpark.context(), start.clone(), oneRound());
        JavaRDD<DataSet> rdd = LocalSpark.context().parallelize(batches, WORKERS);
        spark.fit(rdd);

        assertAveraged(start, expected, spark.getNetwork());
    }

    @Test
    void bidirectionalGruClassifierRoundIsTheAverageOfTheWorkersFits() {
        ComputationGraph start = new ComputationGraph(new SequenceClassifier()
                .features(3)
                .cell(CellTypes.GRU)
                .hidden(6, 6)
                .bidirectional(Bidirectional.Mode.CONCAT)
                .classes(2)
                .updater(new Adam(0.05))
                .dataType(DataType.DOUBLE)
                .seed(12)
                .build());
        start.init();
        List<DataSet> batches = sequenceBatches(true);
        INDArray[] expected = expectedAverage(start::clone, batches, (m, d) -> ((ComputationGraph) m).fit(d));

        SparkComputationGraph spark = new SparkComputationGraph(LocalSpark.context(), start.clone(), oneRound());
        spark.fit(LocalSpark.context().parallelize(batches, WORKERS));

        assertAveraged(start, expected, spark.getNetwork());
    }

    private static void assertAveraged(Model start, INDArray[] expected, Model trained) {
        INDArray params = trained.params();
        INDArray updater = updaterState(trained);
        assertEquals(expected[0].length(), params.length());
        // the round moved the parameters, so equality below is not the start's equality
        assertTrue(start.params().sub(params).norm2Number().doubleValue() > 1e-3, "the round left the parameters");
        double paramError = expected[0].sub(params).amaxNumber().doubleValue();
        double updaterError = expected[1].sub(updater).amaxNumber().doubleValue();
        assertTrue(paramError <= TOLERANCE, "parameters differ from the workers' average by " + paramError);
        assertTrue(updaterError <= TOLERANCE, "updater state differs from the workers' average by " + updaterError);
    }
}
