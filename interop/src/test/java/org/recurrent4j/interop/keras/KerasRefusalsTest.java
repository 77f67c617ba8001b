package org.recurrent4j.interop.keras;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.nd4j.shade.jackson.databind.node.ArrayNode;
import org.nd4j.shade.jackson.databind.node.ObjectNode;
import org.recurrent4j.interop.Fixtures;
import org.recurrent4j.interop.InteropException;

/**
 * What the Keras import refuses, on configurations of files TensorFlow.js saved with one option
 * changed: each is one error naming the file, the layer and the field.
 */
class KerasRefusalsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The error of the pre-pass on {@code fixture}'s configuration changed by {@code change}. */
    private static String refusal(String fixture, String version, Consumer<ObjectNode> change) throws IOException {
        Path file = Fixtures.path("keras/" + fixture + ".h5");
        String config;
        try (KerasH5File h5 = KerasH5File.open(file)) {
            config = h5.attribute("model_config");
        }
        ObjectNode model = (ObjectNode) JSON.readTree(config);
        change.accept(model);
        InteropException e =
                assertThrows(InteropException.class, () -> KerasConfigRewrite.rewrite(file, model.toString(), version));
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        return e.getMessage();
    }

    private static ObjectNode layer(ObjectNode model, int index) {
        return (ObjectNode) model.get("config").get("layers").get(index);
    }

    private static void assertContains(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), "'" + p + "' in: " + message);
        }
    }

    @Test
    void layerOptionsRecurrent4jDoesNotImport() throws IOException {
        assertContains(
                refusal("func_return_state", "tfjs-layers 4.22.0", m -> ((ObjectNode)
                                layer(m, 1).get("config"))
                        .put("stateful", true)),
                "layer gru_GRU",
                "field stateful");
        assertContains(
                refusal("func_return_state", "2.11.0", m -> ((ObjectNode)
                                layer(m, 1).get("config"))
                        .put("time_major", true)),
                "field time_major");
        assertContains(
                refusal("func_return_state", "2.11.0", m -> ((ObjectNode)
                                layer(m, 1).get("config"))
                        .put("activation", "swish")),
                "field activation",
                "'swish'");
        assertContains(
                refusal("func_return_state", "2.11.0", m -> ((ObjectNode)
                                layer(m, 1).get("config"))
                        .put("recurrent_activation", "gelu")),
                "field recurrent_activation");
    }

    @Test
    void initialStateAndSharedLayers() throws IOException {
        assertContains(
                refusal("func_return_state", "2.11.0", m -> {
                    ArrayNode call =
                            (ArrayNode) layer(m, 1).get("inbound_nodes").get(0);
                    call.add(call.get(0).deepCopy());
                }),
                "layer gru_GRU",
                "initial_state");
        assertContains(
                refusal("func_return_state", "2.11.0", m -> {
                    ArrayNode calls = (ArrayNode) layer(m, 1).get("inbound_nodes");
                    calls.add(calls.get(0).deepCopy());
                }),
                "is called 2 times");
    }

    @Test
    void bidirectionalAroundOtherLayersOrWithoutMerge() throws IOException {
        assertContains(
                refusal("func_bidirectional_merges", "2.11.0", m -> ((ObjectNode)
                                layer(m, 1).get("config").get("layer"))
                        .put("class_name", "Conv1D")),
                "Bidirectional around Conv1D");
        assertContains(
                refusal("func_bidirectional_merges", "2.11.0", m -> ((ObjectNode)
                                layer(m, 2).get("config"))
                        .putNull("merge_mode")),
                "field merge_mode",
                "'None'");
    }

    @Test
    void maskingAnywhereButOnTheInput() throws IOException {
        assertContains(
                refusal("seq_masking_lstm_stack", "2.11.0", m -> {
                    ArrayNode layers = (ArrayNode) m.get("config").get("layers");
                    ObjectNode masking = (ObjectNode) layers.remove(0);
                    layers.insert(1, masking);
                }),
                "Masking is imported as the model's first layer only");
    }

    @Test
    void kerasVersionsOtherThanTwo() throws IOException {
        assertContains(refusal("seq_lstm_stack_dense", "3.0.1", m -> {}), "keras_version", "'3.0.1'");
        assertContains(refusal("seq_lstm_stack_dense", "1.2.2", m -> {}), "keras_version");
    }
}
