package org.recurrent4j.benchmarks;

import java.util.Locale;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The benchmark's network (one recurrent layer and a 16-class softmax, float32, Adam) running
 * {@code fit} or {@code output} in a loop, for a profiler to watch: {@code benchmarks/profile/run}
 * records it with the JDK's Flight Recorder and {@code where_time_goes.py} sorts the samples.
 *
 * <pre>
 *   java -XX:StartFlightRecording=filename=lstm.jfr,settings=profile -cp ... \
 *       org.recurrent4j.benchmarks.ProfiledPasses RECURRENT4J_LSTM 32 100 128 256 train 200
 * </pre>
 *
 * <p>Arguments: the layer ({@link LayerKind}), batch, T, nIn, hidden, {@code train}, {@code
 * infer} or {@code step}, the number of calls. A {@code step} call generates: T tokens of {@code
 * rnnTimeStep} from a cleared state, one {@code [batch, nIn, 1]} token each (batch 1 for sampling
 * and serving). Prints the median ms per call of the second half of the calls; for {@code step},
 * also µs per token, at the median, the 90th percentile and the mean of those calls.
 */
public final class ProfiledPasses {

    private ProfiledPasses() {}

    public static void main(String[] args) {
        if (args.length != 7) {
            System.err.println("usage: ProfiledPasses LAYER BATCH STEPS NIN HIDDEN train|infer|step CALLS");
            System.exit(2);
        }
        LayerKind kind = LayerKind.valueOf(args[0]);
        int batch = Integer.parseInt(args[1]);
        int steps = Integer.parseInt(args[2]);
        int nIn = Integer.parseInt(args[3]);
        int hidden = Integer.parseInt(args[4]);
        String mode = args[5];
        int calls = Integer.parseInt(args[6]);
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(42)
                .dataType(DataType.FLOAT)
                .updater(new Adam(1e-3))
                .list()
                .layer(kind.layer(nIn, hidden))
                .layer(kind.softmaxOutput(hidden, RecurrentLayerBenchmark.CLASSES))
                .build());
        net.init();
        Nd4j.getRandom().setSeed(7);
        INDArray features = Nd4j.rand(DataType.FLOAT, batch, nIn, steps).subi(0.5);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, batch, RecurrentLayerBenchmark.CLASSES, steps);
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < steps; t++) {
                labels.putScalar(b, (b * 7 + t) % RecurrentLayerBenchmark.CLASSES, t, 1f);
            }
        }
        DataSet data = new DataSet(features, labels);
        INDArray token = Nd4j.rand(DataType.FLOAT, batch, nIn, 1).subi(0.5);
        double[] ms = new double[calls];
        for (int i = 0; i < calls; i++) {
            long start = System.nanoTime();
            switch (mode) {
                case "train" -> net.fit(data);
                case "infer" -> net.output(features);
                case "step" -> {
                    net.rnnClearPreviousState();
                    for (int t = 0; t < steps; t++) {
                        net.rnnTimeStep(token);
                    }
                }
                default -> throw new IllegalArgumentException("mode " + mode + ": train, infer or step");
            }
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        double[] late = java.util.Arrays.copyOfRange(ms, calls / 2, calls);
        java.util.Arrays.sort(late);
        System.out.printf(
                Locale.ROOT,
                "%s %s: median %.2f ms per call (second half of %d calls)%n",
                args[0],
                mode,
                late[late.length / 2],
                calls);
        if (mode.equals("step")) {
            double perToken = 1000.0 / steps;
            System.out.printf(
                    Locale.ROOT,
                    "per token: median %.1f µs, 90th percentile %.1f µs, mean %.1f µs%n",
                    late[late.length / 2] * perToken,
                    late[late.length * 9 / 10] * perToken,
                    java.util.Arrays.stream(late).average().orElseThrow() * perToken);
        }
    }
}
