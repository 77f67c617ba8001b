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
import org.nd4j.linalg.learning.config.Sgd;
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
import org.openjdk.jmh.annotations.Warmup;
import org.recurrent4j.conf.Gru;
import org.recurrent4j.conf.Rnn;
import org.recurrent4j.training.RtrlTrainer;
import org.recurrent4j.training.StreamStep;

/**
 * The cost of one time step of training, per example, by real-time recurrent learning against
 * BPTT, for a network of one recurrent layer of n units (nIn = 8 inputs) and a regression output
 * layer, one example (batch 1), float32 network.
 *
 * <ul>
 *   <li>{@code rtrlStep}: {@link RtrlTrainer#step} on one step: the state, the sensitivities
 *       {@code P_t = D_t (W_hh P_{t-1} + ∂a_t/∂θ)} (float64) and the gradient, no parameter update
 *       (updates once every 2³¹ − 1 steps). Expected {@code O(G·n²·nθ) = O(n⁴)}: doubling n costs
 *       about 16×.
 *   <li>{@code bpttSequence}: {@code fit} on one sequence of {@value #STEPS} steps (forward,
 *       backward, SGD update); divide by {@value #STEPS} for the cost per step, expected {@code
 *       O(n²)} per step once n is large enough for the matrix work to dominate the fixed costs.
 * </ul>
 *
 * <p>Run (on a quiet machine): {@code java -cp "benchmarks/target/classes:$(cat
 * benchmarks/target/classpath.txt)" org.openjdk.jmh.Main RtrlBenchmark} after {@code ./mvnw -pl
 * benchmarks -am package -DskipTests}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class RtrlBenchmark {

    public static final int N_IN = 8;
    public static final int STEPS = 100;

    @Param({"RNN", "GRU"})
    public String cell;

    @Param({"8", "16", "32", "64"})
    public int hidden;

    private RtrlTrainer trainer;
    private StreamStep step;
    private MultiLayerNetwork bpttNet;
    private DataSet sequence;

    private MultiLayerNetwork network() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(42)
                .dataType(DataType.FLOAT)
                .updater(new Sgd(1e-3))
                .list()
                .layer(
                        cell.equals("GRU")
                                ? new Gru.Builder().nIn(N_IN).nOut(hidden).build()
                                : new Rnn.Builder().nIn(N_IN).nOut(hidden).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE)
                        .activation(Activation.IDENTITY)
                        .nIn(hidden)
                        .nOut(1)
                        .build())
                .build());
        net.init();
        return net;
    }

    @Setup
    public void setUp() {
        Nd4j.getRandom().setSeed(7);
        trainer = new RtrlTrainer(network()).updateEvery(Integer.MAX_VALUE);
        step = StreamStep.of(Nd4j.rand(DataType.FLOAT, 1, N_IN).subi(0.5), Nd4j.rand(DataType.FLOAT, 1, 1));
        bpttNet = network();
        INDArray features = Nd4j.rand(DataType.FLOAT, 1, N_IN, STEPS).subi(0.5);
        sequence = new DataSet(features, Nd4j.rand(DataType.FLOAT, 1, 1, STEPS));
    }

    @Benchmark
    public double rtrlStep() {
        return trainer.step(step);
    }

    @Benchmark
    public MultiLayerNetwork bpttSequence() {
        bpttNet.fit(sequence);
        return bpttNet;
    }
}
