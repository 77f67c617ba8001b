package org.recurrent4j.interop.vertex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.recurrent4j.conf.Gru;
import org.recurrent4j.interop.layer.MaskedTimeDistributed;
import org.recurrent4j.interop.testing.DoublePrecision;

/**
 * The vertices and the layer the imports add pass DL4J's gradient check in float64, with and
 * without masks (padding at the end and at the start), and do what they say on a known input.
 */
@ExtendWith(DoublePrecision.class)
class GradientCheckImportVerticesTest {

    private static final int N_IN = 2;
    private static final int HIDDEN = 3;
    private static final int STEPS = 4;
    private static final int BATCH = 3;

    /** 0: no mask; 1: the last two steps of example 1 padded; 2: the first two steps of example 2 padded. */
    private static INDArray mask(int kind) {
        if (kind == 0) {
            return null;
        }
        INDArray m = Nd4j.ones(DataType.DOUBLE, BATCH, STEPS);
        if (kind == 1) {
            m.putScalar(1, STEPS - 2, 0).putScalar(1, STEPS - 1, 0);
        } else {
            m.putScalar(2, 0, 0).putScalar(2, 1, 0);
        }
        return m;
    }

    private static ComputationGraph graph() {
        ComputationGraph net = new ComputationGraph(new NeuralNetConfiguration.Builder()
                .seed(12345)
                .dataType(DataType.DOUBLE)
                .updater(new NoOp())
                .weightInit(WeightInit.XAVIER)
                .graphBuilder()
                .addInputs("in")
                // A layer before the reversal, so that its backward pass is checked too.
                .addLayer(
                        "pre",
                        new MaskedTimeDistributed(
                                new DenseLayer.Builder()
                                        .nIn(N_IN)
                                        .nOut(N_IN)
                                        .activation(Activation.TANH)
                                        .build(),
                                RNNFormat.NWC),
                        "in")
                .addVertex("reversed", new TimeReverseVertex(RNNFormat.NWC), "pre")
                .addLayer(
                        "gru",
                        new Gru.Builder()
                                .nIn(N_IN)
                                .nOut(HIDDEN)
                                .dataFormat(RNNFormat.NWC)
                                .build(),
                        "reversed")
                .addVertex("h", new LastStepVertex(RNNFormat.NWC), "gru")
                .addLayer(
                        "steps",
                        new MaskedTimeDistributed(
                                new DenseLayer.Builder()
                                        .nIn(HIDDEN)
                                        .nOut(2)
                                        .activation(Activation.TANH)
                                        .build(),
                                RNNFormat.NWC),
                        "gru")
                .addLayer(
                        "last",
                        new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                                .activation(Activation.SOFTMAX)
                                .nIn(HIDDEN)
                                .nOut(2)
                                .build(),
                        "h")
                .addLayer(
                        "seq",
                        new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE)
                                .activation(Activation.IDENTITY)
                                .nIn(2)
                                .nOut(2)
                                .dataFormat(RNNFormat.NWC)
                                .build(),
                        "steps")
                .setOutputs("last", "seq")
                .setInputTypes(InputType.recurrent(N_IN, RNNFormat.NWC))
                .build());
        net.init();
        return net;
    }

    @ParameterizedTest(name = "mask {0}")
    @ValueSource(ints = {0, 1, 2})
    void gradientsAreExact(int maskKind) {
        ComputationGraph net = graph();
        Nd4j.getRandom().setSeed(42);
        INDArray input =
                Nd4j.rand(DataType.DOUBLE, BATCH, STEPS, N_IN).subi(0.5).muli(2);
        INDArray classes = Nd4j.zeros(DataType.DOUBLE, BATCH, 2);
        for (int b = 0; b < BATCH; b++) {
            classes.putScalar(b, b % 2, 1);
        }
        INDArray targets = Nd4j.rand(DataType.DOUBLE, BATCH, STEPS, 2);
        INDArray mask = mask(maskKind);
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig()
                .net(net)
                .inputs(new INDArray[] {input})
                .labels(new INDArray[] {classes, targets})
                .inputMask(mask == null ? null : new INDArray[] {mask})
                .labelMask(mask == null ? null : new INDArray[] {null, mask.dup()})
                .epsilon(1e-6)
                .maxRelError(1e-5)
                .minAbsoluteError(1e-9)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
        assertTrue(ok, "mask " + maskKind);
    }

    @Test
    void theVerticesReverseAndPickTheLastRealStep() {
        INDArray x = Nd4j.arange(BATCH * STEPS).castTo(DataType.DOUBLE).reshape(BATCH, STEPS, 1);
        INDArray reversed = TimeReverseVertexImpl.reversed(x, 1);
        assertEquals(x.getDouble(1, 0, 0), reversed.getDouble(1, STEPS - 1, 0));
        assertEquals(x.getDouble(2, STEPS - 1, 0), reversed.getDouble(2, 0, 0));
        INDArray mask = mask(1);
        INDArray reversedMask = TimeReverseVertexImpl.reversed(mask, 1);
        assertEquals(0, reversedMask.getDouble(1, 0));
        assertEquals(1, reversedMask.getDouble(1, STEPS - 1));
    }
}
