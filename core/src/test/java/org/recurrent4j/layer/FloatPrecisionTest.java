package org.recurrent4j.layer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.recurrent4j.conf.CellType;

/**
 * The float32 path (its own buffers and BLAS calls) computes what the gradient-checked float64
 * path computes: same parameters, same outputs and gradients up to float rounding. Sizes are
 * large enough that every step's loop runs on several threads.
 */
class FloatPrecisionTest {

    private static final int N_IN = 16;
    private static final int HIDDEN = 96;
    private static final int BATCH = 96;
    private static final int STEPS = 6;

    static Stream<CellType> variants() {
        return CellVariants.all().stream();
    }

    private static MultiLayerNetwork network(CellType variant, DataType type) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(5)
                .dataType(type)
                .updater(new NoOp())
                .list()
                .layer(CellVariants.layer(variant, N_IN, HIDDEN))
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE)
                        .activation(Activation.IDENTITY)
                        .nIn(HIDDEN)
                        .nOut(3)
                        .build())
                .build());
        net.init();
        return net;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void floatMatchesDouble(CellType variant) {
        MultiLayerNetwork doubles = network(variant, DataType.DOUBLE);
        Nd4j.getRandom().setSeed(9);
        doubles.setParams(
                Nd4j.rand(DataType.DOUBLE, doubles.params().shape()).subi(0.5).muli(0.6));
        MultiLayerNetwork floats = network(variant, DataType.FLOAT);
        floats.setParams(doubles.params().castTo(DataType.FLOAT));

        INDArray x = Nd4j.rand(DataType.DOUBLE, BATCH, N_IN, STEPS).subi(0.5);
        INDArray y = Nd4j.rand(DataType.DOUBLE, BATCH, 3, STEPS);
        INDArray mask = Nd4j.ones(DataType.DOUBLE, BATCH, STEPS);
        mask.get(
                        org.nd4j.linalg.indexing.NDArrayIndex.interval(0, BATCH / 2),
                        org.nd4j.linalg.indexing.NDArrayIndex.interval(STEPS - 2, STEPS))
                .assign(0);

        assertClose(
                doubles.output(x, false, mask, mask),
                floats.output(
                        x.castTo(DataType.FLOAT), false, mask.castTo(DataType.FLOAT), mask.castTo(DataType.FLOAT)),
                1e-4,
                variant + " output");

        doubles.setInput(x);
        doubles.setLabels(y);
        doubles.setLayerMaskArrays(mask, mask);
        doubles.computeGradientAndScore();
        floats.setInput(x.castTo(DataType.FLOAT));
        floats.setLabels(y.castTo(DataType.FLOAT));
        floats.setLayerMaskArrays(mask.castTo(DataType.FLOAT), mask.castTo(DataType.FLOAT));
        floats.computeGradientAndScore();
        assertClose(doubles.gradient().gradient(), floats.gradient().gradient(), 1e-3, variant + " gradient");
    }

    private static void assertClose(INDArray expected, INDArray actual, double relative, String what) {
        INDArray e = expected.castTo(DataType.DOUBLE);
        double error = e.sub(actual.castTo(DataType.DOUBLE)).norm2Number().doubleValue();
        double scale = Math.max(1e-12, e.norm2Number().doubleValue());
        assertTrue(scale > 1e-6, what + ": reference is zero, the comparison would prove nothing");
        assertTrue(error / scale < relative, what + ": relative error " + error / scale);
    }
}
