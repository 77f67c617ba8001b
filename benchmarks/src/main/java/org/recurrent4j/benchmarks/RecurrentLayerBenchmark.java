package org.recurrent4j.benchmarks;

import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.recurrent4j.layer.CellLoopLayer;

/**
 * One training step ({@code fit} on one batch) and one inference ({@code output}) of a network made
 * of one recurrent layer and a small softmax output layer, float32, DL4J's default workspaces. The
 * shape defaults to batch {@value #BATCH}, nIn {@value #N_IN}, hidden {@value #HIDDEN}, T 100; the
 * parameters {@code batch}, {@code nIn}, {@code hidden} and {@code steps} change it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class RecurrentLayerBenchmark {

    public static final int BATCH = 32;
    public static final int N_IN = 128;
    public static final int HIDDEN = 256;
    public static final int CLASSES = 16;

    @Param({
        "RECURRENT4J_LSTM",
        "RECURRENT4J_GRU",
        "RECURRENT4J_RNN",
        "RECURRENT4J_QRNN",
        "RECURRENT4J_QRNN_STEPWISE",
        "RECURRENT4J_SRU",
        "RECURRENT4J_SRU_STEPWISE",
        "RECURRENT4J_ONLSTM",
        "DL4J_LSTM",
        "DL4J_GRAVES_LSTM",
        "DL4J_SIMPLE_RNN"
    })
    public LayerKind layer;

    @Param({"100"})
    public int steps;

    @Param({"32"})
    public int batch;

    @Param({"128"})
    public int nIn;

    @Param({"256"})
    public int hidden;

    private MultiLayerNetwork net;
    private DataSet data;
    private INDArray features;

    @Setup
    public void setUp() {
        net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(42)
                .dataType(DataType.FLOAT)
                .updater(new Adam(1e-3))
                .list()
                .layer(layer.layer(nIn, hidden))
                .layer(layer.softmaxOutput(hidden, CLASSES))
                .build());
        net.init();
        if (layer.stepwise()) {
            ((CellLoopLayer) net.getLayer(0)).setWholeSequencePath(false);
        }
        Nd4j.getRandom().setSeed(7);
        features = Nd4j.rand(DataType.FLOAT, batch, nIn, steps).subi(0.5);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, batch, CLASSES, steps);
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < steps; t++) {
                labels.putScalar(b, (b * 7 + t) % CLASSES, t, 1f);
            }
        }
        data = new DataSet(features, labels);
    }

    @Benchmark
    public MultiLayerNetwork trainingStep() {
        net.fit(data);
        return net;
    }

    @Benchmark
    public INDArray inference() {
        return net.output(features);
    }
}
