package org.recurrent4j.layer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
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
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.recurrent4j.conf.Gru;
import org.recurrent4j.conf.Lstm;
import org.recurrent4j.conf.OnLstm;
import org.recurrent4j.conf.Qrnn;
import org.recurrent4j.conf.Recurrent2d;
import org.recurrent4j.conf.RecurrentCellLayer;
import org.recurrent4j.conf.Rnn;
import org.recurrent4j.conf.Sru;
import org.recurrent4j.testing.DoublePrecision;

/**
 * {@link Recurrent2d} passes DL4J's float64 gradient check for every option: both compositions and
 * both merges, every cell, patches, the input convolution, NHWC, in a MultiLayerNetwork between
 * DL4J's convolution, subsampling and global pooling layers, and in a ComputationGraph.
 */
@ExtendWith(DoublePrecision.class)
class Recurrent2dGradientCheckTest {

    private static final int CHANNELS = 2;
    private static final int HIDDEN = 3;
    private static final int BATCH = 2;
    private static final int CLASSES = 3;
    /**
     * Entries checked per parameter array, spread evenly over it: every array of every direction
     * (each gate block and the biases) is covered, while a case stays within seconds.
     */
    private static final int PER_PARAMETER = 6;

    /** A named layer configuration of a case (the cell is built for each case). */
    record Case(String name, IntFunction<Recurrent2d> layer, int height, int width) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Recurrent2d.Builder sweeps(RecurrentCellLayer cell) {
        return new Recurrent2d.Builder(cell);
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                        new Case(
                                "rnn, four sweeps, concat",
                                h -> sweeps(new Rnn.Builder().nOut(h).build()).build(),
                                3,
                                4),
                        new Case(
                                "gru, four sweeps, sum",
                                h -> sweeps(new Gru.Builder().nOut(h).build())
                                        .merge(Recurrent2d.Merge.SUM)
                                        .build(),
                                4,
                                3),
                        new Case(
                                "lstm, renet, concat",
                                h -> sweeps(new Lstm.Builder().nOut(h).build())
                                        .composition(Recurrent2d.Composition.RENET)
                                        .build(),
                                3,
                                4),
                        new Case(
                                "gru, renet, sum",
                                h -> sweeps(new Gru.Builder().nOut(h).build())
                                        .composition(Recurrent2d.Composition.RENET)
                                        .merge(Recurrent2d.Merge.SUM)
                                        .build(),
                                4,
                                3),
                        new Case(
                                "rnn, patches 2",
                                h -> sweeps(new Rnn.Builder().nOut(h).build())
                                        .patchSize(2)
                                        .build(),
                                4,
                                6),
                        new Case(
                                "gru, renet, patches 2, input convolution 3x3 tanh",
                                h -> sweeps(new Gru.Builder().nOut(h).build())
                                        .composition(Recurrent2d.Composition.RENET)
                                        .patchSize(2)
                                        .inputConvolution(3, 2)
                                        .inputConvolutionActivation(Activation.TANH)
                                        .build(),
                                4,
                                4),
                        new Case(
                                "lstm, input convolution 2x2",
                                h -> sweeps(new Lstm.Builder().nOut(h).build())
                                        .inputConvolution(2, 3)
                                        .build(),
                                3,
                                3),
                        new Case(
                                "qrnn window 2",
                                h -> sweeps(new Qrnn.Builder().nOut(h).window(2).build())
                                        .build(),
                                3,
                                3),
                        new Case(
                                "sru",
                                h -> sweeps(new Sru.Builder().nOut(h).build()).build(),
                                3,
                                3),
                        new Case(
                                "onlstm",
                                h -> sweeps(new OnLstm.Builder()
                                                .nOut(h)
                                                .chunkSize(1)
                                                .build())
                                        .composition(Recurrent2d.Composition.RENET)
                                        .build(),
                                3,
                                3))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void multiLayerNetwork(Case c) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(12345)
                .dataType(DataType.DOUBLE)
                .updater(new NoOp())
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(c.layer().apply(HIDDEN))
                .layer(new GlobalPoolingLayer(PoolingType.AVG))
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX)
                        .nOut(CLASSES)
                        .build())
                .setInputType(InputType.convolutional(c.height(), c.width(), CHANNELS))
                .build());
        net.init();
        randomizeBiases(net.paramTable());
        assertTrue(check(net, images(c.height(), c.width(), CNN2DFormat.NCHW)), c.name());
    }

    @Test
    void besideConvolutionAndSubsampling() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(12345)
                .dataType(DataType.DOUBLE)
                .updater(new NoOp())
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new ConvolutionLayer.Builder(2, 2)
                        .nOut(2)
                        .convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.TANH)
                        .build())
                .layer(sweeps(new Gru.Builder().nOut(HIDDEN).build()).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX)
                        .kernelSize(2, 2)
                        .stride(2, 2)
                        .build())
                .layer(new GlobalPoolingLayer(PoolingType.MAX))
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX)
                        .nOut(CLASSES)
                        .build())
                .setInputType(InputType.convolutional(4, 4, CHANNELS))
                .build());
        net.init();
        randomizeBiases(net.paramTable());
        assertTrue(check(net, images(4, 4, CNN2DFormat.NCHW)));
    }

    @Test
    void nhwc() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(12345)
                .dataType(DataType.DOUBLE)
                .updater(new NoOp())
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(sweeps(new Rnn.Builder().nOut(HIDDEN).build())
                        .composition(Recurrent2d.Composition.RENET)
                        .dataFormat(CNN2DFormat.NHWC)
                        .patchSize(2)
                        .build())
                .layer(new GlobalPoolingLayer(PoolingType.AVG))
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX)
                        .nOut(CLASSES)
                        .build())
                .setInputType(InputType.convolutional(4, 2, CHANNELS, CNN2DFormat.NHWC))
                .build());
        net.init();
        assertTrue(check(net, images(4, 2, CNN2DFormat.NHWC)));
    }

    @Test
    void computationGraph() {
        ComputationGraph net = new ComputationGraph(new NeuralNetConfiguration.Builder()
                .seed(12345)
                .dataType(DataType.DOUBLE)
                .updater(new NoOp())
                .weightInit(WeightInit.XAVIER)
                .graphBuilder()
                .addInputs("image")
                .addLayer(
                        "sweeps",
                        sweeps(new Lstm.Builder().nOut(HIDDEN).build())
                                .composition(Recurrent2d.Composition.RENET)
                                .inputConvolution(3, 2)
                                .build(),
                        "image")
                .addLayer(
                        "conv",
                        new ConvolutionLayer.Builder(1, 1)
                                .nOut(2)
                                .activation(Activation.TANH)
                                .build(),
                        "sweeps")
                .addLayer("pool", new GlobalPoolingLayer(PoolingType.MAX), "conv")
                .addLayer(
                        "out",
                        new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                                .activation(Activation.SOFTMAX)
                                .nOut(CLASSES)
                                .build(),
                        "pool")
                .setOutputs("out")
                .setInputTypes(InputType.convolutional(3, 4, CHANNELS))
                .build());
        net.init();
        randomizeBiases(net.paramTable());
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig()
                .net(net)
                .inputs(new INDArray[] {images(3, 4, CNN2DFormat.NCHW)})
                .labels(new INDArray[] {labels()})
                .epsilon(1e-6)
                .maxRelError(1e-5)
                .minAbsoluteError(1e-9)
                .subset(true)
                .maxPerParam(PER_PARAMETER)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
        assertTrue(ok);
    }

    private static boolean check(MultiLayerNetwork net, INDArray input) {
        return GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig()
                .net(net)
                .input(input)
                .labels(labels())
                .epsilon(1e-6)
                .maxRelError(1e-5)
                .minAbsoluteError(1e-9)
                .subset(true)
                .maxPerParam(PER_PARAMETER)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
    }

    static INDArray images(int height, int width, CNN2DFormat format) {
        Nd4j.getRandom().setSeed(42);
        long[] shape = format == CNN2DFormat.NCHW
                ? new long[] {BATCH, CHANNELS, height, width}
                : new long[] {BATCH, height, width, CHANNELS};
        return Nd4j.rand(DataType.DOUBLE, shape).subi(0.5).muli(2);
    }

    private static INDArray labels() {
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, BATCH, CLASSES);
        for (int b = 0; b < BATCH; b++) {
            labels.putScalar(b, b % CLASSES, 1.0);
        }
        return labels;
    }

    /** Non-zero biases, so that every gradient term is exercised. */
    static void randomizeBiases(java.util.Map<String, INDArray> params) {
        Nd4j.getRandom().setSeed(7);
        params.forEach((key, value) -> {
            if (key.endsWith("bih") || key.endsWith("bhh") || key.endsWith("conv-b")) {
                value.assign(Nd4j.rand(value.dataType(), value.shape()).subi(0.5));
            }
        });
    }
}
