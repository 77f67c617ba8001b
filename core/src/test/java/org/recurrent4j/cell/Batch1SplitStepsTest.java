package org.recurrent4j.cell;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import java.util.List;
import java.util.function.Supplier;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;
import org.recurrent4j.conf.Gru;
import org.recurrent4j.conf.Lstm;
import org.recurrent4j.conf.OnLstm;
import org.recurrent4j.conf.Qrnn;
import org.recurrent4j.conf.Rnn;
import org.recurrent4j.conf.RnnOutput;
import org.recurrent4j.conf.Sru;
import org.recurrent4j.kernel.Blas;
import org.recurrent4j.kernel.CoreScope;

/**
 * float32 {@code rnnTimeStep} at batch 1 with a hidden size large enough that every step's
 * matrix–vector products (and the vanilla RNN's fused step) are split across the cores, against the
 * same network in float64 over a batch of two whole sequences, where no product is a vector: the
 * token-by-token outputs must be those of the first sequence.
 */
class Batch1SplitStepsTest {

    private static final int HIDDEN = 400;
    private static final int N_IN = 352;
    private static final int STEPS = 5;

    record Case(String name, Supplier<Layer> layer) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() {
        return List.of(
                new Case("RNN, tanh", () -> new Rnn.Builder()
                        .nIn(N_IN)
                        .nOut(HIDDEN)
                        .activation(Activation.TANH)
                        .build()),
                new Case("GRU", () -> new Gru.Builder().nIn(N_IN).nOut(HIDDEN).build()),
                new Case("LSTM, peepholes", () -> new Lstm.Builder()
                        .nIn(N_IN)
                        .nOut(HIDDEN)
                        .peephole(true)
                        .build()),
                new Case("SRU", () -> new Sru.Builder().nIn(N_IN).nOut(HIDDEN).build()),
                new Case("QRNN, window 2", () -> new Qrnn.Builder()
                        .nIn(N_IN)
                        .nOut(HIDDEN)
                        .window(2)
                        .build()),
                new Case("ON-LSTM, chunks of 8", () -> new OnLstm.Builder()
                        .nIn(N_IN)
                        .nOut(HIDDEN)
                        .chunkSize(8)
                        .build()));
    }

    private static MultiLayerNetwork network(Case c, DataType type) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(5)
                .dataType(type)
                .updater(new NoOp())
                .list()
                .layer(c.layer().get())
                .layer(new RnnOutput.Builder(LossFunction.MSE)
                        .activation(Activation.IDENTITY)
                        .nIn(HIDDEN)
                        .nOut(3)
                        .build())
                .build());
        net.init();
        return net;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    @SuppressWarnings("try") // the scope is opened for its effect on Blas.splits
    void splitTokensMatchWholeSequencesInFloat64(Case c) {
        try (CoreScope scope = CoreScope.open()) {
            assertTrue(Blas.splits(HIDDEN, 1, HIDDEN), "a token's recurrent product must split");
            assertTrue(Blas.splits(HIDDEN, 1, N_IN), "a token's input projection must split");
        }
        MultiLayerNetwork doubles = network(c, DataType.DOUBLE);
        Nd4j.getRandom().setSeed(29);
        doubles.setParams(
                Nd4j.rand(DataType.DOUBLE, doubles.params().shape()).subi(0.5).muli(0.2));
        MultiLayerNetwork floats = network(c, DataType.FLOAT);
        floats.setParams(doubles.params().castTo(DataType.FLOAT));

        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, N_IN, STEPS).subi(0.5).muli(2);
        INDArray expected = doubles.output(x).get(point(0), all(), all());
        floats.rnnClearPreviousState();
        for (int t = 0; t < STEPS; t++) {
            INDArray token = x.get(interval(0, 1), all(), interval(t, t + 1)).castTo(DataType.FLOAT);
            INDArray actual = floats.rnnTimeStep(token).reshape(3).castTo(DataType.DOUBLE);
            INDArray want = expected.get(all(), point(t));
            double error = actual.sub(want).norm2Number().doubleValue();
            double scale = want.norm2Number().doubleValue();
            assertTrue(error <= 1e-4 * scale + 1e-6, c + ", token " + t + ": " + actual + " against " + want);
        }
    }
}
