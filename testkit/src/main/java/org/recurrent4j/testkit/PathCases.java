package org.recurrent4j.testkit;

import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Assumptions;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.recurrent4j.cell.StateEntry;
import org.recurrent4j.conf.CellType;
import org.recurrent4j.kernel.KernelPath;
import org.recurrent4j.layer.CellLoopLayer;

/** Two computations that must agree: the whole-sequence and step paths, the two kernel paths, float32 and float64. */
final class PathCases {

    private static final LayerWorkspaceMgr WS = LayerWorkspaceMgr.noWorkspaces();

    private PathCases() {}

    private record Run(
            INDArray output,
            Map<String, INDArray> finalState,
            INDArray params,
            INDArray input,
            Map<String, INDArray> initial) {}

    /** At a size where both paths run on all cores, with padding at either end and truncated BPTT. */
    static List<KitCase> wholeSequence(CellType cell) {
        return List.of(KitCase.of(CellCheck.WHOLE_SEQUENCE_PATH, "", () -> {
            int nIn = 3;
            int hidden = 40;
            int batch = 256;
            int steps = 6;
            MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                    .seed(31)
                    .dataType(DataType.DOUBLE)
                    .list()
                    .layer(KitNetworks.layer(cell, nIn, hidden))
                    .build());
            net.init();
            net.initGradientsView();
            KitNetworks.randomizeConstants(net);
            CellLoopLayer layer = (CellLoopLayer) net.getLayer(0);
            Nd4j.getRandom().setSeed(32);
            INDArray x = Nd4j.rand(DataType.DOUBLE, batch, nIn, steps).subi(0.5).muli(2);
            INDArray epsilon = Nd4j.rand(DataType.DOUBLE, batch, hidden, steps).subi(0.5);
            INDArray mask = Nd4j.ones(DataType.DOUBLE, batch, steps);
            for (int b = 1; b < batch; b += 3) {
                mask.putScalar(b, steps - 1, 0);
                mask.putScalar(b + 1, 0, 0);
                mask.putScalar(b + 1, 1, 0);
            }
            Map<String, INDArray> initial = new LinkedHashMap<>();
            for (StateEntry e : layer.stateEntries()) {
                if (e.initialInput()) {
                    initial.put(
                            e.name(),
                            Nd4j.rand(DataType.DOUBLE, batch, e.size()).subi(0.5));
                }
            }
            layer.setInput(x, WS);
            layer.activate(false, WS);
            Assumptions.assumeTrue(
                    layer.wholeSequencePathTaken(),
                    cell.id() + " has no whole-sequence path (its steps are not Cell.WholeSequenceSteps)");
            for (int back : new int[] {-1, 4}) {
                Run sequence = run(layer, true, x, mask, epsilon, initial, back);
                Run stepwise = run(layer, false, x, mask, epsilon, initial, back);
                String what =
                        cell.id() + ", whole-sequence against step path" + (back > 0 ? ", truncated to " + back : "");
                Expect.close(stepwise.output(), sequence.output(), 1e-13, what + ": output");
                Expect.close(stepwise.params(), sequence.params(), 1e-13, what + ": parameter gradients");
                Expect.close(stepwise.input(), sequence.input(), 1e-13, what + ": input gradient");
                for (Map.Entry<String, INDArray> e : stepwise.finalState().entrySet()) {
                    Expect.close(
                            e.getValue(), sequence.finalState().get(e.getKey()), 1e-13, what + ": final " + e.getKey());
                }
                if (back < 0) {
                    for (Map.Entry<String, INDArray> e : stepwise.initial().entrySet()) {
                        Expect.close(
                                e.getValue(),
                                sequence.initial().get(e.getKey()),
                                1e-13,
                                what + ": gradient of initial " + e.getKey());
                    }
                }
            }
        }));
    }

    private static Run run(
            CellLoopLayer layer,
            boolean wholeSequence,
            INDArray x,
            INDArray mask,
            INDArray epsilon,
            Map<String, INDArray> initial,
            int back) {
        layer.setWholeSequencePath(wholeSequence);
        try {
            layer.rnnClearPreviousState();
            layer.rnnSetPreviousState(initial);
            layer.setMaskArray(mask);
            layer.rnnTimeStep(x, WS);
            Map<String, INDArray> last = layer.rnnGetPreviousState();
            layer.setInitialState(initial);
            layer.setMaskArray(mask);
            layer.setInput(x, WS);
            INDArray output = layer.activate(true, WS).dup();
            Pair<Gradient, INDArray> g = layer.tbpttBackpropGradient(epsilon, back, WS);
            return new Run(
                    output,
                    last,
                    g.getFirst().gradient().dup(),
                    g.getSecond().dup(),
                    back < 0 ? new LinkedHashMap<>(layer.getInitialStateGradient()) : Map.of());
        } finally {
            layer.clearInitialState();
            layer.setWholeSequencePath(true);
        }
    }

    /**
     * The portable kernels ({@link KernelPath#PORTABLE}, what runs on backends other than ND4J's
     * CPU one) forced on: the same outputs and gradients as the direct kernels in float32, and the
     * gradient check in float64.
     */
    static List<KitCase> kernelPaths(CellType cell) {
        return List.of(
                KitCase.of(CellCheck.KERNEL_PATHS, "the same outputs and gradients as the direct path", () -> {
                    Assumptions.assumeTrue(
                            KernelPath.directAvailable(), "the direct kernels cannot run here: nothing to compare");
                    int nIn = 5;
                    int hidden = 24;
                    int batch = 16;
                    int steps = 6;
                    MultiLayerNetwork net = withOutput(cell, nIn, hidden, DataType.FLOAT);
                    Nd4j.getRandom().setSeed(11);
                    net.setParams(Nd4j.rand(DataType.FLOAT, net.params().shape())
                            .subi(0.5)
                            .muli(0.6));
                    INDArray x = Nd4j.rand(DataType.FLOAT, batch, nIn, steps).subi(0.5);
                    INDArray y = Nd4j.rand(DataType.FLOAT, batch, 3, steps);
                    INDArray mask = Nd4j.ones(DataType.FLOAT, batch, steps);
                    mask.get(interval(0, batch / 2), interval(steps - 2, steps)).assign(0);
                    INDArray[] direct = outputAndGradient(net, x, y, mask, KernelPath.DIRECT);
                    INDArray[] portable = outputAndGradient(net, x, y, mask, KernelPath.PORTABLE);
                    relativeNorm(direct[0], portable[0], 1e-5, cell.id() + ", portable against direct kernels: output");
                    relativeNorm(
                            direct[1], portable[1], 1e-4, cell.id() + ", portable against direct kernels: gradient");
                }),
                KitCase.of(CellCheck.KERNEL_PATHS, "gradient check on the portable path", () -> {
                    onPath(KernelPath.PORTABLE, () -> {
                        MultiLayerNetwork net = GradientCases.network(
                                KitNetworks.layer(cell, KitNetworks.N_IN, KitNetworks.HIDDEN),
                                GradientCases.softmax(KitNetworks.HIDDEN, RNNFormat.NCW),
                                RNNFormat.NCW);
                        INDArray mask = KitNetworks.mask(Masking.PADDING_AT_END);
                        GradientCheck.multiLayer(
                                net,
                                KitNetworks.input(RNNFormat.NCW),
                                KitNetworks.oneHotLabels(),
                                mask,
                                mask,
                                cell.id() + " on the portable kernel path, " + Masking.PADDING_AT_END);
                    });
                }));
    }

    private static INDArray[] outputAndGradient(
            MultiLayerNetwork net, INDArray x, INDArray y, INDArray mask, KernelPath path) {
        INDArray[] result = new INDArray[2];
        onPath(path, () -> {
            result[0] = net.output(x, false, mask, mask).dup();
            net.setInput(x);
            net.setLabels(y);
            net.setLayerMaskArrays(mask, mask);
            net.computeGradientAndScore();
            result[1] = net.gradient().gradient().dup();
            net.clear();
        });
        return result;
    }

    /** Runs {@code body} on {@code path}, then returns to the path that was active. */
    static void onPath(KernelPath path, Runnable body) {
        KernelPath previous = KernelPath.active();
        KernelPath.use(path);
        try {
            body.run();
        } finally {
            KernelPath.use(previous);
        }
    }

    /** float32 against float64 at a size where every step's loop runs on several threads. */
    static List<KitCase> float32(CellType cell) {
        return List.of(KitCase.of(CellCheck.FLOAT32, "", () -> {
            int nIn = 16;
            int hidden = 96;
            int batch = 96;
            int steps = 6;
            MultiLayerNetwork doubles = withOutput(cell, nIn, hidden, DataType.DOUBLE);
            Nd4j.getRandom().setSeed(9);
            doubles.setParams(Nd4j.rand(DataType.DOUBLE, doubles.params().shape())
                    .subi(0.5)
                    .muli(0.6));
            MultiLayerNetwork floats = withOutput(cell, nIn, hidden, DataType.FLOAT);
            floats.setParams(doubles.params().castTo(DataType.FLOAT));

            INDArray x = Nd4j.rand(DataType.DOUBLE, batch, nIn, steps).subi(0.5);
            INDArray y = Nd4j.rand(DataType.DOUBLE, batch, 3, steps);
            INDArray mask = Nd4j.ones(DataType.DOUBLE, batch, steps);
            mask.get(interval(0, batch / 2), interval(steps - 2, steps)).assign(0);
            INDArray xf = x.castTo(DataType.FLOAT);
            INDArray maskf = mask.castTo(DataType.FLOAT);
            relativeNorm(
                    doubles.output(x, false, mask, mask),
                    floats.output(xf, false, maskf, maskf),
                    1e-4,
                    cell.id() + ", float32 against float64: output");

            doubles.setInput(x);
            doubles.setLabels(y);
            doubles.setLayerMaskArrays(mask, mask);
            doubles.computeGradientAndScore();
            floats.setInput(xf);
            floats.setLabels(y.castTo(DataType.FLOAT));
            floats.setLayerMaskArrays(maskf, maskf);
            floats.computeGradientAndScore();
            relativeNorm(
                    doubles.gradient().gradient(),
                    floats.gradient().gradient(),
                    1e-3,
                    cell.id() + ", float32 against float64: gradient");
        }));
    }

    private static MultiLayerNetwork withOutput(CellType cell, int nIn, int hidden, DataType type) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(5)
                .dataType(type)
                .updater(new NoOp())
                .list()
                .layer(KitNetworks.layer(cell, nIn, hidden))
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE)
                        .activation(Activation.IDENTITY)
                        .nIn(hidden)
                        .nOut(3)
                        .build())
                .build());
        net.init();
        return net;
    }

    /** {@code ‖actual − expected‖ / ‖expected‖ < relative}, with a reference that is not zero. */
    private static void relativeNorm(INDArray expected, INDArray actual, double relative, String what) {
        INDArray e = expected.castTo(DataType.DOUBLE);
        double error = e.sub(actual.castTo(DataType.DOUBLE)).norm2Number().doubleValue();
        double scale = Math.max(1e-12, e.norm2Number().doubleValue());
        Expect.that(scale > 1e-6, what + ": the reference is zero, the comparison would prove nothing");
        Expect.that(
                error / scale < relative, what + ": relative error " + error / scale + " (allowed " + relative + ")");
    }
}
