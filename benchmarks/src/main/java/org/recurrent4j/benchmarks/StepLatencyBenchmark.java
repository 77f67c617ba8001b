package org.recurrent4j.benchmarks;

import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Per-token latency of generation at batch 1 (sampling, serving): {@code rnnTimeStep} of a network
 * of one recurrent layer ({@code nIn} {@value #N_IN}) and a 16-class softmax, one step at a time
 * from the state the last step left, float32. One invocation is {@value #TOKENS} steps; JMH
 * samples the time of every invocation and reports it per step. PyTorch's counterpart is {@code
 * benchmarks/pytorch/compare.py}'s "step" rows, the median of calls of {@value #TOKENS} steps: the
 * report sets the median of these samples against it, and gives their mean beside it (the mean
 * carries the slow calls, garbage collections among them).
 *
 * <pre>
 *   java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" org.openjdk.jmh.Main \
 *       StepLatencyBenchmark -f 1 -wi 2 -i 3
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class StepLatencyBenchmark {

    public static final int N_IN = 128;
    public static final int TOKENS = 100;

    @Param({
        "RECURRENT4J_LSTM",
        "RECURRENT4J_GRU",
        "RECURRENT4J_RNN",
        "RECURRENT4J_QRNN",
        "RECURRENT4J_SRU",
        "RECURRENT4J_ONLSTM"
    })
    public LayerKind layer;

    @Param({"256", "512"})
    public int hidden;

    private MultiLayerNetwork net;
    private INDArray token;

    @Setup
    public void setUp() {
        net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(42)
                .dataType(DataType.FLOAT)
                .updater(new Adam(1e-3))
                .list()
                .layer(layer.layer(N_IN, hidden))
                .layer(layer.softmaxOutput(hidden, RecurrentLayerBenchmark.CLASSES))
                .build());
        net.init();
        Nd4j.getRandom().setSeed(7);
        token = Nd4j.rand(DataType.FLOAT, 1, N_IN, 1).subi(0.5);
    }

    /** {@value #TOKENS} steps from a cleared state. */
    @Benchmark
    @OperationsPerInvocation(TOKENS)
    public INDArray step() {
        net.rnnClearPreviousState();
        INDArray out = null;
        for (int t = 0; t < TOKENS; t++) {
            out = net.rnnTimeStep(token);
        }
        return out;
    }
}
