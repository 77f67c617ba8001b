package org.recurrent4j.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.TimeDistributed;
import org.deeplearning4j.nn.conf.layers.util.MaskZeroLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.recurrent4j.conf.CellType;
import org.recurrent4j.layer.GradientCheckMultiLayerTest.Masking;
import org.recurrent4j.testing.DoublePrecision;

/**
 * Every cell in a ComputationGraph passes the gradient check with and without masks, and works
 * with DL4J's MaskZeroLayer and TimeDistributed.
 */
@ExtendWith(DoublePrecision.class)
class GradientCheckGraphTest {

    private static final int N_IN = 3;
    private static final int HIDDEN = 4;
    private static final int STEPS = 5;

    static Stream<Arguments> cases() {
        return CellVariants.all().stream()
                .flatMap(v -> Stream.of(Masking.values()).map(m -> Arguments.of(v, m)));
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("cases")
    void graph(CellType variant, Masking masking) {
        ComputationGraph net = new ComputationGraph(new NeuralNetConfiguration.Builder()
                .seed(12345)
                .dataType(DataType.DOUBLE)
                .updater(new NoOp())
                .weightInit(WeightInit.XAVIER)
                .graphBuilder()
                .addInputs("in")
                .addLayer("rnn", CellVariants.layer(variant, N_IN, HIDDEN), "in")
                .addLayer(
                        "out",
                        new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                                .activation(Activation.SOFTMAX)
                                .nIn(HIDDEN)
                                .nOut(2)
                                .build(),
                        "rnn")
                .setOutputs("out")
                .setInputTypes(InputType.recurrent(N_IN))
                .build());
        net.init();
        Nd4j.getRandom().setSeed(42);
        INDArray input = Nd4j.rand(DataType.DOUBLE, 3, N_IN, STEPS).subi(0.5).muli(2);
        INDArray mask = GradientCheckMultiLayerTest.mask(masking);
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig()
                .net(net)
                .inputs(new INDArray[] {input})
                .labels(new INDArray[] {GradientCheckMultiLayerTest.oneHotLabels()})
                .inputMask(mask == null ? null : new INDArray[] {mask})
                .labelMask(mask == null ? null : new INDArray[] {mask})
                .epsilon(1e-6)
                .maxRelError(1e-5)
                .minAbsoluteError(1e-9)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
        assertTrue(ok, variant + " " + masking);
    }

    /** MaskZeroLayer turns all-zero steps into a mask: the same outputs as an explicit mask. */
    @Test
    void maskZeroLayerMasksZeroSteps() {
        for (CellType variant : CellVariants.all()) {
            MultiLayerNetwork wrapped = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                    .seed(8)
                    .dataType(DataType.DOUBLE)
                    .list()
                    .layer(new MaskZeroLayer(CellVariants.layer(variant, N_IN, HIDDEN), 0.0))
                    .build());
            wrapped.init();
            MultiLayerNetwork plain = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                    .dataType(DataType.DOUBLE)
                    .list()
                    .layer(CellVariants.layer(variant, N_IN, HIDDEN))
                    .build());
            plain.init(wrapped.params().dup(), false);

            Nd4j.getRandom().setSeed(3);
            INDArray x = Nd4j.rand(DataType.DOUBLE, 2, N_IN, STEPS).addi(0.1);
            x.get(NDArrayIndex.point(1), NDArrayIndex.all(), NDArrayIndex.interval(3, STEPS))
                    .assign(0);
            INDArray mask = Nd4j.ones(DataType.DOUBLE, 2, STEPS);
            mask.get(NDArrayIndex.point(1), NDArrayIndex.interval(3, STEPS)).assign(0);
            assertEquals(plain.output(x, false, mask, null), wrapped.output(x), variant.id());
        }
    }

    /** A TimeDistributed dense layer after a recurrent layer, trained end to end. */
    @Test
    void timeDistributedAfterARecurrentLayer() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(9)
                .dataType(DataType.DOUBLE)
                .updater(new org.nd4j.linalg.learning.config.Adam(0.05))
                .list()
                .layer(CellVariants.layer(CellVariants.all().get(7), N_IN, HIDDEN))
                .layer(new TimeDistributed(new DenseLayer.Builder()
                        .nIn(HIDDEN)
                        .nOut(6)
                        .activation(Activation.TANH)
                        .build()))
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE)
                        .activation(Activation.IDENTITY)
                        .nIn(6)
                        .nOut(1)
                        .build())
                .setInputType(InputType.recurrent(N_IN, STEPS))
                .build());
        net.init();
        Nd4j.getRandom().setSeed(4);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 8, N_IN, STEPS);
        INDArray y = x.sum(true, 1);
        org.nd4j.linalg.dataset.DataSet data = new org.nd4j.linalg.dataset.DataSet(x, y);
        double before = net.score(data);
        for (int i = 0; i < 100; i++) {
            net.fit(data);
        }
        assertTrue(net.score(data) < 0.1 * before, "loss " + before + " -> " + net.score(data));
    }
}
