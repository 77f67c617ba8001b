package org.recurrent4j.interop.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.recurrent4j.interop.Fixtures;
import org.recurrent4j.interop.ImportedModel;
import org.recurrent4j.interop.InteropException;
import org.recurrent4j.interop.NamedTensors;
import org.recurrent4j.interop.npz.NpzFiles;
import org.recurrent4j.interop.safetensors.SafetensorsReader;

/** PyTorch modules saved by PyTorch (torch.save, np.savez, safetensors) give PyTorch's outputs. */
class PyTorchImportTest {

    static NamedTensors read(Path file) throws IOException {
        String name = file.getFileName().toString();
        if (name.endsWith(".pt")) {
            return TorchCheckpointReader.read(file);
        }
        if (name.endsWith(".npz")) {
            return NpzFiles.read(file);
        }
        return SafetensorsReader.read(file);
    }

    @ParameterizedTest(name = "{0}.{1}")
    @CsvSource({
        "lstm_2layer_bidir_batchfirst, pt, true, false, 4",
        "lstm_2layer_bidir_batchfirst, npz, true, false, 4",
        "lstm_2layer_bidir_batchfirst, safetensors, true, false, 4",
        "gru_nobias_float64, pt, false, false, 1",
        "gru_nobias_float64, npz, false, false, 1",
        "rnn_relu_2layer, pt, false, true, 2",
        "rnn_relu_2layer, safetensors, false, true, 2",
        "rnn_tanh_bidir, npz, true, false, 2",
        "lstm_strided_views, pt, false, false, 1",
    })
    void importedModuleGivesPyTorchsOutput(String name, String format, boolean batchFirst, boolean relu, int states)
            throws IOException {
        NamedTensors weights = read(Fixtures.path("torch/" + name + "." + format));
        ImportedModel model = new PyTorchRecurrentImport(weights)
                .batchFirst(batchFirst)
                .relu(relu)
                .build();
        NamedTensors io = Fixtures.npz("torch/" + name + ".io.npz");
        MultiLayerNetwork net = model.multiLayerNetwork();
        INDArray x = io.get("x");
        INDArray expected = io.get("y");
        double tolerance = x.dataType() == DataType.DOUBLE ? 1e-12 : 1e-5;
        assertEquals(x.dataType(), net.params().dataType(), "the network computes in the file's precision");
        INDArray y = batchFirst ? net.output(x) : net.output(x.permute(1, 2, 0)).permute(2, 0, 1);
        Fixtures.assertClose(expected, y, tolerance, name + "." + format + " output");
        assertEquals(states, io.get("h_n").size(0), "fixture's h_n has one state per layer and direction");
        assertEquals(
                net.numParams(),
                model.layers().stream().mapToLong(l -> l.parameters()).sum());
    }

    @Test
    void finalStatesOfUnidirectionalLayersArePyTorchsHn() throws IOException {
        NamedTensors weights = read(Fixtures.path("torch/rnn_relu_2layer.pt"));
        MultiLayerNetwork net =
                new PyTorchRecurrentImport(weights).relu(true).build().multiLayerNetwork();
        NamedTensors io = Fixtures.npz("torch/rnn_relu_2layer.io.npz");
        net.rnnTimeStep(io.get("x").permute(1, 2, 0));
        for (int k = 0; k < 2; k++) {
            INDArray h = net.rnnGetPreviousState(k).get("h");
            Fixtures.assertClose(io.get("h_n").get(NDArrayIndex.point(k)), h, 1e-5, "h_n of layer " + k);
        }
    }

    @Test
    void aModuleOfALargerModelIsFoundByItsPrefixAndTheOtherTensorsAreListed() throws IOException {
        NamedTensors weights = read(Fixtures.path("torch/tagger_gru_bidir.pt"));
        ImportedModel model =
                new PyTorchRecurrentImport(weights).batchFirst(true).build();
        NamedTensors io = Fixtures.npz("torch/tagger_gru_bidir.io.npz");
        Fixtures.assertClose(io.get("y"), model.multiLayerNetwork().output(io.get("x")), 1e-5, "encoder.gru output");
        assertEquals("encoder.gru.*_l0", model.layers().get(0).source());
        assertTrue(
                model.layers().get(0).became().startsWith("Bidirectional(CONCAT, Gru 3→4)"),
                model.layers().toString());
        assertEquals(
                Set.of(
                        "not imported (another module): embed.weight [7, 3]",
                        "not imported (another module): out.weight [2, 8]",
                        "not imported (another module): out.bias [2]"),
                Set.copyOf(model.notes()));
        InteropException wrong = assertThrows(
                InteropException.class,
                () -> new PyTorchRecurrentImport(weights).module("decoder").build());
        assertTrue(
                wrong.getMessage()
                        .contains(
                                "tagger_gru_bidir.pt: module decoder: no tensor decoder.weight_ih_l0 (modules of the file: [encoder.gru])"),
                wrong.getMessage());
    }

    @Test
    void projSizeIsRefusedNamingTheTensor() throws IOException {
        NamedTensors weights = read(Fixtures.path("torch/bad_lstm_proj_size.pt"));
        InteropException e = assertThrows(InteropException.class, () -> new PyTorchRecurrentImport(weights).build());
        assertTrue(
                e.getMessage()
                        .contains("bad_lstm_proj_size.pt: module (unnamed): proj_size (weight_hr_l0) is not supported"),
                e.getMessage());
    }

    @Test
    void theLegacyFormatAndPickledModulesAreRefusedWithWhatToDo() {
        InteropException legacy = assertThrows(
                InteropException.class, () -> TorchCheckpointReader.read(Fixtures.path("torch/bad_legacy_format.pt")));
        assertTrue(legacy.getMessage().contains("bad_legacy_format.pt: a legacy torch.save file"), legacy.getMessage());
        InteropException module = assertThrows(
                InteropException.class, () -> TorchCheckpointReader.read(Fixtures.path("torch/bad_pickled_module.pt")));
        assertTrue(
                module.getMessage()
                        .contains("bad_pickled_module.pt: holds a pickled torch.nn.modules.rnn.GRU, not a state_dict"),
                module.getMessage());
    }

    @Test
    void allThreeFormatsHoldTheSameTensors() throws IOException {
        Map<String, INDArray> pt =
                read(Fixtures.path("torch/lstm_2layer_bidir_batchfirst.pt")).asMap();
        for (String format : new String[] {"npz", "safetensors"}) {
            Map<String, INDArray> other = read(Fixtures.path("torch/lstm_2layer_bidir_batchfirst." + format))
                    .asMap();
            assertEquals(new java.util.TreeSet<>(pt.keySet()), new java.util.TreeSet<>(other.keySet()), format);
            for (String k : pt.keySet()) {
                assertEquals(pt.get(k), other.get(k), format + " " + k);
            }
        }
    }

    @Test
    void aTensorOfTheModuleThatFitsNoParameterIsRefused() throws IOException {
        NamedTensors weights = read(Fixtures.path("torch/gru_nobias_float64.pt"));
        java.util.Map<String, INDArray> more = new java.util.LinkedHashMap<>(weights.asMap());
        more.put("weight_ih_l3", weights.get("weight_ih_l0"));
        InteropException e = assertThrows(
                InteropException.class,
                () -> new PyTorchRecurrentImport(new NamedTensors(weights.source(), more)).build());
        assertTrue(
                e.getMessage()
                        .contains(
                                "gru_nobias_float64.pt: module (unnamed), tensor weight_ih_l3: not a parameter of a 1-layer nn.GRU without bias"),
                e.getMessage());
        java.util.Map<String, INDArray> wrong = new java.util.LinkedHashMap<>(weights.asMap());
        wrong.put("weight_hh_l0", org.nd4j.linalg.factory.Nd4j.zeros(DataType.DOUBLE, 12, 5));
        e = assertThrows(
                InteropException.class,
                () -> new PyTorchRecurrentImport(new NamedTensors(weights.source(), wrong)).build());
        assertTrue(e.getMessage().contains("tensor weight_hh_l0: shape [12, 5] is not [G·H, H]"), e.getMessage());
    }
}
