package org.recurrent4j.interop.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.recurrent4j.conf.Gru;
import org.recurrent4j.conf.Lstm;
import org.recurrent4j.interop.Fixtures;
import org.recurrent4j.interop.NamedTensors;
import org.recurrent4j.interop.npz.NpzFiles;
import org.recurrent4j.interop.safetensors.SafetensorsReader;
import org.recurrent4j.interop.safetensors.SafetensorsWriter;

/**
 * Exports under PyTorch's names: the committed exports were loaded into PyTorch by the fixture
 * script, which computed the outputs recurrent4j computes ({@code check-export}); exporting the
 * same networks again gives the same tensors, and an export read back imports to the same network.
 */
class PyTorchExportTest {

    @Test
    void exportsEqualTheOnesPyTorchWasCheckedOn(@TempDir Path dir) throws IOException {
        for (Map.Entry<String, MultiLayerNetwork> e : ExportFixtures.networks().entrySet()) {
            MultiLayerNetwork net = e.getValue();
            Map<String, INDArray> sd = PyTorchExport.stateDict(net);
            NamedTensors checkedSafetensors =
                    SafetensorsReader.read(Fixtures.path("torch/export/" + e.getKey() + ".safetensors"));
            NamedTensors checkedNpz = NpzFiles.read(Fixtures.path("torch/export/" + e.getKey() + ".npz"));
            assertEquals(
                    List.copyOf(sd.keySet()), List.copyOf(checkedSafetensors.names()), "names and state_dict order");
            for (String name : sd.keySet()) {
                assertEquals(checkedSafetensors.get(name), sd.get(name), e.getKey() + " " + name);
                assertEquals(checkedNpz.get(name), sd.get(name), e.getKey() + " " + name);
            }
            NamedTensors io = NpzFiles.read(Fixtures.path("torch/export/" + e.getKey() + ".io.npz"));
            Fixtures.assertClose(io.get("y"), net.output(io.get("x")), 1e-6, e.getKey() + " output PyTorch reproduced");
            Path written = dir.resolve(e.getKey() + ".safetensors");
            SafetensorsWriter.write(written, sd);
            MultiLayerNetwork back = new PyTorchRecurrentImport(SafetensorsReader.read(written))
                    .batchFirst(true)
                    .relu(PyTorchExport.module(net).relu())
                    .build()
                    .multiLayerNetwork();
            assertEquals(net.params(), back.params(), e.getKey() + " round trip");
        }
    }

    @Test
    void modulesPyTorchHasNoneOfAreRefused() {
        MultiLayerNetwork peephole =
                net(new Lstm.Builder().nIn(2).nOut(3).peephole(true).build());
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> PyTorchExport.stateDict(peephole));
        assertTrue(
                e.getMessage().startsWith("layer 0: cannot export to PyTorch: an Lstm with peepholes"), e.getMessage());
        MultiLayerNetwork cho =
                net(new Gru.Builder().nIn(2).nOut(3).resetAfter(false).build());
        assertThrows(IllegalArgumentException.class, () -> PyTorchExport.stateDict(cho));
        MultiLayerNetwork averaged = net(new Bidirectional(
                Bidirectional.Mode.AVERAGE, new Gru.Builder().nIn(2).nOut(3).build()));
        assertThrows(IllegalArgumentException.class, () -> PyTorchExport.stateDict(averaged));
        MultiLayerNetwork mixed = net(
                new Gru.Builder().nIn(2).nOut(3).build(),
                new Lstm.Builder().nIn(3).nOut(3).build());
        e = assertThrows(IllegalArgumentException.class, () -> PyTorchExport.stateDict(mixed));
        assertTrue(
                e.getMessage().contains("layer 1: cannot export to PyTorch: a LSTM of 3 units after GRU layers"),
                e.getMessage());
        assertEquals(
                "nn.LSTM(3, 4, num_layers=2, bidirectional=True)",
                PyTorchExport.module(ExportFixtures.networks().get("export_lstm_2layer_bidir"))
                        .toString());
    }

    private static MultiLayerNetwork net(org.deeplearning4j.nn.conf.layers.Layer... layers) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder().list();
        for (var l : layers) {
            list.layer(l);
        }
        MultiLayerNetwork net = new MultiLayerNetwork(list.build());
        net.init();
        return net;
    }
}
