package org.recurrent4j.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.recurrent4j.conf.Gru;
import org.recurrent4j.conf.RecurrentCellLayer;
import org.recurrent4j.conf.Rnn;

/**
 * The gradient RTRL carries forward in time equals the layer's BPTT gradient (DL4J's {@code
 * computeGradientAndScore}, which the core's gradient checks verify against finite differences) to
 * 1e-8 in double precision: every cell RTRL supports, several sizes, with and without masks
 * (padding at either end), and labels only at the last real step.
 */
class RtrlGradientTest {

    private static final int BATCH = 3;
    private static final int STEPS = 7;
    private static final double TOLERANCE = 1e-8;

    @BeforeAll
    static void doublePrecision() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    enum Cell {
        RNN_TANH((n, h) -> new Rnn.Builder().nIn(n).nOut(h).build()),
        RNN_RELU((n, h) ->
                new Rnn.Builder().nIn(n).nOut(h).activation(Activation.RELU).build()),
        GRU((n, h) -> new Gru.Builder().nIn(n).nOut(h).build()),
        GRU_RESET_BEFORE(
                (n, h) -> new Gru.Builder().nIn(n).nOut(h).resetAfter(false).build());

        final BiFunction<Integer, Integer, RecurrentCellLayer> build;

        Cell(BiFunction<Integer, Integer, RecurrentCellLayer> build) {
            this.build = build;
        }
    }

    enum Masking {
        NONE,
        PADDING_AT_END,
        PADDING_AT_START,
        /** No feature mask; the loss reads the last step only (an N→1 task). */
        LABELS_AT_LAST_STEP
    }

    static Stream<Arguments> cases() {
        int[][] sizes = {{1, 1}, {3, 4}, {5, 9}};
        List<Arguments> cases = new ArrayList<>();
        for (Cell cell : Cell.values()) {
            for (int[] size : sizes) {
                for (Masking masking : Masking.values()) {
                    cases.add(Arguments.of(cell, size[0], size[1], masking));
                }
            }
        }
        return cases.stream();
    }

    static MultiLayerNetwork network(Cell cell, int nIn, int hidden, LossFunctions.LossFunction loss, int nOut) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(12345)
                .dataType(DataType.DOUBLE)
                .updater(new NoOp())
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(cell.build.apply(nIn, hidden))
                .layer(new RnnOutputLayer.Builder(loss)
                        .activation(
                                loss == LossFunctions.LossFunction.MCXENT ? Activation.SOFTMAX : Activation.IDENTITY)
                        .nIn(hidden)
                        .nOut(nOut)
                        .build())
                .build());
        net.init();
        // Non-zero biases so every bias sensitivity is exercised.
        Nd4j.getRandom().setSeed(99);
        for (Map.Entry<String, INDArray> p : net.paramTable().entrySet()) {
            if (p.getKey().startsWith("0_b")) {
                p.getValue()
                        .assign(Nd4j.rand(DataType.DOUBLE, p.getValue().shape()).subi(0.5));
            }
        }
        return net;
    }

    static INDArray mask(Masking masking) {
        INDArray mask = Nd4j.ones(DataType.DOUBLE, BATCH, STEPS);
        // Example 0 is full length; example 1 has 2 padded steps, example 2 has 3.
        for (int b = 1; b < BATCH; b++) {
            for (int k = 0; k <= b; k++) {
                mask.putScalar(b, masking == Masking.PADDING_AT_END ? STEPS - 1 - k : k, 0.0);
            }
        }
        return mask;
    }

    static DataSet sequences(int nIn, int nOut, Masking masking, boolean oneHot) {
        Nd4j.getRandom().setSeed(7);
        INDArray x = Nd4j.rand(DataType.DOUBLE, BATCH, nIn, STEPS).muli(2).subi(1);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, BATCH, nOut, STEPS);
        for (int b = 0; b < BATCH; b++) {
            for (int t = 0; t < STEPS; t++) {
                if (oneHot) {
                    y.putScalar(b, (b + 2 * t) % nOut, t, 1.0);
                } else {
                    for (int o = 0; o < nOut; o++) {
                        y.putScalar(b, o, t, Math.sin(b + t + o));
                    }
                }
            }
        }
        return switch (masking) {
            case NONE -> new DataSet(x, y);
            case PADDING_AT_END, PADDING_AT_START -> new DataSet(x, y, mask(masking), mask(masking));
            case LABELS_AT_LAST_STEP -> {
                INDArray labelMask = Nd4j.zeros(DataType.DOUBLE, BATCH, STEPS);
                labelMask.putScalar(new int[] {0, STEPS - 1}, 1.0);
                labelMask.putScalar(new int[] {1, STEPS - 1}, 1.0);
                labelMask.putScalar(new int[] {2, STEPS - 1}, 1.0);
                yield new DataSet(x, y, null, labelMask);
            }
        };
    }

    static Pair<Gradient, Double> bptt(MultiLayerNetwork net, DataSet data) {
        net.setInput(data.getFeatures());
        net.setLabels(data.getLabels());
        net.setLayerMaskArrays(data.getFeaturesMaskArray(), data.getLabelsMaskArray());
        net.computeGradientAndScore();
        Pair<Gradient, Double> result = net.gradientAndScore();
        Gradient copy = new org.deeplearning4j.nn.gradient.DefaultGradient();
        result.getFirst().gradientForVariable().forEach((k, v) -> copy.setGradientFor(k, v.dup()));
        net.clearLayerMaskArrays();
        return new Pair<>(copy, result.getSecond());
    }

    static void assertSameGradient(Gradient expected, Gradient actual, String what) {
        assertEquals(
                expected.gradientForVariable().keySet(),
                actual.gradientForVariable().keySet(),
                what + ": keys");
        for (Map.Entry<String, INDArray> e : expected.gradientForVariable().entrySet()) {
            INDArray want = e.getValue();
            INDArray got = actual.getGradientFor(e.getKey()).reshape(want.shape());
            double scale = Math.max(1.0, want.amaxNumber().doubleValue());
            double diff = want.sub(got).amaxNumber().doubleValue();
            assertTrue(
                    diff <= TOLERANCE * scale,
                    what + " " + e.getKey() + ": max |BPTT − RTRL| = " + diff + "\nBPTT " + want + "\nRTRL " + got);
        }
    }

    @ParameterizedTest(name = "{0} nIn={1} H={2} {3}")
    @MethodSource("cases")
    void rtrlGradientEqualsBptt(Cell cell, int nIn, int hidden, Masking masking) {
        boolean classification = hidden != 4;
        LossFunctions.LossFunction loss =
                classification ? LossFunctions.LossFunction.MCXENT : LossFunctions.LossFunction.MSE;
        int nOut = classification ? 3 : 2;
        MultiLayerNetwork net = network(cell, nIn, hidden, loss, nOut);
        DataSet data = sequences(nIn, nOut, masking, classification);
        INDArray paramsBefore = net.params().dup();

        Pair<Gradient, Double> rtrl = new RtrlTrainer(net).gradientAndScore(data);
        assertEquals(paramsBefore, net.params(), "computing the gradient changes no parameter");
        Pair<Gradient, Double> bptt = bptt(net, data);

        assertSameGradient(bptt.getFirst(), rtrl.getFirst(), cell + " " + masking);
        assertEquals(bptt.getSecond(), rtrl.getSecond(), 1e-10 * Math.max(1, bptt.getSecond()), "score");
        if (hidden > 1) {
            // Not vacuous: the recurrent weights get a gradient (a single ReLU unit may be dead).
            assertTrue(rtrl.getFirst().getGradientFor("0_Whh").norm2Number().doubleValue() > 0);
        }
    }

    @Test
    void nwcLayoutGivesTheSameGradient() {
        int nIn = 3;
        int hidden = 4;
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(5)
                .dataType(DataType.DOUBLE)
                .updater(new NoOp())
                .list()
                .layer(new Gru.Builder()
                        .nIn(nIn)
                        .nOut(hidden)
                        .dataFormat(RNNFormat.NWC)
                        .build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE)
                        .activation(Activation.IDENTITY)
                        .dataFormat(RNNFormat.NWC)
                        .nIn(hidden)
                        .nOut(2)
                        .build())
                .build());
        net.init();
        DataSet ncw = sequences(nIn, 2, Masking.PADDING_AT_START, false);
        DataSet nwc = new DataSet(
                ncw.getFeatures().permute(0, 2, 1).dup(),
                ncw.getLabels().permute(0, 2, 1).dup(),
                ncw.getFeaturesMaskArray(),
                ncw.getLabelsMaskArray());
        assertSameGradient(
                bptt(net, nwc).getFirst(),
                new RtrlTrainer(net).gradientAndScore(nwc).getFirst(),
                "NWC");
    }
}
