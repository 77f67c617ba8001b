package org.recurrent4j.interop.keras;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.shade.jackson.core.type.TypeReference;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.nd4j.shade.jackson.databind.node.ArrayNode;
import org.nd4j.shade.jackson.databind.node.JsonNodeFactory;
import org.nd4j.shade.jackson.databind.node.ObjectNode;
import org.recurrent4j.interop.InteropException;
import org.recurrent4j.interop.RecurrentKind;

/**
 * The pre-pass over a Keras model's JSON configuration, before DL4J's Keras import reads it:
 *
 * <ul>
 *   <li>{@code SimpleRNN}, {@code LSTM}, {@code GRU} and {@code Bidirectional} get the class names
 *       recurrent4j registers with DL4J ({@code Recurrent4jLSTM}, …), so they become recurrent4j
 *       layers (DL4J's importer would build its own slower layers, or refuse GRU); their options are
 *       checked here, where the file and layer can be named, and defaults that changed between
 *       Keras versions ({@code reset_after}, {@code recurrent_activation}) are written out;</li>
 *   <li>{@code Masking} and {@code Embedding(mask_zero=True)} on a model input become a {@link
 *       KerasMask} (the Masking layer is removed, mask_zero cleared): the network takes the mask
 *       as a feature mask, which every recurrent4j layer after it honours (DL4J's importer wraps
 *       only the next LSTM in a MaskZeroLayer, whose mask goes no further);</li>
 *   <li>{@code go_backwards}: a {@code Recurrent4jTimeReverse} vertex before the layer;
 *       {@code return_state}: its {@code h} read from the layer's output by a {@code
 *       Recurrent4jLastStep} vertex (an LSTM's cell state {@code c} cannot be, and is refused if
 *       used). A {@code Sequential} model needing a vertex is rewritten as a functional one.</li>
 * </ul>
 */
final class KerasConfigRewrite {

    static final String PREFIX = "Recurrent4j";
    static final String TIME_REVERSE = PREFIX + "TimeReverse";
    static final String LAST_STEP = PREFIX + "LastStep";
    static final String BIDIRECTIONAL = PREFIX + "Bidirectional";
    static final String TIME_DISTRIBUTED_DENSE = PREFIX + "TimeDistributedDense";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** The pre-pass's result. */
    record Rewritten(String json, boolean functional, List<KerasMask> masks, Map<String, String> sources) {}

    private final Path file;
    private final boolean oldDefaults;
    private final List<KerasMask> masks = new ArrayList<>();
    /** Keras layer name → its Keras type and options, for the summary. */
    private final Map<String, String> sources = new LinkedHashMap<>();

    private KerasConfigRewrite(Path file, boolean oldDefaults) {
        this.file = file;
        this.oldDefaults = oldDefaults;
    }

    /** The Keras class a registered class name stands for ({@code Recurrent4jGRU} → {@code GRU}). */
    static String originalClass(String className) {
        return className.startsWith(PREFIX) ? className.substring(PREFIX.length()) : className;
    }

    /**
     * Rewrites {@code modelConfig} (the {@code model_config} attribute) saved by {@code kerasVersion}.
     *
     * @throws InteropException naming the file, the layer and the option for anything not imported
     */
    static Rewritten rewrite(Path file, String modelConfig, String kerasVersion) throws InteropException {
        JsonNode root;
        try {
            root = JSON.readTree(modelConfig);
        } catch (java.io.IOException e) {
            throw InteropException.at(file, "model_config", "is not JSON (" + e.getMessage() + ")");
        }
        if (root == null || !root.isObject() || !root.hasNonNull("class_name")) {
            throw InteropException.at(file, "model_config", "has no class_name: not a Keras model configuration");
        }
        boolean tfjs = kerasVersion.startsWith("tfjs");
        boolean old = tfjs || kerasVersion.matches("^(1\\.|2\\.[0-2]\\.).*");
        if (!tfjs && !kerasVersion.startsWith("2.")) {
            throw InteropException.at(
                    file, "keras_version", "'" + kerasVersion + "': Keras 2 (and TensorFlow.js) files are imported");
        }
        KerasConfigRewrite pass = new KerasConfigRewrite(file, old);
        ObjectNode model = ((ObjectNode) root).deepCopy();
        String type = model.get("class_name").asText();
        boolean functional;
        if (type.equals("Sequential")) {
            ArrayNode layers = pass.sequentialLayers(model);
            functional = pass.needsGraph(layers);
            if (functional) {
                model = pass.toFunctional(model, layers);
            }
        } else if (type.equals("Model") || type.equals("Functional")) {
            functional = true;
        } else {
            throw InteropException.at(
                    file, "model_config", "class_name " + type + ": Sequential and functional models are imported");
        }
        if (functional) {
            pass.rewriteFunctional(model);
        } else {
            pass.rewriteSequential(model);
        }
        model.put("keras_version", "2");
        model.put("backend", "tensorflow");
        return new Rewritten(model.toString(), functional, List.copyOf(pass.masks), pass.sources);
    }

    private ArrayNode sequentialLayers(ObjectNode model) throws InteropException {
        JsonNode config = model.get("config");
        JsonNode layers = config != null && config.isArray() ? config : config == null ? null : config.get("layers");
        if (layers == null || !layers.isArray() || layers.size() == 0) {
            throw InteropException.at(file, "model_config", "a Sequential model without layers");
        }
        if (config.isArray()) {
            ObjectNode wrapped = model.putObject("config");
            wrapped.put("name", "sequential");
            wrapped.set("layers", layers);
        }
        return (ArrayNode) layers;
    }

    private boolean needsGraph(ArrayNode layers) {
        for (JsonNode layer : layers) {
            JsonNode c = layer.get("config");
            if (c != null
                    && (c.path("go_backwards").asBoolean(false)
                            || c.path("return_state").asBoolean(false))) {
                return true;
            }
        }
        return false;
    }

    /** A Sequential model's layers as a functional model's: each reads the one before. */
    private ObjectNode toFunctional(ObjectNode model, ArrayNode layers) throws InteropException {
        ArrayNode out = NODES.arrayNode();
        String previous;
        int first = 0;
        JsonNode head = layers.get(0);
        if (head.path("class_name").asText().equals("InputLayer")) {
            ObjectNode input = head.deepCopy();
            input.put("name", input.path("config").path("name").asText("input"));
            input.putArray("inbound_nodes");
            out.add(input);
            previous = input.get("name").asText();
            first = 1;
        } else {
            JsonNode shape = head.path("config").get("batch_input_shape");
            if (shape == null) {
                throw InteropException.at(
                        file,
                        "layer " + head.path("config").path("name").asText(),
                        "the first layer has no batch_input_shape");
            }
            ObjectNode input = out.addObject();
            input.put("class_name", "InputLayer");
            input.put("name", "input");
            ObjectNode c = input.putObject("config");
            c.put("name", "input");
            c.set("batch_input_shape", shape);
            c.put("dtype", head.path("config").path("dtype").asText("float32"));
            input.putArray("inbound_nodes");
            previous = "input";
        }
        for (int i = first; i < layers.size(); i++) {
            ObjectNode layer = layers.get(i).deepCopy();
            String name = layer.path("config").path("name").asText();
            layer.put("name", name);
            ((ObjectNode) layer.get("config")).remove("batch_input_shape");
            layer.set("inbound_nodes", node(previous));
            out.add(layer);
            previous = name;
        }
        ObjectNode functional = NODES.objectNode();
        functional.put("class_name", "Model");
        ObjectNode config = functional.putObject("config");
        config.put("name", model.path("config").path("name").asText("model"));
        config.set("layers", out);
        config.set(
                "input_layers", NODES.arrayNode().add(ref(out.get(0).get("name").asText(), 0)));
        config.set("output_layers", NODES.arrayNode().add(ref(previous, 0)));
        return functional;
    }

    private static ArrayNode node(String inbound) {
        ArrayNode call = NODES.arrayNode();
        call.add(NODES.arrayNode().add(inbound).add(0).add(0).add(NODES.objectNode()));
        return NODES.arrayNode().add(call);
    }

    private static ArrayNode ref(String name, int tensor) {
        return NODES.arrayNode().add(name).add(0).add(tensor);
    }

    private void rewriteSequential(ObjectNode model) throws InteropException {
        ArrayNode layers = (ArrayNode) model.get("config").get("layers");
        int start = layers.get(0).path("class_name").asText().equals("InputLayer") ? 1 : 0;
        for (int i = 0; i < layers.size(); i++) {
            ObjectNode layer = (ObjectNode) layers.get(i);
            String cls = layer.path("class_name").asText();
            String name = layer.path("config").path("name").asText();
            if (cls.equals("Masking")) {
                if (i != start) {
                    throw InteropException.at(
                            file,
                            "layer " + name,
                            "Masking is imported as the model's first layer only (its mask is computed from the input)");
                }
                masks.add(new KerasMask(
                        "input",
                        name,
                        false,
                        layer.path("config").path("mask_value").asDouble(0)));
                JsonNode shape = layer.path("config").get("batch_input_shape");
                layers.remove(i);
                if (shape != null && i < layers.size()) {
                    ((ObjectNode) layers.get(i).get("config")).set("batch_input_shape", shape);
                }
                i--;
                continue;
            }
            if (cls.equals("Embedding")
                    && layer.path("config").path("mask_zero").asBoolean(false)) {
                if (i != start) {
                    throw InteropException.at(
                            file,
                            "layer " + name,
                            "Embedding(mask_zero=True) is imported as the model's first layer only");
                }
                masks.add(new KerasMask("input", name, true, 0));
                ((ObjectNode) layer.get("config")).put("mask_zero", false);
            }
            rewriteLayer(layer);
        }
    }

    private void rewriteFunctional(ObjectNode model) throws InteropException {
        ObjectNode config = (ObjectNode) model.get("config");
        ArrayNode layers = (ArrayNode) config.get("layers");
        if (layers == null) {
            throw InteropException.at(file, "model_config", "a functional model without layers");
        }
        Map<String, String> inputs = new HashMap<>();
        for (JsonNode layer : layers) {
            if (layer.path("class_name").asText().equals("InputLayer")) {
                inputs.put(layer.path("name").asText(), layer.path("name").asText());
            }
        }
        // Masking and Embedding(mask_zero) on an input.
        Map<String, String> replaced = new HashMap<>();
        for (Iterator<JsonNode> it = layers.iterator(); it.hasNext(); ) {
            ObjectNode layer = (ObjectNode) it.next();
            String cls = layer.path("class_name").asText();
            String name = layer.path("name").asText();
            boolean masking = cls.equals("Masking");
            boolean maskZero = cls.equals("Embedding")
                    && layer.path("config").path("mask_zero").asBoolean(false);
            if (!masking && !maskZero) {
                continue;
            }
            List<String> inbound = inboundNames(layer);
            if (inbound.size() != 1 || !inputs.containsKey(inbound.get(0))) {
                throw InteropException.at(
                        file,
                        "layer " + name,
                        cls + (maskZero ? "(mask_zero=True)" : "")
                                + " is imported only reading a model input directly (its mask is computed from the input)");
            }
            masks.add(new KerasMask(
                    inbound.get(0),
                    name,
                    maskZero,
                    layer.path("config").path("mask_value").asDouble(0)));
            if (masking) {
                replaced.put(name, inbound.get(0));
                it.remove();
            } else {
                ((ObjectNode) layer.get("config")).put("mask_zero", false);
            }
        }
        replaceReferences(config, replaced);
        // go_backwards, return_state, and the recurrent layers themselves.
        List<ObjectNode> inserted = new ArrayList<>();
        Map<String, Integer> positions = new HashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            ObjectNode layer = (ObjectNode) layers.get(i);
            String name = layer.path("name").asText();
            ObjectNode c = (ObjectNode) layer.get("config");
            RecurrentKind kind =
                    KerasRecurrentSpec.kindOf(layer.path("class_name").asText());
            checkInbound(
                    layer, kind != null || layer.path("class_name").asText().equals("Bidirectional"));
            if (kind != null && c.path("go_backwards").asBoolean(false)) {
                ObjectNode reverse = NODES.objectNode();
                reverse.put("class_name", TIME_REVERSE);
                reverse.put("name", name + "_reversed");
                reverse.putObject("config").put("name", name + "_reversed");
                reverse.set("inbound_nodes", layer.get("inbound_nodes"));
                layer.set("inbound_nodes", node(name + "_reversed"));
                c.put("go_backwards", false);
                inserted.add(reverse);
                positions.put(name + "_reversed", i);
                sources.put(name + "_reversed", "(go_backwards of " + name + ")");
            }
            if (kind != null && c.path("return_state").asBoolean(false)) {
                returnState(config, name, kind, c, inserted, positions, i);
            }
            rewriteLayer(layer);
        }
        for (int k = inserted.size() - 1; k >= 0; k--) {
            ObjectNode v = inserted.get(k);
            int at = positions.get(v.get("name").asText());
            layers.insert(v.get("class_name").asText().equals(TIME_REVERSE) ? at : at + 1, v);
        }
    }

    private void returnState(
            ObjectNode config,
            String name,
            RecurrentKind kind,
            ObjectNode c,
            List<ObjectNode> inserted,
            Map<String, Integer> positions,
            int position)
            throws InteropException {
        boolean sequences = c.path("return_sequences").asBoolean(false);
        String stateVertex = name + "_state_h";
        boolean[] usedH = {false};
        for (ArrayNode reference : references(config)) {
            if (!reference.get(0).asText().equals(name) || reference.size() < 3) {
                continue;
            }
            int tensor = reference.get(2).asInt();
            if (tensor == 2 && kind == RecurrentKind.LSTM) {
                throw InteropException.at(
                        file,
                        "layer " + name,
                        "return_state: the LSTM's cell state c (output 2) is used, "
                                + "which an imported graph cannot give (its final h, output 1, can be used)");
            }
            if (tensor == 1) {
                if (sequences) {
                    reference.set(0, NODES.textNode(stateVertex));
                    usedH[0] = true;
                }
                reference.set(2, NODES.numberNode(0));
            }
        }
        if (usedH[0]) {
            ObjectNode last = NODES.objectNode();
            last.put("class_name", LAST_STEP);
            last.put("name", stateVertex);
            last.putObject("config").put("name", stateVertex);
            last.set("inbound_nodes", node(name));
            inserted.add(last);
            positions.put(stateVertex, position);
            sources.put(stateVertex, "(return_state h of " + name + ")");
        }
        c.put("return_state", false);
    }

    /** Every [layer, node, tensor, ...] reference: inbound nodes and the model's outputs. */
    private static List<ArrayNode> references(ObjectNode config) {
        List<ArrayNode> out = new ArrayList<>();
        for (JsonNode layer : config.path("layers")) {
            for (JsonNode call : layer.path("inbound_nodes")) {
                for (JsonNode ref : call) {
                    if (ref.isArray()) {
                        out.add((ArrayNode) ref);
                    }
                }
            }
        }
        for (JsonNode ref : config.path("output_layers")) {
            if (ref.isArray()) {
                out.add((ArrayNode) ref);
            }
        }
        return out;
    }

    private static void replaceReferences(ObjectNode config, Map<String, String> replaced) {
        for (ArrayNode ref : references(config)) {
            String to = replaced.get(ref.get(0).asText());
            if (to != null) {
                ref.set(0, NODES.textNode(to));
            }
        }
    }

    private static List<String> inboundNames(JsonNode layer) {
        List<String> names = new ArrayList<>();
        for (JsonNode call : layer.path("inbound_nodes")) {
            for (JsonNode ref : call) {
                names.add(ref.get(0).asText());
            }
        }
        return names;
    }

    private void checkInbound(JsonNode layer, boolean recurrent) throws InteropException {
        if (!recurrent) {
            return;
        }
        String name = layer.path("name").asText();
        JsonNode calls = layer.path("inbound_nodes");
        if (calls.size() > 1) {
            throw InteropException.at(
                    file, "layer " + name, "is called " + calls.size() + " times (shared layers are not imported)");
        }
        for (JsonNode call : calls) {
            if (call.size() > 1) {
                throw InteropException.at(
                        file,
                        "layer " + name,
                        "initial_state is not imported (the layer reads " + call.size() + " tensors)");
            }
            for (JsonNode ref : call) {
                JsonNode kwargs = ref.size() > 3 ? ref.get(3) : null;
                if (kwargs != null && kwargs.isObject() && (kwargs.has("initial_state") || kwargs.has("constants"))) {
                    throw InteropException.at(file, "layer " + name, "initial_state is not imported");
                }
            }
        }
    }

    /** Checks a layer and gives recurrent ones recurrent4j's class names. */
    private void rewriteLayer(ObjectNode layer) throws InteropException {
        String cls = layer.path("class_name").asText();
        ObjectNode c = (ObjectNode) layer.get("config");
        String name = c == null
                ? layer.path("name").asText()
                : c.path("name").asText(layer.path("name").asText());
        RecurrentKind kind = KerasRecurrentSpec.kindOf(cls);
        if (kind != null) {
            String described = checkRecurrent(name, kind, c, false);
            sources.put(name, described);
            layer.put("class_name", PREFIX + cls);
        } else if (cls.equals("Bidirectional")) {
            JsonNode inner = c.path("layer");
            RecurrentKind innerKind =
                    KerasRecurrentSpec.kindOf(inner.path("class_name").asText());
            if (innerKind == null) {
                throw InteropException.at(
                        file,
                        "layer " + name,
                        "Bidirectional around " + inner.path("class_name").asText()
                                + ": recurrent4j imports Bidirectional around SimpleRNN, LSTM and GRU");
            }
            String mode = c.path("merge_mode").isNull()
                    ? "None"
                    : c.path("merge_mode").asText("concat");
            if (!List.of("concat", "sum", "mul", "ave").contains(mode)) {
                throw InteropException.at(
                        file,
                        "layer " + name + ", field merge_mode",
                        "'" + mode + "' (concat, sum, mul and ave are imported)");
            }
            c.put("merge_mode", mode);
            ObjectNode innerConfig = (ObjectNode) inner.get("config");
            if (innerConfig.path("go_backwards").asBoolean(false)) {
                throw InteropException.at(
                        file, "layer " + name, "Bidirectional around a layer with go_backwards=True is not imported");
            }
            sources.put(
                    name,
                    "Bidirectional("
                            + checkRecurrent(
                                    name + "/" + innerConfig.path("name").asText(), innerKind, innerConfig, true)
                            + ", merge_mode=" + mode + ")");
            layer.put("class_name", BIDIRECTIONAL);
        } else if (cls.equals("TimeDistributed")
                && c.path("layer").path("class_name").asText().equals("Dense")) {
            String act = c.path("layer").path("config").path("activation").asText("linear");
            if (KerasTimeDistributedDense.activation(act) == null) {
                throw InteropException.at(file, "layer " + name + ", field activation", "'" + act + "' is not mapped");
            }
            sources.put(
                    name,
                    "TimeDistributed(Dense("
                            + c.path("layer").path("config").path("units").asInt() + ", " + act + "))");
            layer.put("class_name", TIME_DISTRIBUTED_DENSE);
        } else if (!cls.equals(TIME_REVERSE) && !cls.equals(LAST_STEP)) {
            sources.put(name, cls);
        }
    }

    private String checkRecurrent(String name, RecurrentKind kind, ObjectNode c, boolean wrapped)
            throws InteropException {
        String where = "layer " + name;
        for (String flag : new String[] {"stateful", "time_major"}) {
            if (c.path(flag).asBoolean(false)) {
                throw InteropException.at(file, where + ", field " + flag, "true is not imported");
            }
        }
        if (wrapped && c.path("return_state").asBoolean(false)) {
            throw InteropException.at(
                    file, where + ", field return_state", "return_state inside Bidirectional is not imported");
        }
        if (!c.path("units").canConvertToInt() || c.path("units").asInt() <= 0) {
            throw InteropException.at(file, where + ", field units", c.path("units") + " is not a positive size");
        }
        String act = c.path("activation").asText("tanh");
        if (KerasRecurrentSpec.activation(act) == null) {
            throw InteropException.at(
                    file, where + ", field activation", "'" + act + "' is not mapped onto recurrent4j's layers");
        }
        c.put("activation", act);
        if (kind != RecurrentKind.RNN) {
            String gate = c.hasNonNull("recurrent_activation")
                    ? c.get("recurrent_activation").asText()
                    : oldDefaults ? "hard_sigmoid" : "sigmoid";
            if (KerasRecurrentSpec.activation(gate) == null) {
                throw InteropException.at(
                        file,
                        where + ", field recurrent_activation",
                        "'" + gate + "' is not mapped onto recurrent4j's layers");
            }
            c.put("recurrent_activation", gate);
        }
        if (kind == RecurrentKind.GRU && !c.hasNonNull("reset_after")) {
            c.put("reset_after", !oldDefaults);
        }
        try {
            KerasRecurrentSpec.of(kind, JSON.convertValue(c, new TypeReference<Map<String, Object>>() {}))
                    .cell();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw InteropException.at(file, where, "not importable onto recurrent4j's " + kind + ": " + e.getMessage());
        }
        String options = (kind == RecurrentKind.GRU
                        ? ", reset_after=" + c.get("reset_after").asBoolean()
                        : "")
                + (c.path("return_sequences").asBoolean(false) ? ", return_sequences" : "")
                + (c.path("go_backwards").asBoolean(false) ? ", go_backwards" : "")
                + (c.path("return_state").asBoolean(false) ? ", return_state" : "")
                + (c.path("use_bias").asBoolean(true) ? "" : ", use_bias=False");
        return KerasRecurrentSpec.kerasClass(kind) + "(" + c.get("units").asInt() + options + ")";
    }
}
