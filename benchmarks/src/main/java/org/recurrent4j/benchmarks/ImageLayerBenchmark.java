package org.recurrent4j.benchmarks;

import java.util.Collection;
import java.util.Locale;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
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
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.recurrent4j.conf.Gru;
import org.recurrent4j.conf.Recurrent2d;

/**
 * {@link Recurrent2d} beside a DL4J convolution of about the same forward FLOPs, on images {@code
 * [32, 16, 32, 32]} (float32): one training step ({@code fit}: the layer, global average pooling,
 * a 10-class softmax) and one inference, with the achieved GFLOP/s against the SGEMM rate measured
 * in the same run ({@link SgemmBenchmark}).
 *
 * <pre>
 *   RECURRENT2D_GRU   four GRU sweeps of 16 units (concat, 64 channels out):
 *                     4 · 2·B·H·W · 3U · (C + U) = 403 MFLOP forward
 *   CONV3X3           a 3×3 convolution, 16 → 44 channels, "same" padding:
 *                     2·B·H·W · 44 · 16·9 = 415 MFLOP forward
 * </pre>
 *
 * <p>Training is counted as 3 × the forward FLOPs (forward, and the two products of the backward
 * pass). Run {@link #main} for the table:
 *
 * <pre>
 *   ./mvnw -B -q -DskipTests -pl benchmarks -am package
 *   java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
 *       org.recurrent4j.benchmarks.ImageLayerBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ImageLayerBenchmark {

    public static final int BATCH = 32;
    public static final int CHANNELS = 16;
    public static final int SIDE = 32;
    public static final int UNITS = 16;
    public static final int CONV_OUT = 44;

    /** The layers compared. */
    public enum Kind {
        RECURRENT2D_GRU,
        CONV3X3;

        Layer layer() {
            return switch (this) {
                case RECURRENT2D_GRU -> new Recurrent2d.Builder(
                                new Gru.Builder().nOut(UNITS).build())
                        .build();
                case CONV3X3 -> new ConvolutionLayer.Builder(3, 3)
                        .nOut(CONV_OUT)
                        .convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.TANH)
                        .build();
            };
        }

        /** Forward FLOPs of the layer on one batch (multiply-adds counted as 2). */
        public double forwardFlops() {
            double pixels = (double) BATCH * SIDE * SIDE;
            return switch (this) {
                case RECURRENT2D_GRU -> 4 * 2 * pixels * 3 * UNITS * (CHANNELS + UNITS);
                case CONV3X3 -> 2 * pixels * CONV_OUT * CHANNELS * 9;
            };
        }
    }

    @Param({"RECURRENT2D_GRU", "CONV3X3"})
    public Kind layer;

    private MultiLayerNetwork net;
    private DataSet batch;

    @Setup
    public void setUp() {
        net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(1)
                .dataType(DataType.FLOAT)
                .updater(new Adam(1e-3))
                .list()
                .layer(layer.layer())
                .layer(new GlobalPoolingLayer(PoolingType.AVG))
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX)
                        .nOut(10)
                        .build())
                .setInputType(InputType.convolutional(SIDE, SIDE, CHANNELS))
                .build());
        net.init();
        INDArray x = Nd4j.rand(DataType.FLOAT, BATCH, CHANNELS, SIDE, SIDE);
        INDArray y = Nd4j.zeros(DataType.FLOAT, BATCH, 10);
        for (int b = 0; b < BATCH; b++) {
            y.putScalar(b, b % 10, 1.0);
        }
        batch = new DataSet(x, y);
    }

    @Benchmark
    public MultiLayerNetwork trainingStep() {
        net.fit(batch);
        return net;
    }

    @Benchmark
    public INDArray inference() {
        return net.output(batch.getFeatures());
    }

    /** Runs this benchmark and the SGEMM rate in one JMH run and prints a table. */
    public static void main(String[] args) throws RunnerException {
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                        .include(ImageLayerBenchmark.class.getName())
                        .include(SgemmBenchmark.class.getName())
                        .forks(1)
                        .jvmArgsAppend(ForkedJvm.OPTIONS)
                        .warmupIterations(2)
                        .warmupTime(TimeValue.seconds(2))
                        .measurementIterations(5)
                        .measurementTime(TimeValue.seconds(2))
                        .build())
                .run();
        double sgemmMs = Double.NaN;
        TreeMap<String, double[]> rows = new TreeMap<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            double ms = r.getPrimaryResult().getScore();
            if (name.endsWith(".sgemm")) {
                sgemmMs = ms;
                continue;
            }
            double[] row = rows.computeIfAbsent(r.getParams().getParam("layer"), k -> new double[2]);
            row[name.endsWith(".trainingStep") ? 0 : 1] = ms;
        }
        double sgemm = SgemmBenchmark.flops() / (sgemmMs * 1e6);
        System.out.printf(
                Locale.ROOT,
                "%nimages [%d, %d, %d, %d] float32; SGEMM %.1f GFLOP/s%n%n",
                BATCH,
                CHANNELS,
                SIDE,
                SIDE,
                sgemm);
        System.out.println("| layer | forward MFLOP | training ms | inference ms | training GFLOP/s (% of SGEMM)"
                + " | inference GFLOP/s (% of SGEMM) |");
        System.out.println("| --- | ---: | ---: | ---: | ---: | ---: |");
        rows.forEach((kind, ms) -> {
            double flops = Kind.valueOf(kind).forwardFlops();
            double train = 3 * flops / (ms[0] * 1e6);
            double infer = flops / (ms[1] * 1e6);
            System.out.printf(
                    Locale.ROOT,
                    "| %s | %.0f | %.1f | %.1f | %.1f (%.0f%%) | %.1f (%.0f%%) |%n",
                    kind,
                    flops / 1e6,
                    ms[0],
                    ms[1],
                    train,
                    100 * train / sgemm,
                    infer,
                    100 * infer / sgemm);
        });
    }
}
