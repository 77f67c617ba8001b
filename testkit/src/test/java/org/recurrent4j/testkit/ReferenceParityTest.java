package org.recurrent4j.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.recurrent4j.cell.QrnnCell;
import org.recurrent4j.cell.StateEntry;
import org.recurrent4j.conf.CellType;
import org.recurrent4j.conf.OnLstm;
import org.recurrent4j.conf.Qrnn;
import org.recurrent4j.conf.RecurrentCellLayer;
import org.recurrent4j.layer.CellLoopLayer;
import org.recurrent4j.syntax.SyntacticDistance;

/**
 * Parity with an independent float64 reference (plain loops of each cell's equations, checked
 * against PyTorch's nn.RNN / nn.LSTM / nn.GRU where PyTorch has the cell): the reference's weights
 * are loaded by name, and outputs, final states and the gradients of a scalar loss with respect to
 * the input, every parameter and the initial states agree to 1e-10 (relative, floor 1), with and
 * without padding at either end, and at a size where the cells' loops run on all cores.
 */
@ExtendWith(DoublePrecision.class)
class ReferenceParityTest {

    private static final double TOLERANCE = 1e-10;
    private static final LayerWorkspaceMgr WS = LayerWorkspaceMgr.noWorkspaces();

    /** The reference's parameter names (PyTorch's) to ours. */
    private static final Map<String, String> KEYS =
            Map.of("W_ih", "Wih", "W_hh", "Whh", "b_ih", "bih", "b_hh", "bhh", "w_peep", "wpeep", "u", "u", "v", "v");

    static Stream<Arguments> cases() {
        List<String> parallel = List.of(
                "rnn_relu",
                "lstm_peephole",
                "lstm_coupled",
                "gru",
                "gru_reset_before",
                "indrnn",
                "qrnn_ifo_k3",
                "sru_feedback",
                "onlstm");
        return CellVariants.all().stream()
                .filter(v -> !v.id().equals("lstm_softsign_gates") && !v.id().equals("mgu"))
                .flatMap(v -> {
                    Stream<Arguments> base = Stream.of(Arguments.of(v, v.id()), Arguments.of(v, v.id() + "_masked"));
                    if (parallel.contains(v.id())) {
                        base = Stream.concat(base, Stream.of(Arguments.of(v, v.id() + "_parallel")));
                    }
                    // The SRU's identity highway (nIn = H), padded at either end.
                    if (v.id().startsWith("sru")) {
                        base = Stream.concat(base, Stream.of(Arguments.of(v, v.id() + "_identity")));
                    }
                    return base;
                });
    }

    static Stream<Arguments> tbpttCases() {
        return Stream.of(
                        "rnn_tanh",
                        "lstm_peephole",
                        "gru",
                        "gru_reset_before",
                        "indrnn",
                        "qrnn_fo_k2",
                        "sru_feedback",
                        "onlstm")
                .map(name -> Arguments.of(
                        CellVariants.all().stream()
                                .filter(v -> v.id().equals(name))
                                .findFirst()
                                .orElseThrow(),
                        "tbptt_" + name));
    }

    private static CellLoopLayer withReferenceWeights(CellType variant, Fixture f) {
        INDArray input = f.get("input");
        int nIn = (int) input.size(1);
        int hidden = f.get("hidden").getInt(0);
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE)
                .list()
                .layer(CellVariants.layer(variant, nIn, hidden))
                .build());
        net.init();
        net.initGradientsView();
        f.arrays().forEach((key, value) -> {
            if (key.startsWith("param_")) {
                net.setParam("0_" + KEYS.get(key.substring(6)), value);
            }
        });
        return (CellLoopLayer) net.getLayer(0);
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("cases")
    void outputsStatesAndGradientsMatchTheReference(CellType variant, String fixture) throws IOException {
        Fixture f = Fixture.load(fixture);
        CellLoopLayer layer = withReferenceWeights(variant, f);
        INDArray input = f.get("input");
        INDArray mask = f.has("mask") ? f.get("mask") : null;
        Map<String, INDArray> initial = new LinkedHashMap<>();
        for (StateEntry e : layer.stateEntries()) {
            if (e.initialInput()) {
                initial.put(e.name(), f.get(e.name() + "0"));
            }
        }

        if (f.has("output_zero_state")) {
            layer.setMaskArray(mask);
            layer.setInput(input, WS);
            assertClose(f.get("output_zero_state"), layer.activate(false, WS), fixture + ": output from zero state");
        }

        // From h0 (c0): output and final states, through the stored state of rnnTimeStep.
        layer.rnnClearPreviousState();
        layer.rnnSetPreviousState(initial);
        layer.setMaskArray(mask);
        assertClose(f.get("output"), layer.rnnTimeStep(input, WS), fixture + ": output from h0/c0");
        Map<String, INDArray> last = layer.rnnGetPreviousState();
        for (String name : initial.keySet()) {
            assertClose(f.get(name + "_n"), last.get(name), fixture + ": final " + name);
        }

        // Gradients of L = Σ output ⊙ R, from the same initial state given as an external one.
        layer.setInitialState(initial);
        layer.setMaskArray(mask);
        layer.setInput(input, WS);
        layer.activate(true, WS);
        INDArray r = Fixture.lossWeights(input.size(0), f.get("output").size(1), input.size(2));
        Pair<Gradient, INDArray> gradients = layer.backpropGradient(r, WS);
        assertClose(f.get("grad_input"), gradients.getSecond(), fixture + ": input gradient");
        gradients
                .getFirst()
                .gradientForVariable()
                .forEach((key, value) ->
                        assertClose(f.get("grad_" + referenceKey(key)), value, fixture + ": gradient of " + key));
        for (String name : initial.keySet()) {
            assertClose(
                    f.get("grad_" + name + "0"),
                    layer.getInitialStateGradient().get(name),
                    fixture + ": gradient of initial " + name);
        }
        layer.clearInitialState();
    }

    /**
     * Truncated BPTT, segment by segment from the carried state: each segment's gradients equal
     * the reference's exact truncated gradient (state detached where truncation starts).
     */
    @ParameterizedTest(name = "{1}")
    @MethodSource("tbpttCases")
    void truncatedGradientsMatchTheReference(CellType variant, String fixture) throws IOException {
        Fixture f = Fixture.load(fixture);
        CellLoopLayer layer = withReferenceWeights(variant, f);
        INDArray input = f.get("input");
        int forward = f.get("forward").getInt(0);
        int back = f.get("back").getInt(0);
        int steps = (int) input.size(2);
        int hidden = f.get("hidden").getInt(0);
        INDArray r = Fixture.lossWeights(input.size(0), hidden, steps);
        layer.rnnClearPreviousState();
        for (int start = 0, seg = 0; start < steps; start += forward, seg++) {
            int end = Math.min(steps, start + forward);
            INDArray segment = input.get(all(), all(), interval(start, end)).dup();
            layer.rnnActivateUsingStoredState(segment, true, true, WS);
            INDArray epsilon = r.get(all(), all(), interval(start, end)).dup();
            Pair<Gradient, INDArray> g = layer.tbpttBackpropGradient(epsilon, back, WS);
            String prefix = "grad_seg" + seg + "_";
            assertClose(f.get(prefix + "input"), g.getSecond(), fixture + " segment " + seg + ": input gradient");
            for (Map.Entry<String, INDArray> e :
                    g.getFirst().gradientForVariable().entrySet()) {
                assertClose(
                        f.get(prefix + referenceKey(e.getKey())),
                        e.getValue(),
                        fixture + " segment " + seg + ": gradient of " + e.getKey());
            }
        }
    }

    static Stream<Arguments> inferenceCases() {
        return Stream.of(
                Arguments.of(
                        "qrnn_fo_k2_zoneout_inference",
                        new Qrnn.Builder().nIn(3).nOut(4).window(2).zoneout(0.3).build()),
                Arguments.of(
                        "qrnn_ifo_k3_zoneout_inference",
                        new Qrnn.Builder()
                                .nIn(3)
                                .nOut(4)
                                .window(3)
                                .pooling(QrnnCell.Pooling.IFO)
                                .zoneout(0.3)
                                .build()),
                Arguments.of(
                        "onlstm_dropconnect_inference",
                        new OnLstm.Builder()
                                .nIn(3)
                                .nOut(4)
                                .chunkSize(2)
                                .dropConnect(0.25)
                                .build()));
    }

    /** At inference, zoneout and DropConnect act by their expectation, as in the authors' code. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("inferenceCases")
    void inferenceUsesTheExpectationOfZoneoutAndDropConnect(String fixture, RecurrentCellLayer conf)
            throws IOException {
        Fixture f = Fixture.load(fixture);
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE)
                .list()
                .layer(conf)
                .build());
        net.init();
        f.arrays().forEach((key, value) -> {
            if (key.startsWith("param_")) {
                net.setParam("0_" + KEYS.get(key.substring(6)), value);
            }
        });
        assertClose(f.get("output_zero_state"), net.output(f.get("input")), fixture);
    }

    /** ON-LSTM's syntactic distance, from the layer's input and output, equals the reference's. */
    @Test
    void onLstmSyntacticDistanceMatchesTheReference() throws IOException {
        CellType variant = CellVariants.all().stream()
                .filter(v -> v.id().equals("onlstm"))
                .findFirst()
                .orElseThrow();
        Fixture f = Fixture.load("onlstm");
        CellLoopLayer layer = withReferenceWeights(variant, f);
        INDArray input = f.get("input");
        layer.setInput(input, WS);
        INDArray output = layer.activate(false, WS);
        double[][] distances = SyntacticDistance.compute((OnLstm) layer.layerConf(), layer.paramTable(), input, output);
        assertClose(f.get("distance"), Nd4j.createFromArray(distances), "syntactic distance");
    }

    private static String referenceKey(String ours) {
        return KEYS.entrySet().stream()
                .filter(e -> e.getValue().equals(ours))
                .findFirst()
                .orElseThrow()
                .getKey();
    }

    static void assertClose(INDArray expected, INDArray actual, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        INDArray scale = Transforms.max(Transforms.abs(expected), 1.0);
        double worst = Transforms.abs(actual.castTo(DataType.DOUBLE).sub(expected))
                .div(scale)
                .maxNumber()
                .doubleValue();
        assertTrue(worst <= TOLERANCE, what + ": max relative error " + worst);
    }
}
