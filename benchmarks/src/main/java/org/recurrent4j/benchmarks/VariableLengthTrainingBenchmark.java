package org.recurrent4j.benchmarks;

import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.recurrent4j.conf.Gru;

/**
 * Training a sentence classifier the way the sentiment example does (token indices → embedding →
 * GRU → last step → softmax), on batches padded to their own longest text, so every batch has
 * another length: six batches of 32 with lengths 12 to 53 per operation. It measures what the
 * layers' work memory costs when shapes change from batch to batch (reuse by capacity against a
 * fresh allocation per shape).
 *
 * <pre>
 *   java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" org.openjdk.jmh.Main \
 *       VariableLengthTrainingBenchmark -f 3 -wi 3 -i 5
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class VariableLengthTrainingBenchmark {

    private static final int VOCABULARY = 10_000;
    private static final int[] LENGTHS = {12, 19, 27, 35, 44, 53};
    private static final int BATCH = 32;

    private MultiLayerNetwork net;
    private DataSet[] batches;

    @Setup
    public void setUp() {
        net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(42)
                .dataType(DataType.FLOAT)
                .updater(new Adam(1e-3))
                .list()
                .layer(new EmbeddingSequenceLayer.Builder()
                        .nIn(VOCABULARY)
                        .nOut(128)
                        .build())
                .layer(new LastTimeStep(new Gru.Builder().nIn(128).nOut(256).build()))
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX)
                        .nIn(256)
                        .nOut(2)
                        .build())
                .build());
        net.init();
        Nd4j.getRandom().setSeed(7);
        batches = new DataSet[LENGTHS.length];
        for (int i = 0; i < LENGTHS.length; i++) {
            INDArray tokens = Transforms.floor(
                    Nd4j.rand(DataType.FLOAT, BATCH, 1, LENGTHS[i]).muli(VOCABULARY), false);
            INDArray labels = Nd4j.zeros(DataType.FLOAT, BATCH, 2);
            for (int b = 0; b < BATCH; b++) {
                labels.putScalar(b, b % 2, 1f);
            }
            batches[i] = new DataSet(tokens, labels);
        }
    }

    /** One pass over the six batches of different lengths. */
    @Benchmark
    public MultiLayerNetwork sixBatchesOfDifferentLengths() {
        for (DataSet batch : batches) {
            net.fit(batch);
        }
        return net;
    }
}
