package org.recurrent4j.benchmarks;

import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.recurrent4j.kernel.KernelPath;

/**
 * The cost of the portable kernels ({@link KernelPath#PORTABLE}: ND4J's DataBuffer element access
 * and {@code Nd4j.gemm}, what runs on backends other than ND4J's CPU one) against the direct ones
 * (NIO views and OpenBLAS), on the CPU backend where both run: one training step and one inference
 * of {@link RecurrentLayerBenchmark}'s network (float32, batch 32, 128 inputs, 256 units) over 50
 * steps.
 *
 * <pre>
 * ./mvnw -B -q -DskipTests -pl benchmarks -am package
 * java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" org.openjdk.jmh.Main KernelPathBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 4)
public class KernelPathBenchmark {

    @Param({"RECURRENT4J_LSTM", "RECURRENT4J_SRU"})
    public LayerKind layer;

    @Param({"DIRECT", "PORTABLE"})
    public KernelPath path;

    @Param({"50"})
    public int steps;

    private MultiLayerNetwork net;
    private DataSet batch;
    private INDArray features;
    private KernelPath previous;

    @Setup
    public void setUp() {
        previous = KernelPath.active();
        KernelPath.use(path);
        int classes = RecurrentLayerBenchmark.CLASSES;
        net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(42)
                .dataType(DataType.FLOAT)
                .updater(new Adam(1e-3))
                .list()
                .layer(layer.layer(RecurrentLayerBenchmark.N_IN, RecurrentLayerBenchmark.HIDDEN))
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX)
                        .nIn(RecurrentLayerBenchmark.HIDDEN)
                        .nOut(classes)
                        .build())
                .build());
        net.init();
        Nd4j.getRandom().setSeed(7);
        int b = RecurrentLayerBenchmark.BATCH;
        features = Nd4j.rand(DataType.FLOAT, b, RecurrentLayerBenchmark.N_IN, steps)
                .subi(0.5);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, b, classes, steps);
        for (int i = 0; i < b; i++) {
            for (int t = 0; t < steps; t++) {
                labels.putScalar(i, (i * 7 + t) % classes, t, 1f);
            }
        }
        batch = new DataSet(features, labels);
    }

    @TearDown
    public void tearDown() {
        KernelPath.use(previous);
    }

    @Benchmark
    public MultiLayerNetwork trainingStep() {
        net.fit(batch);
        return net;
    }

    @Benchmark
    public INDArray inference() {
        return net.output(features);
    }
}
