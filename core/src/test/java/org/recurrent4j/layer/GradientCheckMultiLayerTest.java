package org.recurrent4j.layer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
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
import org.recurrent4j.testing.DoublePrecision;

/** Every cell and option passes DL4J's gradient check in a MultiLayerNetwork, with and without masks. */
@ExtendWith(DoublePrecision.class)
class GradientCheckMultiLayerTest {

    private static final int N_IN = 3;
    private static final int HIDDEN = 4;
    private static final int BATCH = 3;
    private static final int STEPS = 5;

    public enum Masking {
        NONE,
        PADDING_AT_END,
        PADDING_AT_START
    }

    static Stream<Arguments> cases() {
        return CellVariants.all().stream()
                .flatMap(v -> Stream.of(Masking.values()).map(m -> Arguments.of(v, m)));
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("cases")
    void gradientsMatchFiniteDifferences(CellType variant, Masking masking) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(12345)
                .dataType(DataType.DOUBLE)
                .updater(new NoOp())
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(CellVariants.layer(variant, N_IN, HIDDEN))
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX)
                        .nIn(HIDDEN)
                        .nOut(2)
                        .build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        randomizeBiases(net);

        Nd4j.getRandom().setSeed(42);
        INDArray input =
                Nd4j.rand(DataType.DOUBLE, BATCH, N_IN, STEPS).subi(0.5).muli(2);
        INDArray labels = oneHotLabels();
        INDArray mask = mask(masking);

        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig()
                .net(net)
                .input(input)
                .labels(labels)
                .inputMask(mask)
                .labelMask(mask)
                .epsilon(1e-6)
                .maxRelError(1e-5)
                .minAbsoluteError(1e-9)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
        assertTrue(ok, variant + " with " + masking);
    }

    /** Non-zero biases and peepholes, so that every gradient term is exercised. */
    public static void randomizeBiases(MultiLayerNetwork net) {
        Nd4j.getRandom().setSeed(7);
        net.paramTable().forEach((key, value) -> {
            if (key.endsWith("bih") || key.endsWith("bhh") || key.endsWith("wpeep")) {
                value.assign(Nd4j.rand(value.dataType(), value.shape()).subi(0.5));
            }
        });
    }

    static INDArray oneHotLabels() {
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, BATCH, 2, STEPS);
        for (int b = 0; b < BATCH; b++) {
            for (int t = 0; t < STEPS; t++) {
                labels.putScalar(b, (b + t) % 2, t, 1.0);
            }
        }
        return labels;
    }

    static INDArray mask(Masking masking) {
        if (masking == Masking.NONE) {
            return null;
        }
        INDArray mask = Nd4j.ones(DataType.DOUBLE, BATCH, STEPS);
        // Example 0 is full length; example 1 has 2 padded steps, example 2 has 3.
        for (int b = 1; b < BATCH; b++) {
            int padded = b + 1;
            for (int k = 0; k < padded; k++) {
                int t = masking == Masking.PADDING_AT_END ? STEPS - 1 - k : k;
                mask.putScalar(b, t, 0.0);
            }
        }
        return mask;
    }
}
