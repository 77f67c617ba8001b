package org.recurrent4j.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.exception.DL4JInvalidInputException;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.constraint.MaxNormConstraint;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.weightnoise.DropConnect;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;
import org.recurrent4j.conf.Lstm;
import org.recurrent4j.conf.RnnOutput;
import org.recurrent4j.kernel.KernelPath;
import org.recurrent4j.testing.DoublePrecision;

/**
 * {@link RnnOutput} is DL4J's {@code RnnOutputLayer} on another path: for the same parameters and
 * inputs it gives the same outputs, scores and gradients (float32 and float64, NCW and NWC, with
 * and without bias and masks, one token at a time), passes the gradient check, configures and saves
 * as DL4J's layer does, and names the layer when the input does not fit.
 */
@ExtendWith(DoublePrecision.class)
class RnnOutputTest {

    private static final int N_IN = 3;
    private static final int HIDDEN = 5;
    private static final int CLASSES = 4;

    record Case(
            String name,
            DataType type,
            RNNFormat format,
            Activation activation,
            LossFunction loss,
            boolean bias,
            boolean ours,
            boolean masked) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (RNNFormat format : RNNFormat.values()) {
                for (boolean ours : new boolean[] {true, false}) {
                    String before = ours ? "our LSTM" : "DL4J's LSTM";
                    cases.add(new Case(
                            type + " " + format + " softmax MCXENT after " + before,
                            type,
                            format,
                            Activation.SOFTMAX,
                            LossFunction.MCXENT,
                            true,
                            ours,
                            false));
                    cases.add(new Case(
                            type + " " + format + " identity MSE, no bias, masked, after " + before,
                            type,
                            format,
                            Activation.IDENTITY,
                            LossFunction.MSE,
                            false,
                            ours,
                            true));
                }
                cases.add(new Case(
                        type + " " + format + " tanh MSE (DL4J's path), masked",
                        type,
                        format,
                        Activation.TANH,
                        LossFunction.MSE,
                        true,
                        true,
                        true));
                cases.add(new Case(
                        type + " " + format + " softmax MCXENT, masked",
                        type,
                        format,
                        Activation.SOFTMAX,
                        LossFunction.MCXENT,
                        true,
                        true,
                        true));
            }
        }
        return cases;
    }

    /**
     * DL4J's layer without a bias fails at inference (its {@code activate} adds a null bias), so
     * the reference for a case without one is DL4J's layer with a zero bias.
     */
    private static MultiLayerNetwork network(Case c, boolean direct) {
        Layer recurrent = c.ours()
                ? new Lstm.Builder()
                        .nIn(N_IN)
                        .nOut(HIDDEN)
                        .dataFormat(c.format())
                        .build()
                : new LSTM.Builder()
                        .nIn(N_IN)
                        .nOut(HIDDEN)
                        .activation(Activation.TANH)
                        .dataFormat(c.format())
                        .build();
        Layer output = direct
                ? new RnnOutput.Builder(c.loss())
                        .activation(c.activation())
                        .nIn(HIDDEN)
                        .nOut(CLASSES)
                        .hasBias(c.bias())
                        .dataFormat(c.format())
                        .build()
                : new RnnOutputLayer.Builder(c.loss())
                        .activation(c.activation())
                        .nIn(HIDDEN)
                        .nOut(CLASSES)
                        .dataFormat(c.format())
                        .build();
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(12)
                .dataType(c.type())
                .updater(new NoOp())
                .weightInit(WeightInit.XAVIER)
                .biasInit(0.1)
                .list()
                .layer(recurrent)
                .layer(output)
                .build());
        net.init();
        return net;
    }

    private static INDArray sequence(Case c, int batch, int size, int steps, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray a = Nd4j.rand(c.type(), batch, size, steps).subi(0.5);
        return c.format() == RNNFormat.NWC ? a.permute(0, 2, 1).dup('c') : a;
    }

    private static INDArray labels(Case c, int batch, int steps) {
        INDArray labels = Nd4j.zeros(c.type(), batch, CLASSES, steps);
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < steps; t++) {
                labels.putScalar(b, (b * 3 + t) % CLASSES, t, 1.0);
            }
        }
        return c.format() == RNNFormat.NWC ? labels.permute(0, 2, 1).dup('c') : labels;
    }

    /** Example 0 runs all 6 steps, example 1 the first 4, example 2 the first 2. */
    private static INDArray mask(Case c) {
        INDArray mask = Nd4j.zeros(c.type(), 3, 6);
        for (int b = 0; b < 3; b++) {
            for (int t = 0; t < 6 - 2 * b; t++) {
                mask.putScalar(b, t, 1.0);
            }
        }
        return mask;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void sameOutputsScoresAndGradientsAsDl4jsLayer(Case c) {
        MultiLayerNetwork ours = network(c, true);
        MultiLayerNetwork dl4j = network(c, false);
        if (c.bias()) {
            ours.getLayer(1).getParam("b").assign(Nd4j.linspace(-0.3, 0.3, CLASSES, c.type()));
        }
        assertInstanceOf(DirectRnnOutputLayer.class, ours.getLayer(1));
        for (int i = 0; i < 2; i++) {
            for (var p : ours.getLayer(i).paramTable().entrySet()) {
                dl4j.getLayer(i).setParam(p.getKey(), p.getValue());
            }
        }
        if (!c.bias()) {
            dl4j.getLayer(1).getParam("b").assign(0);
        }
        double tolerance = c.type() == DataType.FLOAT ? 1e-5 : 1e-12;

        INDArray x = sequence(c, 3, N_IN, 6, 3);
        INDArray y = labels(c, 3, 6);
        INDArray mask = c.masked() ? mask(c) : null;
        assertClose(dl4j.output(x, false, mask, mask), ours.output(x, false, mask, mask), tolerance, c + ": output");

        ours.setLayerMaskArrays(mask, mask);
        dl4j.setLayerMaskArrays(mask, mask);
        ours.setInput(x);
        ours.setLabels(y);
        dl4j.setInput(x);
        dl4j.setLabels(y);
        ours.computeGradientAndScore();
        dl4j.computeGradientAndScore();
        assertEquals(dl4j.score(), ours.score(), tolerance * Math.abs(dl4j.score()), c + ": score");
        for (var g : ours.gradient().gradientForVariable().entrySet()) {
            assertClose(
                    dl4j.gradient().getGradientFor(g.getKey()),
                    g.getValue(),
                    tolerance,
                    c + ": gradient of " + g.getKey());
        }
        assertEquals(c.bias() ? 2 : 1, ours.getLayer(1).paramTable().size(), c + ": parameters");

        // One token at a time at batch 1, as sampling and serving run.
        ours.clearLayerMaskArrays();
        dl4j.clearLayerMaskArrays();
        INDArray one = sequence(c, 1, N_IN, 3, 5);
        for (int t = 0; t < 3; t++) {
            INDArray token = c.format() == RNNFormat.NWC
                    ? one.get(all(), interval(t, t + 1), all())
                    : one.get(all(), all(), interval(t, t + 1));
            assertClose(dl4j.rnnTimeStep(token), ours.rnnTimeStep(token), tolerance, c + ": token " + t);
        }
        // A whole sequence at batch 1 (its arrays are made in the sequence's own shape for NCW).
        assertClose(dl4j.output(one), ours.output(one), tolerance, c + ": a sequence at batch 1");
    }

    @Test
    void passesTheGradientCheckWithMasks() {
        for (RNNFormat format : RNNFormat.values()) {
            for (boolean bias : new boolean[] {true, false}) {
                Case c = new Case(
                        "check", DataType.DOUBLE, format, Activation.SOFTMAX, LossFunction.MCXENT, bias, true, true);
                MultiLayerNetwork net = network(c, true);
                INDArray mask = mask(c);
                boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig()
                        .net(net)
                        .input(sequence(c, 3, N_IN, 6, 9))
                        .labels(labels(c, 3, 6))
                        .inputMask(mask)
                        .labelMask(mask)
                        .epsilon(1e-6)
                        .maxRelError(1e-5)
                        .minAbsoluteError(1e-9)
                        .print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
                assertTrue(ok, format + (bias ? " with bias" : " without bias"));
            }
        }
    }

    @Test
    void sameResultsInAComputationGraph() {
        ComputationGraph[] nets = new ComputationGraph[2];
        for (int i = 0; i < 2; i++) {
            Layer output = i == 0
                    ? new RnnOutput.Builder(LossFunction.MCXENT)
                            .nIn(HIDDEN)
                            .nOut(CLASSES)
                            .build()
                    : new RnnOutputLayer.Builder(LossFunction.MCXENT)
                            .nIn(HIDDEN)
                            .nOut(CLASSES)
                            .build();
            nets[i] = new ComputationGraph(new NeuralNetConfiguration.Builder()
                    .seed(3)
                    .dataType(DataType.DOUBLE)
                    .updater(new NoOp())
                    .graphBuilder()
                    .addInputs("in")
                    .addLayer("rnn", new Lstm.Builder().nIn(N_IN).nOut(HIDDEN).build(), "in")
                    .addLayer("out", output, "rnn")
                    .setOutputs("out")
                    .setInputTypes(InputType.recurrent(N_IN, RNNFormat.NCW))
                    .build());
            nets[i].init();
        }
        assertInstanceOf(DirectRnnOutputLayer.class, nets[0].getLayer("out"));
        nets[1].setParams(nets[0].params());
        Case c = new Case(
                "graph", DataType.DOUBLE, RNNFormat.NCW, Activation.SOFTMAX, LossFunction.MCXENT, true, true, false);
        INDArray x = sequence(c, 2, N_IN, 5, 4);
        INDArray y = labels(c, 2, 5);
        assertClose(nets[1].outputSingle(x), nets[0].outputSingle(x), 1e-12, "graph output");
        for (ComputationGraph net : nets) {
            net.setInputs(x);
            net.setLabels(y);
            net.computeGradientAndScore();
        }
        assertEquals(nets[1].score(), nets[0].score(), 1e-12, "graph score");
        assertClose(nets[1].gradient().gradient(), nets[0].gradient().gradient(), 1e-12, "graph gradients");
    }

    /** The weights change in place between calls (as training updates them): no path keeps a stale copy. */
    @Test
    void seesWeightsChangedInPlaceOnEitherKernelPath() {
        Case c = new Case(
                "in place", DataType.FLOAT, RNNFormat.NCW, Activation.SOFTMAX, LossFunction.MCXENT, true, true, false);
        try {
            for (KernelPath path : KernelPath.values()) {
                KernelPath.use(path);
                MultiLayerNetwork ours = network(c, true);
                MultiLayerNetwork dl4j = network(c, false);
                dl4j.setParams(ours.params());
                INDArray x = sequence(c, 2, N_IN, 4, 6);
                assertClose(dl4j.output(x), ours.output(x), 1e-5, path + ": before the change");
                Nd4j.getRandom().setSeed(8);
                INDArray changed =
                        Nd4j.rand(DataType.FLOAT, ours.params().shape()).subi(0.5);
                ours.setParams(changed);
                dl4j.setParams(changed);
                assertClose(dl4j.output(x), ours.output(x), 1e-5, path + ": after the change");
            }
        } finally {
            KernelPath.use(KernelPath.automatic());
        }
    }

    @Test
    void configuresAsDl4jsLayerDoes() {
        MultiLayerConfiguration ours = everyOption(true);
        MultiLayerConfiguration dl4j = everyOption(false);
        assertInstanceOf(RnnOutput.class, ours.getConf(0).getLayer());
        // Every option the builder takes lands in the configuration as in DL4J's own layer.
        assertEquals(dl4j.toJson(), ours.toJson().replace(RnnOutput.class.getName(), RnnOutputLayer.class.getName()));
        assertEquals(ours, MultiLayerConfiguration.fromJson(ours.toJson()));
    }

    private static MultiLayerConfiguration everyOption(boolean direct) {
        Layer layer = direct
                ? withEveryOption(new RnnOutput.Builder(LossFunction.MSE).dataFormat(RNNFormat.NWC))
                        .build()
                : withEveryOption(new RnnOutputLayer.Builder(LossFunction.MSE).dataFormat(RNNFormat.NWC))
                        .build();
        return new NeuralNetConfiguration.Builder().seed(1).list().layer(layer).build();
    }

    private static <T extends BaseOutputLayer.Builder<T>> T withEveryOption(T builder) {
        return builder.name("out")
                .activation(Activation.TANH)
                .nIn(7)
                .nOut(2)
                .hasBias(false)
                .weightInit(WeightInit.UNIFORM)
                .biasInit(0.3)
                .l2(1e-3)
                .l1Bias(1e-4)
                .updater(new Adam(0.01))
                .biasUpdater(new NoOp())
                .dropOut(0.8)
                .weightNoise(new DropConnect(0.9))
                .gradientNormalization(GradientNormalization.ClipElementWiseAbsoluteValue)
                .gradientNormalizationThreshold(2.5)
                .constrainWeights(new MaxNormConstraint(2.0, 1));
    }

    @Test
    void savesAndRestores() throws Exception {
        Case c = new Case(
                "save", DataType.FLOAT, RNNFormat.NCW, Activation.SOFTMAX, LossFunction.MCXENT, true, true, false);
        MultiLayerNetwork net = network(c, true);
        net.setUpdater(null);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, bytes, true);
        MultiLayerNetwork restored =
                ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes.toByteArray()), true);
        assertInstanceOf(DirectRnnOutputLayer.class, restored.getLayer(1));
        INDArray x = sequence(c, 2, N_IN, 4, 8);
        assertClose(net.output(x), restored.output(x), 0.0, "restored output");
    }

    @Test
    void namesTheLayerWhenTheInputDoesNotFit() {
        Case c = new Case(
                "error", DataType.FLOAT, RNNFormat.NCW, Activation.SOFTMAX, LossFunction.MCXENT, true, true, false);
        MultiLayerNetwork net = network(c, true);
        var layer = net.getLayer(1);
        layer.setInput(Nd4j.rand(DataType.FLOAT, 2, HIDDEN + 1, 3), LayerWorkspaceMgr.noWorkspaces());
        DL4JInvalidInputException e = assertThrows(
                DL4JInvalidInputException.class, () -> layer.activate(false, LayerWorkspaceMgr.noWorkspaces()));
        assertTrue(e.getMessage().contains("Input of size 6 per step"), e.getMessage());
        assertTrue(e.getMessage().contains("nIn 5"), e.getMessage());
        assertTrue(e.getMessage().contains("layer index: 1"), e.getMessage());
    }

    private static void assertClose(INDArray expected, INDArray actual, double tolerance, String what) {
        assertEquals(Arrays.toString(expected.shape()), Arrays.toString(actual.shape()), what + ": shape");
        double[] e = expected.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double[] a = actual.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], a[i], tolerance * Math.max(1.0, Math.abs(e[i])), what + " at " + i);
        }
    }
}
