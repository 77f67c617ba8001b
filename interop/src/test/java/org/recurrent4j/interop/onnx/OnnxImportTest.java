package org.recurrent4j.interop.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import onnx.Onnx;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.recurrent4j.interop.Fixtures;
import org.recurrent4j.interop.InteropException;
import org.recurrent4j.interop.NamedTensors;

/**
 * ONNX RNN, LSTM and GRU nodes give the outputs of the ONNX project's own test data, of the ONNX
 * reference implementations (generated cases) and of PyTorch (models exported by torch.onnx.export).
 */
class OnnxImportTest {

    /** Runs the imported network on ONNX-shaped inputs and compares every output it gives, in ONNX's layout. */
    static void assertOutputs(
            OnnxRecurrentImport.Result r, Map<String, INDArray> inputs, Map<String, INDArray> expected, String what) {
        INDArray x = inputs.get(r.input());
        double tolerance = x.dataType() == DataType.DOUBLE ? 1e-10 : 1e-5;
        List<INDArray> in = new ArrayList<>();
        in.add(x.permute(r.inputPermutation()).dup('c'));
        r.stateInputs().forEach((name, layout) -> in.add(layout.stateToNetwork(inputs.get(name))));
        INDArray[] masks = new INDArray[in.size()];
        if (r.mask() != null) {
            INDArray lengths = inputs.get(r.mask());
            long steps = in.get(0).size(2);
            INDArray mask = Nd4j.zeros(x.dataType(), lengths.length(), steps);
            for (int b = 0; b < lengths.length(); b++) {
                for (int t = 0; t < lengths.getLong(b); t++) {
                    mask.putScalar(b, t, 1);
                }
            }
            masks[0] = mask;
        }
        ComputationGraph net = r.model().graph();
        INDArray[] out = net.output(false, in.toArray(INDArray[]::new), masks);
        List<String> names = net.getConfiguration().getNetworkOutputs();
        int compared = 0;
        for (Map.Entry<String, OnnxRecurrentImport.Output> e : r.outputs().entrySet()) {
            INDArray ours = out[names.indexOf(e.getValue().vertex())];
            INDArray asOnnx =
                    e.getValue().layout().fromNetwork(ours, e.getValue().units());
            Fixtures.assertClose(expected.get(e.getKey()), asOnnx, tolerance, what + " output " + e.getKey());
            compared++;
        }
        assertEquals(expected.size(), compared, what + ": every expected output compared");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "test_gru_batchwise", "test_gru_defaults", "test_gru_seq_length", "test_gru_with_initial_bias",
                "test_lstm_batchwise", "test_lstm_defaults", "test_lstm_with_initial_bias", "test_lstm_with_peepholes",
                "test_rnn_seq_length", "test_simple_rnn_batchwise", "test_simple_rnn_defaults",
                        "test_simple_rnn_with_initial_bias"
            })
    void onnxOperatorTestData(String testCase) throws IOException {
        Path dir = Fixtures.path("onnx/node/" + testCase);
        Onnx.ModelProto model = OnnxTensors.readModel(dir.resolve("model.onnx"));
        Map<String, INDArray> inputs = new HashMap<>();
        OnnxRecurrentImport importer = new OnnxRecurrentImport(dir.resolve("model.onnx"));
        Onnx.NodeProto node = model.getGraph().getNode(0);
        for (int i = 0; i < model.getGraph().getInputCount(); i++) {
            String name = model.getGraph().getInput(i).getName();
            INDArray value = OnnxTensors.readTensor(dir.resolve("test_data_set_0/input_" + i + ".pb"));
            inputs.put(name, value);
            int slot = node.getInputList().indexOf(name);
            if (slot == 1 || slot == 2 || slot == 3 || slot == 7) {
                importer.bind(name, value);
            }
        }
        Map<String, INDArray> expected = new HashMap<>();
        for (int i = 0; i < model.getGraph().getOutputCount(); i++) {
            expected.put(
                    model.getGraph().getOutput(i).getName(),
                    OnnxTensors.readTensor(dir.resolve("test_data_set_0/output_" + i + ".pb")));
        }
        assertOutputs(importer.build(), inputs, expected, testCase);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "gru_bidirectional_seqlens_initial_h_lbr0", "gru_reverse_layout1_lbr1",
                        "gru_bidirectional_lbr1_float64",
                "lstm_bidirectional_seqlens_initial_hc_peephole", "lstm_reverse_layout1", "rnn_bidirectional_layout1"
            })
    void generatedCasesMatchTheOnnxReference(String name) throws IOException {
        OnnxRecurrentImport.Result r =
                new OnnxRecurrentImport(Fixtures.path("onnx/generated/" + name + ".onnx")).build();
        NamedTensors io = Fixtures.npz("onnx/generated/" + name + ".io.npz");
        assertEquals("X", r.input());
        assertEquals("sequence_lens", r.mask());
        assertEquals(
                name.startsWith("lstm") ? List.of("initial_h", "initial_c") : List.of("initial_h"),
                List.copyOf(r.stateInputs().keySet()));
        assertOutputs(r, io.asMap(), Map.of("Y", io.get("Y"), "Y_h", io.get("Y_h")), name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"lstm_2layer_bidirectional_batchfirst", "gru_initial_state", "rnn_relu_2layer_static"})
    void modelsExportedByPyTorchGivePyTorchsOutputs(String name) throws IOException {
        OnnxRecurrentImport.Result r = new OnnxRecurrentImport(Fixtures.path("onnx/torch/" + name + ".onnx")).build();
        NamedTensors io = Fixtures.npz("onnx/torch/" + name + ".io.npz");
        assertOutputs(r, io.asMap(), Map.of("y", io.get("y"), "h_n", io.get("h_n")), name);
        assertEquals(
                name.startsWith("lstm") ? OnnxLayout.SEQUENCE_B_T_DH : OnnxLayout.SEQUENCE_T_B_DH,
                r.outputs().get("y").layout());
        assertEquals(OnnxLayout.STATE_N_B_H, r.outputs().get("h_n").layout());
    }

    @Test
    void theSummarySaysWhatEachNodeBecame() throws IOException {
        OnnxRecurrentImport.Result r =
                new OnnxRecurrentImport(Fixtures.path("onnx/torch/lstm_2layer_bidirectional_batchfirst.onnx")).build();
        assertEquals(2, r.model().layers().size());
        assertEquals(
                "LSTM forward + reverse, concatenated",
                r.model().layers().get(0).sourceType());
        assertEquals("Lstm 3→4 × 2", r.model().layers().get(0).became());
        assertEquals("Lstm 8→4 × 2", r.model().layers().get(1).became());
        assertEquals(
                r.model().parameterCount(),
                r.model().layers().stream().mapToLong(l -> l.parameters()).sum());
    }

    @Test
    void otherActivationsAndClipAreRefusedNamingNodeAndAttribute(@TempDir Path dir) throws IOException {
        Onnx.ModelProto model = OnnxTensors.readModel(Fixtures.path("onnx/generated/gru_reverse_layout1_lbr1.onnx"));
        Onnx.ModelProto.Builder withClip = model.toBuilder();
        withClip.getGraphBuilder()
                .getNodeBuilder(0)
                .setName("encoder")
                .addAttribute(Onnx.AttributeProto.newBuilder()
                        .setName("clip")
                        .setType(Onnx.AttributeProto.AttributeType.FLOAT)
                        .setF(3));
        Path clipped = dir.resolve("clipped.onnx");
        Files.write(clipped, withClip.build().toByteArray());
        InteropException e = assertThrows(InteropException.class, () -> new OnnxRecurrentImport(clipped).build());
        assertTrue(
                e.getMessage().startsWith(clipped + ": node encoder (GRU), attribute clip: is not supported"),
                e.getMessage());

        Onnx.ModelProto.Builder hardSigmoid = model.toBuilder();
        hardSigmoid
                .getGraphBuilder()
                .getNodeBuilder(0)
                .addAttribute(Onnx.AttributeProto.newBuilder()
                        .setName("activations")
                        .setType(Onnx.AttributeProto.AttributeType.STRINGS)
                        .addStrings(org.nd4j.shade.protobuf.ByteString.copyFromUtf8("HardSigmoid"))
                        .addStrings(org.nd4j.shade.protobuf.ByteString.copyFromUtf8("Tanh")));
        Path hard = dir.resolve("hard.onnx");
        Files.write(hard, hardSigmoid.build().toByteArray());
        e = assertThrows(InteropException.class, () -> new OnnxRecurrentImport(hard).build());
        assertTrue(
                e.getMessage().contains("attribute activations: [hardsigmoid, tanh] is not supported"), e.getMessage());
    }

    @Test
    void weightsThatAreNotConstantsAndInputForgetAreRefused(@TempDir Path dir) throws IOException {
        Path defaults = Fixtures.path("onnx/node/test_lstm_defaults/model.onnx");
        InteropException e = assertThrows(InteropException.class, () -> new OnnxRecurrentImport(defaults).build());
        assertTrue(
                e.getMessage().contains("model.onnx: node LSTM→Y_h (LSTM), input W (W): has no constant value"),
                e.getMessage());

        Onnx.ModelProto model = OnnxTensors.readModel(Fixtures.path("onnx/generated/lstm_reverse_layout1.onnx"));
        Onnx.ModelProto.Builder coupled = model.toBuilder();
        coupled.getGraphBuilder()
                .getNodeBuilder(0)
                .addAttribute(Onnx.AttributeProto.newBuilder()
                        .setName("input_forget")
                        .setType(Onnx.AttributeProto.AttributeType.INT)
                        .setI(1));
        Path file = dir.resolve("coupled.onnx");
        Files.write(file, coupled.build().toByteArray());
        e = assertThrows(InteropException.class, () -> new OnnxRecurrentImport(file).build());
        assertTrue(
                e.getMessage()
                        .contains(
                                "coupled.onnx: node LSTM→Y,Y_h (LSTM), attribute input_forget: input_forget=1 is not supported"),
                e.getMessage());
    }
}
