package org.recurrent4j.layer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.recurrent4j.conf.CellType;
import org.recurrent4j.conf.RecurrentCellLayer;
import org.recurrent4j.layer.GradientCheckMultiLayerTest.Masking;
import org.recurrent4j.testing.DoublePrecision;

/**
 * Gradient checks of every cell inside DL4J's wrappers: {@code Bidirectional} (each merge mode,
 * with padding at either end, so the backward direction sees both alignments), {@code
 * LastTimeStep} (the last real step of each padded sequence), and the NWC data format.
 */
@ExtendWith(DoublePrecision.class)
class GradientCheckWrappersTest {

    private static final int N_IN = 3;
    private static final int HIDDEN = 4;
    private static final int BATCH = 3;
    private static final int STEPS = 5;

    /** Every variant with a merge mode (rotating, so all four are covered) and a masking. */
    static Stream<Arguments> bidirectionalCases() {
        List<Arguments> cases = new ArrayList<>();
        Bidirectional.Mode[] modes = Bidirectional.Mode.values();
        List<CellType> variants = CellVariants.all();
        for (int i = 0; i < variants.size(); i++) {
            Masking masking = Masking.values()[i % Masking.values().length];
            cases.add(Arguments.of(variants.get(i), modes[i % modes.length], masking));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("bidirectionalCases")
    void bidirectional(CellType variant, Bidirectional.Mode mode, Masking masking) {
        int merged = mode == Bidirectional.Mode.CONCAT ? 2 * HIDDEN : HIDDEN;
        MultiLayerNetwork net = network(
                new Bidirectional(mode, CellVariants.layer(variant, N_IN, HIDDEN)),
                new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX)
                        .nIn(merged)
                        .nOut(2)
                        .build());
        INDArray mask = GradientCheckMultiLayerTest.mask(masking);
        check(net, input(RNNFormat.NCW), GradientCheckMultiLayerTest.oneHotLabels(), mask, mask, variant + " " + mode);
    }

    static Stream<Arguments> lastTimeStepCases() {
        return CellVariants.all().stream()
                .flatMap(v -> Stream.of(Arguments.of(v, Masking.NONE), Arguments.of(v, Masking.PADDING_AT_END)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("lastTimeStepCases")
    void lastTimeStep(CellType variant, Masking masking) {
        MultiLayerNetwork net = network(
                new LastTimeStep(CellVariants.layer(variant, N_IN, HIDDEN)),
                new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX)
                        .nIn(HIDDEN)
                        .nOut(2)
                        .build());
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, BATCH, 2);
        for (int b = 0; b < BATCH; b++) {
            labels.putScalar(b, b % 2, 1.0);
        }
        check(
                net,
                input(RNNFormat.NCW),
                labels,
                GradientCheckMultiLayerTest.mask(masking),
                null,
                variant + " LastTimeStep");
    }

    static Stream<CellType> variants() {
        return CellVariants.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void nwcFormat(CellType variant) {
        RecurrentCellLayer layer = CellVariants.layer(variant, N_IN, HIDDEN);
        layer.setRnnDataFormat(RNNFormat.NWC);
        MultiLayerNetwork net = network(
                layer,
                new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX)
                        .dataFormat(RNNFormat.NWC)
                        .nIn(HIDDEN)
                        .nOut(2)
                        .build(),
                RNNFormat.NWC);
        INDArray labels =
                GradientCheckMultiLayerTest.oneHotLabels().permute(0, 2, 1).dup();
        INDArray mask = GradientCheckMultiLayerTest.mask(Masking.PADDING_AT_START);
        check(net, input(RNNFormat.NWC), labels, mask, mask, variant + " NWC");
    }

    private static MultiLayerNetwork network(Layer recurrent, Layer output) {
        return network(recurrent, output, RNNFormat.NCW);
    }

    private static MultiLayerNetwork network(Layer recurrent, Layer output, RNNFormat format) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(12345)
                .dataType(DataType.DOUBLE)
                .updater(new NoOp())
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(recurrent)
                .layer(output)
                .setInputType(InputType.recurrent(N_IN, STEPS, format))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        GradientCheckMultiLayerTest.randomizeBiases(net);
        return net;
    }

    private static INDArray input(RNNFormat format) {
        Nd4j.getRandom().setSeed(42);
        INDArray x = Nd4j.rand(DataType.DOUBLE, BATCH, N_IN, STEPS).subi(0.5).muli(2);
        return format == RNNFormat.NCW ? x : x.permute(0, 2, 1).dup();
    }

    private static void check(
            MultiLayerNetwork net,
            INDArray input,
            INDArray labels,
            INDArray inputMask,
            INDArray labelMask,
            String what) {
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig()
                .net(net)
                .input(input)
                .labels(labels)
                .inputMask(inputMask)
                .labelMask(labelMask)
                .epsilon(1e-6)
                .maxRelError(1e-5)
                .minAbsoluteError(1e-9)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
        assertTrue(ok, what);
    }
}
