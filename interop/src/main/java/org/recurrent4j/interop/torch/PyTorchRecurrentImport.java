package org.recurrent4j.interop.torch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.recurrent4j.conf.RecurrentCellLayer;
import org.recurrent4j.interop.ImportedLayer;
import org.recurrent4j.interop.ImportedModel;
import org.recurrent4j.interop.InteropException;
import org.recurrent4j.interop.NamedTensors;
import org.recurrent4j.interop.RecurrentKind;

/**
 * A PyTorch {@code nn.RNN}, {@code nn.LSTM} or {@code nn.GRU} from its {@code state_dict}, onto a
 * {@link MultiLayerNetwork} of recurrent4j layers, one per PyTorch layer ({@code num_layers}), each
 * wrapped in {@code Bidirectional(CONCAT)} when the module is bidirectional (PyTorch concatenates
 * the directions in the same order). The weights are copied as they are: recurrent4j uses
 * PyTorch's layout and gate order.
 *
 * <p>What the tensors tell: the kind ({@code weight_ih_l0} has {@code G·H} rows: 1 RNN, 3 GRU, 4
 * LSTM), {@code hidden_size}, {@code input_size}, {@code num_layers}, {@code bidirectional}
 * ({@code *_reverse}) and {@code bias} (a module without {@code bias_*} gets zero biases, which is
 * the same function). What they cannot tell, and must be given: an RNN's {@code nonlinearity}
 * ({@link #relu}; tanh by default) and {@code batch_first} ({@link #batchFirst}: the network then
 * reads {@code [batch, time, features]} (NWC), as the module does; otherwise it reads DL4J's
 * {@code [batch, features, time]}, and PyTorch's {@code [time, batch, features]} must be permuted).
 * Refused: {@code proj_size} ({@code weight_hr_l0}), shapes that disagree, a gate count of another
 * module. Dropout between layers acts only in training and is not carried over.
 *
 * <pre>
 *   PyTorch                          recurrent4j (layer k of the MultiLayerNetwork)
 *   weight_ih_lk  [G·H, nIn_k]   →   Wih   (bidirectional: fWih; _reverse: bWih)
 *   weight_hh_lk  [G·H, H]       →   Whh
 *   bias_ih_lk    [G·H]          →   bih
 *   bias_hh_lk    [G·H]          →   bhh
 * </pre>
 *
 * <pre>{@code
 * NamedTensors sd = TorchCheckpointReader.read(Path.of("lstm.pt"));
 * ImportedModel m = new PyTorchRecurrentImport(sd).module("encoder.lstm").batchFirst(true).build();
 * INDArray y = m.multiLayerNetwork().output(x);     // x [B, T, nIn] → y [B, T, 2H] (bidirectional)
 * }</pre>
 */
public final class PyTorchRecurrentImport {

    private final NamedTensors tensors;
    private String module;
    private boolean relu;
    private boolean batchFirst;

    public PyTorchRecurrentImport(NamedTensors tensors) {
        this.tensors = tensors;
    }

    /**
     * The module's name in the state_dict ({@code "lstm"} for keys {@code lstm.weight_ih_l0}; {@code
     * ""} for a bare module's). Default: the one module of the file with a {@code weight_ih_l0}.
     */
    public PyTorchRecurrentImport module(String name) {
        this.module = name;
        return this;
    }

    /** An {@code nn.RNN(nonlinearity='relu')} (default tanh); ignored for LSTM and GRU. */
    public PyTorchRecurrentImport relu(boolean relu) {
        this.relu = relu;
        return this;
    }

    /** The module was {@code batch_first=True}: the network reads and writes {@code [batch, time, size]}. */
    public PyTorchRecurrentImport batchFirst(boolean batchFirst) {
        this.batchFirst = batchFirst;
        return this;
    }

    /** The network, initialized with the module's weights (float32 or float64 as stored). */
    public ImportedModel build() throws InteropException {
        String prefix = prefix();
        String where = prefix.isEmpty() ? "module (unnamed)" : "module " + prefix.substring(0, prefix.length() - 1);
        if (tensors.contains(prefix + "weight_hr_l0")) {
            throw InteropException.at(
                    tensors.source(),
                    where,
                    "proj_size (weight_hr_l0) is not supported: recurrent4j's Lstm has no output projection");
        }
        INDArray wih0 = tensors.get(prefix + "weight_ih_l0");
        INDArray whh0 = tensors.get(prefix + "weight_hh_l0");
        if (whh0 == null || wih0.rank() != 2 || whh0.rank() != 2) {
            throw InteropException.at(tensors.source(), where, "weight_ih_l0 and weight_hh_l0 must both be matrices");
        }
        long hidden = whh0.size(1);
        if (hidden == 0 || whh0.size(0) % hidden != 0 || RecurrentKind.ofGates(whh0.size(0) / hidden) == null) {
            throw InteropException.at(
                    tensors.source(),
                    where + ", tensor weight_hh_l0",
                    "shape " + Arrays.toString(whh0.shape())
                            + " is not [G·H, H] with G = 1 (RNN), 3 (GRU) or 4 (LSTM)");
        }
        RecurrentKind kind = RecurrentKind.ofGates(whh0.size(0) / hidden);
        boolean bidirectional = tensors.contains(prefix + "weight_ih_l0_reverse");
        boolean bias = tensors.contains(prefix + "bias_ih_l0");
        int layers = 0;
        while (tensors.contains(prefix + "weight_ih_l" + layers)) {
            layers++;
        }
        DataType type = wih0.dataType().isFPType() ? wih0.dataType() : DataType.FLOAT;
        RNNFormat format = batchFirst ? RNNFormat.NWC : RNNFormat.NCW;
        Activation activation = relu && kind == RecurrentKind.RNN ? Activation.RELU : Activation.TANH;
        int directions = bidirectional ? 2 : 1;
        long gh = kind.gates() * hidden;

        NeuralNetConfiguration.ListBuilder list =
                new NeuralNetConfiguration.Builder().dataType(type).list();
        List<ImportedLayer> summary = new ArrayList<>();
        Set<String> used = new TreeSet<>();
        long nIn0 = wih0.size(1);
        for (int k = 0; k < layers; k++) {
            long nIn = k == 0 ? nIn0 : directions * hidden;
            RecurrentCellLayer layer = kind.layer(nIn, hidden, activation, true, format);
            list.layer(k, bidirectional ? new Bidirectional(Bidirectional.Mode.CONCAT, layer) : layer);
            String became = bidirectional
                    ? "Bidirectional(CONCAT, " + kind.describe(nIn, hidden) + ")"
                    : kind.describe(nIn, hidden);
            summary.add(new ImportedLayer(
                    prefix + "*_l" + k,
                    "nn." + kind
                            + (kind == RecurrentKind.RNN
                                    ? "(" + (activation == Activation.RELU ? "relu" : "tanh") + ")"
                                    : "")
                            + " layer " + k + (bidirectional ? ", bidirectional" : "") + (bias ? "" : ", bias=False"),
                    became,
                    directions * (gh * (nIn + hidden) + 2 * gh)));
        }
        MultiLayerNetwork net = new MultiLayerNetwork(
                list.setInputType(InputType.recurrent(nIn0, format)).build());
        net.init();
        for (int k = 0; k < layers; k++) {
            long nIn = k == 0 ? nIn0 : directions * hidden;
            for (int d = 0; d < directions; d++) {
                String suffix = "_l" + k + (d == 1 ? "_reverse" : "");
                String key = k + "_" + (bidirectional ? (d == 0 ? "f" : "b") : "");
                copy(net, key + "Wih", prefix + "weight_ih" + suffix, where, used, gh, nIn);
                copy(net, key + "Whh", prefix + "weight_hh" + suffix, where, used, gh, hidden);
                if (bias) {
                    copy(net, key + "bih", prefix + "bias_ih" + suffix, where, used, gh);
                    copy(net, key + "bhh", prefix + "bias_hh" + suffix, where, used, gh);
                } else {
                    net.getParam(key + "bih").assign(0);
                    net.getParam(key + "bhh").assign(0);
                }
            }
        }
        List<String> notes = new ArrayList<>();
        for (String name : tensors.names()) {
            if (name.startsWith(prefix) && !used.contains(name)) {
                throw InteropException.at(
                        tensors.source(),
                        where + ", tensor " + name,
                        "not a parameter of a " + layers + "-layer " + (bidirectional ? "bidirectional " : "") + "nn."
                                + kind + (bias ? "" : " without bias")
                                + " (its tensors: weight_ih_lK, weight_hh_lK, bias_ih_lK, bias_hh_lK[, _reverse])");
            }
            if (!name.startsWith(prefix)) {
                notes.add("not imported (another module): " + name + " "
                        + Arrays.toString(tensors.get(name).shape()));
            }
        }
        return new ImportedModel(net, summary, notes);
    }

    private void copy(MultiLayerNetwork net, String param, String name, String where, Set<String> used, long... shape)
            throws InteropException {
        INDArray source = tensors.get(name);
        if (source == null) {
            throw InteropException.at(
                    tensors.source(), where + ", tensor " + name, "missing (other layers of the module have it)");
        }
        if (!Arrays.equals(source.shape(), shape)) {
            throw InteropException.at(
                    tensors.source(),
                    where + ", tensor " + name,
                    "shape " + Arrays.toString(source.shape()) + ", expected " + Arrays.toString(shape));
        }
        INDArray target = net.getParam(param);
        target.assign(source.castTo(target.dataType()).reshape(target.shape()));
        used.add(name);
    }

    private String prefix() throws InteropException {
        if (module != null) {
            String p = module.isEmpty() || module.endsWith(".") ? module : module + ".";
            if (!tensors.contains(p + "weight_ih_l0")) {
                throw InteropException.at(
                        tensors.source(),
                        "module " + module,
                        "no tensor " + p + "weight_ih_l0 (modules of the file: " + modules() + ")");
            }
            return p;
        }
        List<String> found = modules();
        if (found.size() != 1) {
            throw InteropException.in(
                    tensors.source(),
                    found.isEmpty()
                            ? "no recurrent module (no tensor named *weight_ih_l0): tensors " + tensors.names()
                            : "several recurrent modules " + found + ": name the one to import");
        }
        String name = found.get(0);
        return name.isEmpty() ? "" : name + ".";
    }

    private List<String> modules() {
        List<String> found = new ArrayList<>();
        for (String name : tensors.names()) {
            if (name.equals("weight_ih_l0")) {
                found.add("");
            } else if (name.endsWith(".weight_ih_l0")) {
                found.add(name.substring(0, name.length() - ".weight_ih_l0".length()));
            }
        }
        return found;
    }
}
