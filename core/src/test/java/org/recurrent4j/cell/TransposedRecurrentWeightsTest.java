package org.recurrent4j.cell;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Supplier;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.extension.ExtendWith;
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
import org.recurrent4j.conf.RnnOutput;
import org.recurrent4j.testing.DoublePrecision;

/**
 * DL4J's gradient check in float64 on sequences long enough for {@link RecurrentProduct}'s backward
 * products to read a transposed copy of the recurrent weights (the float64 copy; {@link
 * Float32LoopsTest} checks the float32 one against it): the LSTM, and the GRU with its reset gate
 * before the product, whose backward multiplies blocks of rows of the weights separately.
 */
@ExtendWith(DoublePrecision.class)
class TransposedRecurrentWeightsTest {

    private static final int STEPS = RecurrentProduct.TRANSPOSE_FROM_STEPS + 2;

    static List<Supplier<Layer>> layers() {
        return List.of(
                () -> new Lstm.Builder().nIn(3).nOut(5).peephole(true).build(),
                () -> new Gru.Builder().nIn(3).nOut(5).resetAfter(false).build());
    }

    @ParameterizedTest
    @MethodSource("layers")
    void passesTheGradientCheck(Supplier<Layer> layer) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(5)
                .dataType(DataType.DOUBLE)
                .updater(new NoOp())
                .list()
                .layer(layer.get())
                .layer(new RnnOutput.Builder(LossFunction.MSE)
                        .activation(Activation.IDENTITY)
                        .nIn(5)
                        .nOut(2)
                        .build())
                .build());
        net.init();
        Nd4j.getRandom().setSeed(9);
        INDArray input = Nd4j.rand(DataType.DOUBLE, 2, 3, STEPS).subi(0.5).muli(2);
        INDArray labels = Nd4j.rand(DataType.DOUBLE, 2, 2, STEPS);
        assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig()
                .net(net)
                .input(input)
                .labels(labels)
                .epsilon(1e-6)
                .maxRelError(1e-5)
                .minAbsoluteError(1e-9)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY)));
    }
}
