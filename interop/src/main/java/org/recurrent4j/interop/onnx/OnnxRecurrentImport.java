package org.recurrent4j.interop.onnx;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import onnx.Onnx;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.conf.graph.SubsetVertex;
import org.deeplearning4j.nn.conf.graph.rnn.LastTimeStepVertex;
import org.deeplearning4j.nn.conf.graph.rnn.ReverseTimeSeriesVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.recurrent4j.conf.Gru;
import org.recurrent4j.conf.Lstm;
import org.recurrent4j.conf.RecurrentCellLayer;
import org.recurrent4j.conf.RecurrentWithInitialState;
import org.recurrent4j.conf.Rnn;
import org.recurrent4j.interop.ImportedLayer;
import org.recurrent4j.interop.ImportedModel;
import org.recurrent4j.interop.InteropException;
import org.recurrent4j.interop.RecurrentKind;

/**
 * The {@code RNN}, {@code LSTM} and {@code GRU} nodes of an ONNX model onto a {@link
 * ComputationGraph} of recurrent4j layers: one layer per node and direction, the reverse direction
 * between two mask-aware {@code ReverseTimeSeriesVertex}es, the directions concatenated as ONNX
 * orders them; {@code Y_h} read with mask-aware {@code LastTimeStepVertex}es.
 *
 * <p>Imported: {@code direction} forward, reverse and bidirectional; {@code layout} 0 and 1;
 * {@code sequence_lens} (a graph input: give the network a feature mask {@code [B, T]}, 1 for the
 * steps before each length); {@code initial_h}, {@code initial_c} (graph inputs: the network takes
 * them as {@code [B, D·H]}, i.e. ONNX's {@code [D, B, H]} permuted to {@code [B, D, H]} and
 * flattened; zeros computed by the graph count as none); {@code B} (absent: zero); LSTM
 * peepholes {@code P}; GRU {@code linear_before_reset} 1 ({@code Gru} as PyTorch) and 0 ({@code
 * resetAfter(false)}); the default activations (RNN: Tanh, or Relu; LSTM: Sigmoid, Tanh, Tanh; GRU:
 * Sigmoid, Tanh). Refused, naming the node and the attribute: other activations, {@code clip},
 * {@code input_forget}. Weights may be initializers or {@code Constant}s, or graph inputs given
 * values with {@link #bind} (as ONNX's operator test data has them). The layout operators
 * exporters put around the nodes (PyTorch's {@code Transpose}/{@code Reshape} between layers,
 * {@code ConstantOfShape} zero states) are evaluated on tagged probes ({@link LayoutOps}): each
 * node's input must be a transposition of the graph input or the concatenated directions of an
 * earlier node's {@code Y}, each graph output a layout of a node's {@code Y} or of final states
 * ({@link OnnxLayout}); anything else is refused.
 *
 * <p>Gate blocks: ONNX's LSTM {@code [i, o, f, c]} become {@code [i, f, g, o]}, GRU {@code [z, r,
 * h]} become {@code [r, z, n]}, {@code B = [Wb; Rb]} becomes {@code bih, bhh}, {@code P = [i, o, f]}
 * becomes {@code wpeep = (i, f, o)}.
 *
 * <pre>{@code
 * OnnxRecurrentImport.Result r = new OnnxRecurrentImport(Path.of("gru.onnx")).build();
 * INDArray x = onnxInput.permute(r.inputPermutation());         // to [B, F, T]
 * INDArray y = r.model().graph().outputSingle(x);                // [B, D·H, T]
 * INDArray asOnnx = r.outputs().get("y").layout().fromNetwork(y, r.outputs().get("y").units());
 * }</pre>
 */
public final class OnnxRecurrentImport {

    /**
     * An imported ONNX model and how its interface maps onto the network's.
     *
     * @param input the ONNX graph input the network reads
     * @param inputPermutation the axes of that input that are batch, features, time: the network
     *     reads {@code onnxInput.permute(inputPermutation)}
     * @param mask the graph input holding {@code sequence_lens}, or null: the network then takes a
     *     feature mask in its place
     * @param stateInputs the graph inputs of initial states and their ONNX layouts; the network
     *     takes each as {@code [B, D·H]} ({@link OnnxLayout#stateToNetwork})
     * @param outputs the graph outputs the network gives, by ONNX name (the network's output
     *     vertices have the same names, sanitized)
     */
    public record Result(
            ImportedModel model,
            String input,
            int[] inputPermutation,
            String mask,
            Map<String, OnnxLayout> stateInputs,
            Map<String, Output> outputs) {}

    /** An output: its ONNX layout and the hidden size of its blocks. */
    public record Output(String vertex, OnnxLayout layout, long units) {}

    private static final Set<String> RECURRENT = Set.of("RNN", "LSTM", "GRU");

    private final Path file;
    private final Map<String, INDArray> bound = new HashMap<>();

    public OnnxRecurrentImport(Path file) {
        this.file = file;
    }

    /** Gives a graph input a constant value (weights that the model takes as inputs). */
    public OnnxRecurrentImport bind(String input, INDArray value) {
        bound.put(input, value);
        return this;
    }

    /** A recurrent node as planned: its weights per direction and where its input comes from. */
    private record Plan(
            String node,
            RecurrentKind kind,
            long in,
            long hidden,
            boolean[] reverse,
            boolean resetAfter,
            boolean relu,
            INDArray[][] weights,
            String source,
            String initialH,
            String initialC) {}

    /** Reads the file and builds the network. */
    public Result build() throws IOException {
        Onnx.ModelProto model = OnnxTensors.readModel(file);
        Onnx.GraphProto graph = model.getGraph();
        LayoutOps ops = new LayoutOps(file, graph);
        bound.forEach(ops::define);
        // Weights are evaluated apart, with no graph input given a value: one computed from data has none.
        LayoutOps constants = new LayoutOps(file, graph);
        bound.forEach(constants::define);
        Set<String> initializerNames = new HashSet<>();
        graph.getInitializerList().forEach(t -> initializerNames.add(t.getName()));
        List<Onnx.NodeProto> recurrent = graph.getNodeList().stream()
                .filter(n -> RECURRENT.contains(n.getOpType()))
                .toList();
        if (recurrent.isEmpty()) {
            throw InteropException.in(
                    file,
                    "no RNN, LSTM or GRU node (node types: "
                            + graph.getNodeList().stream()
                                    .map(Onnx.NodeProto::getOpType)
                                    .distinct()
                                    .toList() + ")");
        }
        Set<String> stateOrMask = new HashSet<>();
        for (Onnx.NodeProto n : recurrent) {
            for (int i = 4; i < n.getInputCount(); i++) {
                stateOrMask.add(n.getInput(i));
            }
        }
        Map<String, Onnx.ValueInfoProto> dataInputs = new LinkedHashMap<>();
        for (Onnx.ValueInfoProto in : graph.getInputList()) {
            if (!initializerNames.contains(in.getName()) && !bound.containsKey(in.getName())) {
                dataInputs.put(in.getName(), in);
            }
        }
        // Tagged probes for the sequence inputs: distinct positive values, so that a layout path can be read off.
        Map<String, INDArray> probes = new LinkedHashMap<>();
        double base = 0;
        for (Onnx.ValueInfoProto in : dataInputs.values()) {
            if (stateOrMask.contains(in.getName())) {
                continue;
            }
            INDArray probe = tags(probeShape(in), base);
            base += probe.length() + 1000;
            probes.put(in.getName(), probe);
            ops.define(in.getName(), probe);
        }

        String input = null;
        int[] permutation = null;
        String mask = null;
        Map<String, OnnxLayout> stateLayouts = new LinkedHashMap<>();
        List<Plan> plans = new ArrayList<>();
        Map<String, INDArray> canonicalY = new LinkedHashMap<>();
        Map<String, INDArray> canonicalYh = new LinkedHashMap<>();
        Map<String, INDArray> canonicalYc = new LinkedHashMap<>();
        DataType type = null;
        for (int k = 0; k < recurrent.size(); k++) {
            Onnx.NodeProto n = recurrent.get(k);
            String where = "node " + LayoutOps.nodeName(n) + " (" + n.getOpType() + ")";
            Map<String, Onnx.AttributeProto> attrs = new HashMap<>();
            n.getAttributeList().forEach(a -> attrs.put(a.getName(), a));
            RecurrentKind kind = RecurrentKind.valueOf(n.getOpType());
            String direction = attrs.containsKey("direction")
                    ? attrs.get("direction").getS().toStringUtf8()
                    : "forward";
            boolean[] reverse =
                    switch (direction) {
                        case "forward" -> new boolean[] {false};
                        case "reverse" -> new boolean[] {true};
                        case "bidirectional" -> new boolean[] {false, true};
                        default -> throw InteropException.at(
                                file, where, "direction '" + direction + "' (forward, reverse, bidirectional)");
                    };
            int d = reverse.length;
            int layout = attrs.containsKey("layout") ? (int) attrs.get("layout").getI() : 0;
            if (layout != 0 && layout != 1) {
                throw InteropException.at(file, where, "layout " + layout + " (0 or 1)");
            }
            for (String refused : new String[] {"clip", "activation_alpha", "activation_beta"}) {
                if (attrs.containsKey(refused)) {
                    throw InteropException.at(
                            file,
                            where + ", attribute " + refused,
                            "is not supported (recurrent4j's cells do not clip, and use the default activations)");
                }
            }
            if (attrs.containsKey("input_forget") && attrs.get("input_forget").getI() != 0) {
                throw InteropException.at(file, where + ", attribute input_forget", "input_forget=1 is not supported");
            }
            boolean relu = activations(kind, attrs.get("activations"), d, where);
            boolean resetAfter = kind == RecurrentKind.GRU
                    && attrs.containsKey("linear_before_reset")
                    && attrs.get("linear_before_reset").getI() != 0;
            INDArray w = weight(constants, n, 1, "W", where);
            INDArray r = weight(constants, n, 2, "R", where);
            type = type == null ? (w.dataType() == DataType.DOUBLE ? DataType.DOUBLE : DataType.FLOAT) : type;
            int g = kind.gates();
            if (r.rank() != 3 || r.size(0) != d || r.size(1) % g != 0 || r.size(1) / g != r.size(2)) {
                throw InteropException.at(
                        file,
                        where + ", input R",
                        "shape " + Arrays.toString(r.shape()) + ", expected [" + d + ", " + g + "·H, H]");
            }
            long h = r.size(2);
            if (attrs.containsKey("hidden_size") && attrs.get("hidden_size").getI() != h) {
                throw InteropException.at(
                        file,
                        where + ", attribute hidden_size",
                        attrs.get("hidden_size").getI() + ", but R has H = " + h);
            }
            if (w.rank() != 3 || w.size(0) != d || w.size(1) != g * h) {
                throw InteropException.at(
                        file,
                        where + ", input W",
                        "shape " + Arrays.toString(w.shape()) + ", expected [" + d + ", " + g * h + ", input size]");
            }
            long f = w.size(2);
            INDArray b = optionalWeight(constants, n, 3, "B", where, d, 2 * g * h);
            INDArray p = kind == RecurrentKind.LSTM ? optionalWeight(constants, n, 7, "P", where, d, 3 * h) : null;

            // The node's input: a transposition of a graph input, or an earlier node's Y.
            INDArray x = ops.value(n.getInput(0));
            if (x.rank() != 3 || x.size(2) != f) {
                throw InteropException.at(
                        file,
                        where + ", input X",
                        "shape " + Arrays.toString(x.shape()) + " does not end in W's input size " + f);
            }
            String source = null;
            for (Map.Entry<String, INDArray> e : canonicalY.entrySet()) {
                if (sameValues(x, asNodeInput(e.getValue(), layout))) {
                    source = e.getKey();
                }
            }
            if (source == null) {
                for (Map.Entry<String, INDArray> e : probes.entrySet()) {
                    int[] perm = inputPermutation(e.getValue(), x, layout);
                    if (perm != null) {
                        if (input != null && (!input.equals(e.getKey()) || !Arrays.equals(perm, permutation))) {
                            throw InteropException.at(
                                    file,
                                    where,
                                    "reads graph input " + e.getKey() + " in another layout than an earlier node reads "
                                            + input + " (the network has one sequence input)");
                        }
                        input = e.getKey();
                        permutation = perm;
                        source = "";
                    }
                }
            }
            if (source == null) {
                throw InteropException.at(
                        file,
                        where + ", input X",
                        "is neither a transposition of a graph input nor the directions of an earlier node's Y joined");
            }
            // sequence_lens and initial states.
            String lens = optionalName(n, 4);
            if (lens != null) {
                if (!dataInputs.containsKey(lens)) {
                    throw InteropException.at(
                            file,
                            where + ", input sequence_lens",
                            "must be a graph input (the network takes it as a mask)");
                }
                if (mask != null && !mask.equals(lens)) {
                    throw InteropException.at(
                            file, where + ", input sequence_lens", "differs from another node's (" + mask + ")");
                }
                mask = lens;
            }
            String initialH = stateInput(ops, n, 5, "initial_h", where, dataInputs, stateLayouts, layout);
            String initialC = kind == RecurrentKind.LSTM
                    ? stateInput(ops, n, 6, "initial_c", where, dataInputs, stateLayouts, layout)
                    : null;
            if ((initialH == null) != (initialC == null) && kind == RecurrentKind.LSTM) {
                throw InteropException.at(
                        file,
                        where,
                        "has only one of initial_h and initial_c as a graph input (give both, or neither)");
            }
            // Tagged outputs for the layout paths downstream.
            long tSteps = layout == 0 ? x.size(0) : x.size(1);
            long batch = layout == 0 ? x.size(1) : x.size(0);
            INDArray canonical = tags(new long[] {batch, d * h, tSteps}, base);
            base += canonical.length() + 1000;
            INDArray finalH = tags(new long[] {batch, d * h}, base);
            base += finalH.length() + 1000;
            INDArray finalC = tags(new long[] {batch, d * h}, base);
            base += finalC.length() + 1000;
            String name = "n" + k;
            canonicalY.put(name, canonical);
            canonicalYh.put(name, finalH);
            canonicalYc.put(name, finalC);
            defineOutput(
                    ops, n, 0, layout == 0 ? OnnxLayout.SEQUENCE_T_D_B_H : OnnxLayout.SEQUENCE_B_T_D_H, canonical, h);
            defineOutput(ops, n, 1, layout == 0 ? OnnxLayout.STATE_N_B_H : OnnxLayout.STATE_B_N_H, finalH, h);
            defineOutput(ops, n, 2, layout == 0 ? OnnxLayout.STATE_N_B_H : OnnxLayout.STATE_B_N_H, finalC, h);

            INDArray[][] weights = new INDArray[d][];
            for (int dir = 0; dir < d; dir++) {
                int[] blocks =
                        switch (kind) {
                            case LSTM -> new int[] {0, 2, 3, 1};
                            case GRU -> new int[] {1, 0, 2};
                            case RNN -> new int[] {0};
                        };
                INDArray bias =
                        b == null ? Nd4j.zeros(type, 2 * g * h) : b.get(NDArrayIndex.point(dir), NDArrayIndex.all());
                weights[dir] = new INDArray[] {
                    blocks(w.get(NDArrayIndex.point(dir), NDArrayIndex.all(), NDArrayIndex.all()), blocks, h, type),
                    blocks(r.get(NDArrayIndex.point(dir), NDArrayIndex.all(), NDArrayIndex.all()), blocks, h, type),
                    blocks(bias.get(NDArrayIndex.interval(0, g * h)), blocks, h, type),
                    blocks(bias.get(NDArrayIndex.interval(g * h, 2 * g * h)), blocks, h, type),
                    p == null
                            ? null
                            : blocks(p.get(NDArrayIndex.point(dir), NDArrayIndex.all()), new int[] {0, 2, 1}, h, type)
                };
            }
            plans.add(new Plan(
                    LayoutOps.nodeName(n), kind, f, h, reverse, resetAfter, relu, weights, source, initialH, initialC));
        }

        // Graph outputs: layouts of a node's Y, or of final states.
        Map<String, Output> outputs = new LinkedHashMap<>();
        Map<String, List<String>> stateOutputs = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        Set<String> yhUsed = new HashSet<>();
        for (Onnx.ValueInfoProto out : graph.getOutputList()) {
            String outName = out.getName();
            INDArray v = ops.value(outName);
            Output found = null;
            for (Plan plan : plans) {
                String node = "n" + plans.indexOf(plan);
                for (OnnxLayout l : OnnxLayout.values()) {
                    if (l.isSequence() && sameValues(v, l.fromNetwork(canonicalY.get(node), plan.hidden()))) {
                        found = new Output(node + "Y", l, plan.hidden());
                    }
                }
            }
            if (found == null) {
                List<String> nodes = statesIn(v, canonicalYh);
                if (!nodes.isEmpty()) {
                    INDArray joined =
                            Nd4j.concat(1, nodes.stream().map(canonicalYh::get).toArray(INDArray[]::new));
                    long units = plans.get(Integer.parseInt(nodes.get(0).substring(1)))
                            .hidden();
                    for (OnnxLayout l : new OnnxLayout[] {OnnxLayout.STATE_N_B_H, OnnxLayout.STATE_B_N_H}) {
                        if (sameValues(v, l.fromNetwork(joined, units))) {
                            found = new Output(String.join("+", nodes), l, units);
                            stateOutputs.put(outName, nodes);
                            yhUsed.addAll(nodes);
                        }
                    }
                }
            }
            if (found == null && !statesIn(v, canonicalYc).isEmpty()) {
                notes.add("output " + outName + " (an LSTM's final cell state Y_c) is not an output of the network: "
                        + "run it with rnnTimeStep and read the state \"c\" with rnnGetPreviousState");
                continue;
            }
            if (found == null) {
                throw InteropException.at(
                        file, "graph output " + outName, "is not a layout of a recurrent node's Y or Y_h");
            }
            outputs.put(outName, found);
        }
        if (outputs.isEmpty()) {
            throw InteropException.in(file, "no graph output the network can give");
        }
        List<String> stateInputs = List.copyOf(stateLayouts.keySet());
        ComputationGraph net = graph(
                plans,
                input,
                probes.get(input).size(permutation[1]),
                mask != null,
                stateInputs,
                outputs,
                stateOutputs,
                yhUsed,
                type);
        if (mask != null) {
            notes.add("sequence_lens (" + mask
                    + "): give the network a feature mask [batch, time], 1 before each sequence's length, 0 after");
        }
        for (String s : stateInputs) {
            notes.add("initial state " + s + ": the network takes it as [batch, directions·hidden] (ONNX's "
                    + (stateLayouts.get(s) == OnnxLayout.STATE_N_B_H ? "[D, B, H] permuted to [B, D, H]" : "[B, D, H]")
                    + " and flattened)");
        }
        notes.add("input " + input + ": the network reads it permuted by " + Arrays.toString(permutation)
                + " to [batch, features, time]");
        List<ImportedLayer> layers = new ArrayList<>();
        for (Plan plan : plans) {
            String became = plan.kind().describe(plan.in(), plan.hidden())
                    + (plan.kind() == RecurrentKind.GRU
                            ? (plan.resetAfter() ? " (reset after)" : " (resetAfter false)")
                            : "")
                    + (plan.weights()[0][4] != null ? " (peephole)" : "");
            String dirs = plan.reverse().length == 2
                    ? "forward + reverse, concatenated"
                    : plan.reverse()[0] ? "reverse" : "forward";
            long count = 0;
            for (INDArray[] wd : plan.weights()) {
                for (INDArray a : wd) {
                    count += a == null ? 0 : a.length();
                }
            }
            layers.add(new ImportedLayer(
                    plan.node(), plan.kind() + " " + dirs, became + " × " + plan.reverse().length, count));
        }
        return new Result(new ImportedModel(net, layers, notes), input, permutation, mask, stateLayouts, outputs);
    }

    private ComputationGraph graph(
            List<Plan> plans,
            String input,
            long features,
            boolean masked,
            List<String> stateInputs,
            Map<String, Output> outputs,
            Map<String, List<String>> stateOutputs,
            Set<String> yhUsed,
            DataType type) {
        String in = sanitize(input);
        ComputationGraphConfiguration.GraphBuilder gb =
                new NeuralNetConfiguration.Builder().dataType(type).graphBuilder();
        Set<String> yUsed = new HashSet<>();
        plans.forEach(p -> yUsed.add(p.source()));
        outputs.values().stream()
                .filter(o -> o.layout().isSequence())
                .forEach(o -> yUsed.add(o.vertex().substring(0, o.vertex().length() - 1)));
        List<String> inputs = new ArrayList<>();
        inputs.add(in);
        stateInputs.forEach(s -> inputs.add(sanitize(s)));
        gb.addInputs(inputs.toArray(String[]::new));
        InputType[] types = new InputType[inputs.size()];
        types[0] = InputType.recurrent(features);
        for (int k = 0; k < plans.size(); k++) {
            Plan plan = plans.get(k);
            String node = "n" + k;
            String source = plan.source().isEmpty() ? in : plan.source() + "Y";
            List<String> outs = new ArrayList<>();
            List<String> lasts = new ArrayList<>();
            for (int dir = 0; dir < plan.reverse().length; dir++) {
                boolean rev = plan.reverse()[dir];
                String layerName = node + (rev ? "_reverse" : "_forward");
                String from = source;
                if (rev) {
                    from = layerName + "In";
                    gb.addVertex(
                            from, masked ? new ReverseTimeSeriesVertex(in) : new ReverseTimeSeriesVertex(), source);
                }
                RecurrentCellLayer layer = layer(plan);
                if (plan.initialH() != null) {
                    List<String> states = new ArrayList<>();
                    for (String s : plan.kind() == RecurrentKind.LSTM
                            ? List.of(plan.initialH(), plan.initialC())
                            : List.of(plan.initialH())) {
                        int idx = stateInputs.indexOf(s) + 1;
                        types[idx] = InputType.feedForward(plan.reverse().length * plan.hidden());
                        String sub = layerName + "State" + states.size();
                        gb.addVertex(
                                sub,
                                new SubsetVertex((int) (dir * plan.hidden()), (int) ((dir + 1) * plan.hidden() - 1)),
                                sanitize(s));
                        states.add(sub);
                    }
                    RecurrentWithInitialState.addTo(gb, layerName, layer, from, states.toArray(String[]::new));
                } else {
                    gb.addLayer(layerName, layer, from);
                }
                String out = layerName;
                if (rev && yUsed.contains(node)) {
                    out = layerName + "Out";
                    gb.addVertex(
                            out, masked ? new ReverseTimeSeriesVertex(in) : new ReverseTimeSeriesVertex(), layerName);
                }
                outs.add(out);
                if (yhUsed.contains(node)) {
                    gb.addVertex(layerName + "Last", new LastTimeStepVertex(in), layerName);
                    lasts.add(layerName + "Last");
                }
            }
            if (yUsed.contains(node)) {
                gb.addVertex(
                        node + "Y",
                        outs.size() == 1 ? new ScaleVertex(1.0) : new MergeVertex(),
                        outs.toArray(String[]::new));
            }
            if (!lasts.isEmpty()) {
                gb.addVertex(
                        node + "Yh",
                        lasts.size() == 1 ? new ScaleVertex(1.0) : new MergeVertex(),
                        lasts.toArray(String[]::new));
            }
        }
        List<String> outNames = new ArrayList<>();
        for (Map.Entry<String, Output> e : outputs.entrySet()) {
            String name = "out_" + sanitize(e.getKey());
            if (e.getValue().layout().isSequence()) {
                gb.addVertex(name, new ScaleVertex(1.0), e.getValue().vertex());
            } else {
                String[] parts =
                        stateOutputs.get(e.getKey()).stream().map(s -> s + "Yh").toArray(String[]::new);
                gb.addVertex(name, parts.length == 1 ? new ScaleVertex(1.0) : new MergeVertex(), parts);
            }
            outNames.add(name);
            e.setValue(new Output(name, e.getValue().layout(), e.getValue().units()));
        }
        gb.setOutputs(outNames.toArray(String[]::new));
        gb.setInputTypes(types);
        ComputationGraph net = new ComputationGraph(gb.build());
        net.init();
        for (int k = 0; k < plans.size(); k++) {
            Plan plan = plans.get(k);
            for (int dir = 0; dir < plan.reverse().length; dir++) {
                String layerName = "n" + k + (plan.reverse()[dir] ? "_reverse" : "_forward");
                INDArray[] wd = plan.weights()[dir];
                String[] keys = {"Wih", "Whh", "bih", "bhh", "wpeep"};
                for (int i = 0; i < keys.length; i++) {
                    if (wd[i] != null) {
                        INDArray target = net.getLayer(layerName).getParam(keys[i]);
                        target.assign(wd[i].reshape(target.shape()));
                    }
                }
            }
        }
        return net;
    }

    private static RecurrentCellLayer layer(Plan plan) {
        return switch (plan.kind()) {
            case RNN -> new Rnn.Builder()
                    .nIn(plan.in())
                    .nOut(plan.hidden())
                    .activation(plan.relu() ? Activation.RELU : Activation.TANH)
                    .dataFormat(RNNFormat.NCW)
                    .build();
            case LSTM -> new Lstm.Builder()
                    .nIn(plan.in())
                    .nOut(plan.hidden())
                    .peephole(plan.weights()[0][4] != null)
                    .dataFormat(RNNFormat.NCW)
                    .build();
            case GRU -> new Gru.Builder()
                    .nIn(plan.in())
                    .nOut(plan.hidden())
                    .resetAfter(plan.resetAfter())
                    .dataFormat(RNNFormat.NCW)
                    .build();
        };
    }

    static String sanitize(String onnxName) {
        return onnxName.replaceAll("[^A-Za-z0-9.-]", "-");
    }

    /** RNN: true for Relu; refuses anything but the defaults. */
    private boolean activations(RecurrentKind kind, Onnx.AttributeProto attr, int directions, String where)
            throws InteropException {
        if (attr == null) {
            return false;
        }
        List<String> given = attr.getStringsList().stream()
                .map(s -> s.toString(StandardCharsets.UTF_8).toLowerCase(Locale.ROOT))
                .toList();
        List<String> defaults =
                switch (kind) {
                    case RNN -> List.of("tanh");
                    case LSTM -> List.of("sigmoid", "tanh", "tanh");
                    case GRU -> List.of("sigmoid", "tanh");
                };
        List<String> expected = new ArrayList<>();
        List<String> relu = new ArrayList<>();
        for (int i = 0; i < directions; i++) {
            expected.addAll(defaults);
            relu.add("relu");
        }
        if (given.equals(expected)) {
            return false;
        }
        if (kind == RecurrentKind.RNN && given.equals(relu)) {
            return true;
        }
        throw InteropException.at(
                file,
                where + ", attribute activations",
                given + " is not supported: only the defaults " + expected
                        + (kind == RecurrentKind.RNN ? " (or Relu)" : "") + " map onto recurrent4j's layers");
    }

    private INDArray weight(LayoutOps ops, Onnx.NodeProto n, int index, String what, String where)
            throws InteropException {
        String name = optionalName(n, index);
        if (name == null) {
            throw InteropException.at(file, where, "has no input " + what);
        }
        INDArray v = constant(ops, name, what, where);
        if (!v.dataType().isFPType()) {
            throw InteropException.at(file, where + ", input " + what, "is " + v.dataType() + ", not floating point");
        }
        return v;
    }

    private INDArray constant(LayoutOps ops, String name, String what, String where) throws InteropException {
        try {
            return ops.value(name);
        } catch (InteropException e) {
            throw InteropException.at(
                    file,
                    where + ", input " + what + " (" + name + ")",
                    "has no constant value: weights must be initializers or Constant nodes (or be given with bind)");
        }
    }

    private INDArray optionalWeight(
            LayoutOps ops, Onnx.NodeProto n, int index, String what, String where, long d, long size)
            throws InteropException {
        String name = optionalName(n, index);
        if (name == null) {
            return null;
        }
        INDArray v = constant(ops, name, what, where);
        if (v.rank() != 2 || v.size(0) != d || v.size(1) != size) {
            throw InteropException.at(
                    file,
                    where + ", input " + what,
                    "shape " + Arrays.toString(v.shape()) + ", expected [" + d + ", " + size + "]");
        }
        return v;
    }

    private static String optionalName(Onnx.NodeProto n, int index) {
        return index < n.getInputCount() && !n.getInput(index).isEmpty() ? n.getInput(index) : null;
    }

    private String stateInput(
            LayoutOps ops,
            Onnx.NodeProto n,
            int index,
            String what,
            String where,
            Map<String, Onnx.ValueInfoProto> dataInputs,
            Map<String, OnnxLayout> stateLayouts,
            int layout)
            throws InteropException {
        String name = optionalName(n, index);
        if (name == null) {
            return null;
        }
        if (dataInputs.containsKey(name)) {
            OnnxLayout l = layout == 0 ? OnnxLayout.STATE_N_B_H : OnnxLayout.STATE_B_N_H;
            if (stateLayouts.containsKey(name) && stateLayouts.get(name) != l) {
                throw InteropException.at(
                        file, where + ", input " + what, "graph input " + name + " is read in two layouts");
            }
            stateLayouts.put(name, l);
            return name;
        }
        INDArray v = ops.value(name);
        if (v.castTo(DataType.DOUBLE).amaxNumber().doubleValue() != 0) {
            throw InteropException.at(
                    file, where + ", input " + what, "is computed by the graph and not zero: give it as a graph input");
        }
        return null;
    }

    private void defineOutput(
            LayoutOps ops, Onnx.NodeProto n, int index, OnnxLayout layout, INDArray canonical, long h) {
        if (index < n.getOutputCount() && !n.getOutput(index).isEmpty()) {
            ops.define(n.getOutput(index), layout.fromNetwork(canonical, h).dup('c'));
        }
    }

    private static INDArray blocks(INDArray a, int[] order, long h, DataType type) {
        INDArray[] parts = new INDArray[order.length];
        for (int i = 0; i < order.length; i++) {
            parts[i] = a.get(NDArrayIndex.interval(order[i] * h, (order[i] + 1) * h))
                    .castTo(type);
        }
        return order.length == 1 ? parts[0].dup('c') : Nd4j.concat(0, parts).dup('c');
    }

    /** Distinct positive tags 1 + base, 2 + base, … in C order. */
    private static INDArray tags(long[] shape, double base) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        return Nd4j.linspace(base + 1, base + n, n, DataType.DOUBLE).reshape('c', shape);
    }

    private long[] probeShape(Onnx.ValueInfoProto in) throws InteropException {
        if (!in.getType().hasTensorType() || !in.getType().getTensorType().hasShape()) {
            throw InteropException.at(file, "graph input " + in.getName(), "has no tensor shape");
        }
        List<Onnx.TensorShapeProto.Dimension> dims =
                in.getType().getTensorType().getShape().getDimList();
        long[] shape = new long[dims.size()];
        long[] probeSizes = {2, 3, 5, 7, 11, 13};
        int next = 0;
        for (int i = 0; i < shape.length; i++) {
            Onnx.TensorShapeProto.Dimension dim = dims.get(i);
            if (dim.hasDimValue() && dim.getDimValue() > 0) {
                shape[i] = dim.getDimValue();
            } else {
                shape[i] = probeSizes[Math.min(next++, probeSizes.length - 1)];
            }
        }
        long count = org.recurrent4j.interop.ElementType.count(shape);
        if (count < 0 || count > 1 << 24) {
            throw InteropException.at(
                    file, "graph input " + in.getName(), "shape " + Arrays.toString(shape) + " is too large to probe");
        }
        return shape;
    }

    /** The node input a canonical [B, F, T] value gives in a node's layout. */
    private static INDArray asNodeInput(INDArray canonical, int layout) {
        return layout == 0 ? canonical.permute(2, 0, 1) : canonical.permute(0, 2, 1);
    }

    /** The permutation of {@code probe}'s axes to [B, F, T] that gives {@code x}, or null. */
    private static int[] inputPermutation(INDArray probe, INDArray x, int layout) {
        if (probe.rank() != 3) {
            return null;
        }
        int[][] perms = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
        for (int[] p : perms) {
            if (sameValues(x, asNodeInput(probe.permute(p), layout))) {
                return p;
            }
        }
        return null;
    }

    /** The nodes whose final-state tags make up {@code v}, in the order they first appear; empty if any value is not such a tag. */
    private static List<String> statesIn(INDArray v, Map<String, INDArray> states) {
        double[] values = v.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        List<String> nodes = new ArrayList<>();
        for (double value : values) {
            String owner = null;
            for (Map.Entry<String, INDArray> e : states.entrySet()) {
                double lo = e.getValue().getDouble(0);
                if (value >= lo && value < lo + e.getValue().length()) {
                    owner = e.getKey();
                }
            }
            if (owner == null) {
                return List.of();
            }
            if (!nodes.contains(owner)) {
                nodes.add(owner);
            }
        }
        return nodes;
    }

    private static boolean sameValues(INDArray a, INDArray b) {
        return Arrays.equals(a.shape(), b.shape())
                && Arrays.equals(
                        a.castTo(DataType.DOUBLE).dup('c').data().asDouble(),
                        b.castTo(DataType.DOUBLE).dup('c').data().asDouble());
    }
}
