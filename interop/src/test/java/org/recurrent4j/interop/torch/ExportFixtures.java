package org.recurrent4j.interop.torch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.recurrent4j.interop.RecurrentKind;
import org.recurrent4j.interop.npz.NpzFiles;
import org.recurrent4j.interop.safetensors.SafetensorsWriter;

/**
 * The recurrent4j networks whose exports the fixture script checks in PyTorch: built from seeds, so
 * {@link PyTorchExportTest} can build them again and compare with the committed exports. {@link
 * #main} writes {@code fixtures/torch/export/} (then run {@code make_torch_fixtures.py check-export}).
 */
public final class ExportFixtures {

    private ExportFixtures() {}

    /** The networks by fixture name: a 2-layer bidirectional LSTM, a float64 GRU, a 2-layer ReLU RNN (all NWC). */
    static Map<String, MultiLayerNetwork> networks() {
        Map<String, MultiLayerNetwork> nets = new LinkedHashMap<>();
        nets.put(
                "export_lstm_2layer_bidir",
                network(RecurrentKind.LSTM, 3, 4, 2, true, Activation.TANH, DataType.FLOAT, 11));
        nets.put(
                "export_gru_float64", network(RecurrentKind.GRU, 2, 3, 1, false, Activation.TANH, DataType.DOUBLE, 12));
        nets.put(
                "export_rnn_relu_2layer",
                network(RecurrentKind.RNN, 3, 5, 2, false, Activation.RELU, DataType.FLOAT, 13));
        return nets;
    }

    /** The input of a network's check, {@code [2, 6, nIn]} (batch-first), from a fixed seed. */
    static INDArray input(MultiLayerNetwork net) {
        Nd4j.getRandom().setSeed(99);
        long nIn = PyTorchExport.module(net).inputSize();
        return Nd4j.randn(net.params().dataType(), 2, 6, nIn);
    }

    private static MultiLayerNetwork network(
            RecurrentKind kind,
            int nIn,
            int hidden,
            int layers,
            boolean bidirectional,
            Activation act,
            DataType type,
            long seed) {
        NeuralNetConfiguration.ListBuilder list =
                new NeuralNetConfiguration.Builder().seed(seed).dataType(type).list();
        for (int k = 0; k < layers; k++) {
            long in = k == 0 ? nIn : (bidirectional ? 2L : 1L) * hidden;
            var layer = kind.layer(in, hidden, act, true, RNNFormat.NWC);
            list.layer(bidirectional ? new Bidirectional(Bidirectional.Mode.CONCAT, layer) : layer);
        }
        MultiLayerNetwork net = new MultiLayerNetwork(list.build());
        net.init();
        // Non-zero biases, so that a bias sent to the wrong place shows.
        Nd4j.getRandom().setSeed(seed);
        for (Map.Entry<String, INDArray> p : net.paramTable().entrySet()) {
            if (p.getKey().contains("bhh") || p.getKey().contains("bih")) {
                p.getValue().assign(Nd4j.randn(type, p.getValue().shape()).muli(0.3));
            }
        }
        return net;
    }

    /** Writes the exports, inputs, recurrent4j's outputs and the modules' descriptions to {@code args[0]}. */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        StringBuilder json = new StringBuilder("{\n");
        for (Map.Entry<String, MultiLayerNetwork> e : networks().entrySet()) {
            MultiLayerNetwork net = e.getValue();
            Map<String, INDArray> sd = PyTorchExport.stateDict(net);
            SafetensorsWriter.write(dir.resolve(e.getKey() + ".safetensors"), sd);
            NpzFiles.write(dir.resolve(e.getKey() + ".npz"), sd);
            INDArray x = input(net);
            NpzFiles.write(dir.resolve(e.getKey() + ".io.npz"), Map.of("x", x, "y", net.output(x)));
            PyTorchExport.Module m = PyTorchExport.module(net);
            json.append(String.format(
                    "  \"%s\": {\"kind\": \"%s\", \"input_size\": %d, \"hidden_size\": %d, \"num_layers\": %d, "
                            + "\"bidirectional\": %s, \"nonlinearity\": \"%s\"},%n",
                    e.getKey(),
                    m.kind(),
                    m.inputSize(),
                    m.hiddenSize(),
                    m.numLayers(),
                    m.bidirectional(),
                    m.relu() ? "relu" : "tanh"));
        }
        json.setLength(json.length() - 2);
        json.append("\n}\n");
        Files.writeString(dir.resolve("modules.json"), json, StandardCharsets.UTF_8);
    }
}
