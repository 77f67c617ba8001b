package org.recurrent4j.cell;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.common.primitives.Pair;
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
 * The float32 loops of the SRU, the QRNN, the vanilla RNN, the GRU and the ON-LSTM against their
 * float64 ones, parameter by parameter and for the input gradient: the SRU's two highways, with and
 * without cell feedback and rescaling; the QRNN's three poolings, with zoneout; the RNN with tanh and
 * ReLU; the GRU with its reset gate after and before the product; padded examples and a truncated backward pass;
 * sequences long enough for the backward products to read a transposed copy of the recurrent weights
 * (the LSTM there too); and every cell's batch-1 tokens with each product split across the cores.
 * The whole-network check of the test kit compares one norm over every gradient; this one finds an
 * error in a single term of a backward recurrence.
 */
class Float32LoopsTest {

    private static final int HIDDEN = 24;
    private static final int BATCH = 7;
    private static final int STEPS = 9;

    /** Long enough for the backward products to read a transposed copy of the recurrent weights. */
    private static final int LONG_STEPS = RecurrentProduct.TRANSPOSE_FROM_STEPS + 4;

    record Case(
            String name,
            int nIn,
            boolean masked,
            int truncation,
            int steps,
            int hidden,
            int batch,
            Supplier<Layer> layer) {
        Case(String name, int nIn, boolean masked, int truncation, Supplier<Layer> layer) {
            this(name, nIn, masked, truncation, STEPS, layer);
        }

        Case(String name, int nIn, boolean masked, int truncation, int steps, Supplier<Layer> layer) {
            this(name, nIn, masked, truncation, steps, HIDDEN, BATCH, layer);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (int nIn : new int[] {HIDDEN, 5}) {
            for (boolean feedback : new boolean[] {false, true}) {
                String name = "SRU, " + (nIn == HIDDEN ? "identity highway" : "projected highway")
                        + (feedback ? ", cell feedback" : "");
                Supplier<Layer> sru = () -> new Sru.Builder()
                        .nIn(nIn)
                        .nOut(HIDDEN)
                        .cellFeedback(feedback)
                        .build();
                cases.add(new Case(name, nIn, false, 0, sru));
                cases.add(new Case(name + ", padded", nIn, true, 0, sru));
            }
        }
        cases.add(new Case(
                "SRU, projected highway, truncated BPTT (4 of 9 steps back)",
                5,
                false,
                4,
                () -> new Sru.Builder().nIn(5).nOut(HIDDEN).cellFeedback(true).build()));
        cases.add(new Case("SRU, identity highway, rescaled, padded", HIDDEN, true, 0, () -> new Sru.Builder()
                .nIn(HIDDEN)
                .nOut(HIDDEN)
                .rescaleHighway(true)
                .build()));
        for (QrnnCell.Pooling pooling : QrnnCell.Pooling.values()) {
            Supplier<Layer> qrnn = () -> new Qrnn.Builder()
                    .nIn(5)
                    .nOut(HIDDEN)
                    .pooling(pooling)
                    .window(2)
                    .build();
            cases.add(new Case("QRNN, " + pooling + " pooling", 5, false, 0, qrnn));
            cases.add(new Case("QRNN, " + pooling + " pooling, padded", 5, true, 0, qrnn));
        }
        cases.add(new Case(
                "QRNN, fo pooling, zoneout 0.3, truncated BPTT (4 of 9 steps back)",
                5,
                true,
                4,
                () -> new Qrnn.Builder()
                        .nIn(5)
                        .nOut(HIDDEN)
                        .pooling(QrnnCell.Pooling.FO)
                        .zoneout(0.3)
                        .build()));
        for (Activation activation : new Activation[] {Activation.TANH, Activation.RELU}) {
            Supplier<Layer> rnn = () ->
                    new Rnn.Builder().nIn(5).nOut(HIDDEN).activation(activation).build();
            cases.add(new Case("RNN, " + activation, 5, false, 0, rnn));
            cases.add(new Case("RNN, " + activation + ", padded", 5, true, 0, rnn));
            cases.add(new Case("RNN, " + activation + ", truncated BPTT (4 of 9 steps back)", 5, false, 4, rnn));
        }
        Supplier<Layer> gru = () -> new Gru.Builder().nIn(5).nOut(HIDDEN).build();
        cases.add(new Case("GRU, reset gate after", 5, false, 0, gru));
        cases.add(new Case("GRU, reset gate after, padded", 5, true, 0, gru));
        cases.add(new Case("GRU, reset gate after, truncated BPTT (4 of 9 steps back)", 5, false, 4, gru));
        Supplier<Layer> gruBefore =
                () -> new Gru.Builder().nIn(5).nOut(HIDDEN).resetAfter(false).build();
        cases.add(new Case("GRU, reset gate before", 5, false, 0, gruBefore));
        cases.add(new Case("GRU, reset gate before, padded", 5, true, 0, gruBefore));
        Supplier<Layer> onLstm =
                () -> new OnLstm.Builder().nIn(5).nOut(HIDDEN).chunkSize(4).build();
        cases.add(new Case("ON-LSTM, chunks of 4", 5, false, 0, onLstm));
        cases.add(new Case("ON-LSTM, chunks of 4, padded", 5, true, 0, onLstm));
        cases.add(new Case("ON-LSTM, chunks of 4, truncated BPTT (4 of 9 steps back)", 5, false, 4, onLstm));
        String longer = ", " + LONG_STEPS + " steps (transposed recurrent weights)";
        cases.add(new Case("RNN, TANH" + longer, 5, false, 0, LONG_STEPS, () -> new Rnn.Builder()
                .nIn(5)
                .nOut(HIDDEN)
                .activation(Activation.TANH)
                .build()));
        cases.add(new Case("GRU, reset gate after" + longer, 5, true, 0, LONG_STEPS, gru));
        cases.add(new Case("GRU, reset gate before" + longer, 5, false, 0, LONG_STEPS, gruBefore));
        cases.add(new Case("ON-LSTM, chunks of 4" + longer, 5, false, 0, LONG_STEPS, onLstm));
        cases.add(new Case("LSTM" + longer, 5, false, 0, LONG_STEPS, () -> new Lstm.Builder()
                .nIn(5)
                .nOut(HIDDEN)
                .build()));
        cases.add(new Case(
                "LSTM, peepholes, truncated BPTT (6 steps back)" + longer,
                5,
                false,
                6,
                LONG_STEPS,
                () -> new Lstm.Builder().nIn(5).nOut(HIDDEN).peephole(true).build()));
        // Large enough for the recurrent products to be split across the cores.
        String fused = ", hidden 64, batch 16, " + LONG_STEPS + " steps (products split across the cores)";
        cases.add(new Case("LSTM" + fused, 5, false, 0, LONG_STEPS, 64, 16, () -> new Lstm.Builder()
                .nIn(5)
                .nOut(64)
                .build()));
        cases.add(new Case("LSTM, peepholes, padded" + fused, 5, true, 0, LONG_STEPS, 64, 16, () -> new Lstm.Builder()
                .nIn(5)
                .nOut(64)
                .peephole(true)
                .build()));
        cases.add(new Case(
                "LSTM, coupled gates, peepholes" + fused, 5, false, 0, LONG_STEPS, 64, 16, () -> new Lstm.Builder()
                        .nIn(5)
                        .nOut(64)
                        .peephole(true)
                        .coupledInputForget(true)
                        .build()));
        return cases;
    }

    private static MultiLayerNetwork network(Case c, DataType type) {
        var list = new NeuralNetConfiguration.Builder()
                .seed(3)
                .dataType(type)
                .updater(new NoOp())
                .list()
                .layer(c.layer().get())
                .layer(new RnnOutput.Builder(LossFunction.MSE)
                        .activation(Activation.IDENTITY)
                        .nIn(c.hidden())
                        .nOut(3)
                        .build());
        if (c.truncation() > 0) {
            list.backpropType(BackpropType.TruncatedBPTT)
                    .tBPTTForwardLength(c.steps())
                    .tBPTTBackwardLength(c.truncation());
        }
        MultiLayerNetwork net = new MultiLayerNetwork(list.build());
        net.init();
        return net;
    }

    /** The case's network in float64 with random parameters of scale {@code scale}, and in float32 with the same. */
    private static MultiLayerNetwork[] float64AndFloat32(Case c, double scale) {
        MultiLayerNetwork doubles = network(c, DataType.DOUBLE);
        Nd4j.getRandom().setSeed(21);
        doubles.setParams(
                Nd4j.rand(DataType.DOUBLE, doubles.params().shape()).subi(0.5).muli(scale));
        MultiLayerNetwork floats = network(c, DataType.FLOAT);
        floats.setParams(doubles.params().castTo(DataType.FLOAT));
        return new MultiLayerNetwork[] {doubles, floats};
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void float32GradientsMatchFloat64(Case c) {
        MultiLayerNetwork[] nets = float64AndFloat32(c, 0.8);
        MultiLayerNetwork doubles = nets[0];
        MultiLayerNetwork floats = nets[1];

        INDArray x = Nd4j.rand(DataType.DOUBLE, c.batch(), c.nIn(), c.steps())
                .subi(0.5)
                .muli(2);
        INDArray y = Nd4j.rand(DataType.DOUBLE, c.batch(), 3, c.steps());
        INDArray mask = null;
        if (c.masked()) {
            mask = Nd4j.ones(DataType.DOUBLE, c.batch(), c.steps());
            mask.get(interval(0, 3), interval(c.steps() - 3, c.steps())).assign(0);
        }
        INDArray maskF = mask == null ? null : mask.castTo(DataType.FLOAT);
        Pair<Gradient, INDArray> expected = gradients(doubles, c, x, y, mask);
        Pair<Gradient, INDArray> actual =
                gradients(floats, c, x.castTo(DataType.FLOAT), y.castTo(DataType.FLOAT), maskF);

        for (Map.Entry<String, INDArray> e :
                expected.getFirst().gradientForVariable().entrySet()) {
            close(e.getValue(), actual.getFirst().getGradientFor(e.getKey()), c + ": gradient of " + e.getKey());
        }
        if (expected.getSecond() != null) {
            close(expected.getSecond(), actual.getSecond(), c + ": input gradient");
        }
    }

    /** A hidden size and input size at which every product of a batch-1 step is split across the cores. */
    private static final int SPLIT_HIDDEN = 400;

    private static final int SPLIT_N_IN = 352;

    static List<Case> splitTokenCases() {
        List<Supplier<Layer>> layers = List.of(
                () -> new Rnn.Builder()
                        .nIn(SPLIT_N_IN)
                        .nOut(SPLIT_HIDDEN)
                        .activation(Activation.TANH)
                        .build(),
                () -> new Gru.Builder().nIn(SPLIT_N_IN).nOut(SPLIT_HIDDEN).build(),
                () -> new Lstm.Builder()
                        .nIn(SPLIT_N_IN)
                        .nOut(SPLIT_HIDDEN)
                        .peephole(true)
                        .build(),
                () -> new Sru.Builder().nIn(SPLIT_N_IN).nOut(SPLIT_HIDDEN).build(),
                () -> new Qrnn.Builder()
                        .nIn(SPLIT_N_IN)
                        .nOut(SPLIT_HIDDEN)
                        .window(2)
                        .build(),
                () -> new OnLstm.Builder()
                        .nIn(SPLIT_N_IN)
                        .nOut(SPLIT_HIDDEN)
                        .chunkSize(8)
                        .build());
        List<String> names =
                List.of("RNN, tanh", "GRU", "LSTM, peepholes", "SRU", "QRNN, window 2", "ON-LSTM, chunks of 8");
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            cases.add(new Case(
                    names.get(i) + ", batch-1 tokens at hidden " + SPLIT_HIDDEN,
                    SPLIT_N_IN,
                    false,
                    0,
                    5,
                    SPLIT_HIDDEN,
                    2,
                    layers.get(i)));
        }
        return cases;
    }

    /**
     * float32 {@code rnnTimeStep} at batch 1, where each step's matrix–vector products (and the
     * vanilla RNN's fused step) are split across the cores, against the float64 network over a batch
     * of two whole sequences, where no product is a vector: the tokens' outputs are the first
     * sequence's.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("splitTokenCases")
    @SuppressWarnings("try") // the scope is opened for its effect on Blas.splits
    void float32SplitTokensMatchFloat64WholeSequences(Case c) {
        try (CoreScope scope = CoreScope.open()) {
            assertTrue(Blas.splits(c.hidden(), 1, c.hidden()), "a token's recurrent product must split");
            assertTrue(Blas.splits(c.hidden(), 1, c.nIn()), "a token's input projection must split");
        }
        MultiLayerNetwork[] nets = float64AndFloat32(c, 0.2);
        INDArray x = Nd4j.rand(DataType.DOUBLE, c.batch(), c.nIn(), c.steps())
                .subi(0.5)
                .muli(2);
        INDArray expected = nets[0].output(x).get(point(0), all(), all());
        MultiLayerNetwork floats = nets[1];
        floats.rnnClearPreviousState();
        for (int t = 0; t < c.steps(); t++) {
            INDArray token = x.get(interval(0, 1), all(), interval(t, t + 1)).castTo(DataType.FLOAT);
            close(expected.get(all(), point(t)), floats.rnnTimeStep(token).reshape(3), c + ", token " + t);
        }
    }

    private static Pair<Gradient, INDArray> gradients(
            MultiLayerNetwork net, Case c, INDArray x, INDArray y, INDArray mask) {
        Nd4j.getRandom().setSeed(17); // the same zoneout draws in both precisions
        if (c.truncation() == 0) {
            return net.calculateGradients(x, y, mask, mask);
        }
        // One truncated segment (the whole sequence forward, the last steps back), as fit runs it.
        net.setInput(x);
        net.setLabels(y);
        net.computeGradientAndScore();
        return new Pair<>(net.gradient(), null);
    }

    /** {@code ‖actual − expected‖ ≤ 2e-5 ‖expected‖}: float32 rounding, not a wrong term. */
    private static void close(INDArray expected, INDArray actual, String what) {
        INDArray e = expected.castTo(DataType.DOUBLE);
        INDArray a = actual.castTo(DataType.DOUBLE);
        double norm = e.norm2Number().doubleValue();
        double error = e.sub(a).norm2Number().doubleValue();
        assertTrue(norm > 0, what + ": a zero reference");
        assertTrue(error <= 2e-5 * norm, what + ": relative error " + error / norm);
    }
}
