package org.recurrent4j.interop.torch;

import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.recurrent4j.conf.GatedCellLayer;
import org.recurrent4j.conf.Gru;
import org.recurrent4j.conf.Lstm;
import org.recurrent4j.conf.RecurrentCellLayer;
import org.recurrent4j.conf.Rnn;
import org.recurrent4j.interop.RecurrentKind;

/**
 * The weights of a recurrent4j stack under PyTorch's names, so that {@code
 * module.load_state_dict(...)} of the matching {@code nn.RNN}/{@code nn.LSTM}/{@code nn.GRU}
 * computes the same function. Write them with {@code SafetensorsWriter} or {@code NpzFiles}.
 *
 * <p>The stack is the leading recurrent layers of a {@link MultiLayerNetwork} (layers after the
 * first non-recurrent one are not part of it): all {@link Rnn}, all {@link Lstm} or all {@link Gru},
 * of one hidden size, all plain or all {@code Bidirectional(CONCAT)}, each reading the one before.
 * Refused, because no PyTorch module computes them: peepholes, a coupled input–forget gate, a GRU
 * with the reset gate before the product, activations other than tanh (ReLU for an RNN) and sigmoid.
 *
 * <pre>
 *   layer k: Wih, Whh, bih, bhh   →   weight_ih_lk, weight_hh_lk, bias_ih_lk, bias_hh_lk
 *   Bidirectional: f…, b…         →   …_lk, …_lk_reverse
 * </pre>
 *
 * <pre>{@code
 * PyTorchExport.Module m = PyTorchExport.module(net);            // nn.LSTM(10, 32, num_layers=2, bidirectional=True)
 * SafetensorsWriter.write(Path.of("lstm.safetensors"), PyTorchExport.stateDict(net));
 * }</pre>
 */
public final class PyTorchExport {

    /**
     * The PyTorch module a stack corresponds to.
     *
     * @param relu an RNN's nonlinearity is ReLU (else tanh)
     * @param recurrentLayers the number of network layers the stack spans (from layer 0)
     */
    public record Module(
            RecurrentKind kind,
            long inputSize,
            long hiddenSize,
            int numLayers,
            boolean bidirectional,
            boolean relu,
            int recurrentLayers) {

        /** The PyTorch constructor call, e.g. {@code nn.LSTM(10, 32, num_layers=2, bidirectional=True)}. */
        @Override
        public String toString() {
            return "nn." + kind + "(" + inputSize + ", " + hiddenSize
                    + (numLayers > 1 ? ", num_layers=" + numLayers : "")
                    + (relu ? ", nonlinearity='relu'" : "")
                    + (bidirectional ? ", bidirectional=True" : "") + ")";
        }
    }

    private PyTorchExport() {}

    /** The PyTorch module {@code net}'s leading recurrent layers correspond to. */
    public static Module module(MultiLayerNetwork net) {
        RecurrentKind kind = null;
        long hidden = -1;
        long input = -1;
        Boolean bidirectional = null;
        Boolean relu = null;
        int count = 0;
        for (int k = 0; k < net.getnLayers(); k++) {
            Layer conf = net.getLayer(k).conf().getLayer();
            boolean bi = conf instanceof Bidirectional;
            if (bi && ((Bidirectional) conf).getMode() != Bidirectional.Mode.CONCAT) {
                throw refuse(
                        k,
                        "Bidirectional mode " + ((Bidirectional) conf).getMode()
                                + " (PyTorch concatenates the directions)");
            }
            Layer inner = bi ? ((Bidirectional) conf).getFwd() : conf;
            if (!(inner instanceof RecurrentCellLayer cell)) {
                break;
            }
            RecurrentKind k0 = kindOf(k, cell);
            boolean isRelu = cell instanceof Rnn && cell.getActivationFn() instanceof ActivationReLU;
            if (kind == null) {
                kind = k0;
                hidden = cell.getNOut();
                input = cell.getNIn();
                bidirectional = bi;
                relu = isRelu;
            } else if (k0 != kind || cell.getNOut() != hidden || bi != bidirectional || isRelu != relu) {
                throw refuse(
                        k,
                        "a " + k0 + " of " + cell.getNOut() + " units" + (bi ? ", bidirectional" : "")
                                + " after " + kind + " layers of " + hidden + (bidirectional ? ", bidirectional" : "")
                                + ": one PyTorch module has one kind, size and direction");
            } else if (cell.getNIn() != hidden * (bi ? 2 : 1)) {
                throw refuse(k, "reads " + cell.getNIn() + " values, the layer below gives " + hidden * (bi ? 2 : 1));
            }
            count++;
        }
        if (kind == null) {
            throw new IllegalArgumentException("layer 0 is not a recurrent4j Rnn, Lstm or Gru: nothing to export");
        }
        for (int k = count; k < net.getnLayers(); k++) {
            Layer conf = net.getLayer(k).conf().getLayer();
            Layer inner = conf instanceof Bidirectional b ? b.getFwd() : conf;
            if (inner instanceof RecurrentCellLayer) {
                throw refuse(k, "a recurrent layer after a non-recurrent one: the stack is layers 0.." + (count - 1));
            }
        }
        return new Module(kind, input, hidden, count, bidirectional, relu, count);
    }

    /** The stack's weights under PyTorch's names, in {@code state_dict} order, in the network's data type. */
    public static Map<String, INDArray> stateDict(MultiLayerNetwork net) {
        Module m = module(net);
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (int k = 0; k < m.numLayers(); k++) {
            for (int d = 0; d < (m.bidirectional() ? 2 : 1); d++) {
                String key = k + "_" + (m.bidirectional() ? (d == 0 ? "f" : "b") : "");
                String suffix = "_l" + k + (d == 1 ? "_reverse" : "");
                out.put("weight_ih" + suffix, net.getParam(key + "Wih").dup('c'));
                out.put("weight_hh" + suffix, net.getParam(key + "Whh").dup('c'));
                out.put("bias_ih" + suffix, net.getParam(key + "bih").dup('c').reshape(-1));
                out.put("bias_hh" + suffix, net.getParam(key + "bhh").dup('c').reshape(-1));
            }
        }
        return out;
    }

    private static RecurrentKind kindOf(int k, RecurrentCellLayer cell) {
        IActivation act = cell.getActivationFn();
        if (cell instanceof GatedCellLayer gated && !(gated.getGateActivationFn() instanceof ActivationSigmoid)) {
            throw refuse(k, "gate activation " + gated.getGateActivationFn() + " (PyTorch's is sigmoid)");
        }
        if (cell instanceof Rnn) {
            if (!(act instanceof ActivationTanH || act instanceof ActivationReLU)) {
                throw refuse(k, "activation " + act + " (nn.RNN has tanh or relu)");
            }
            return RecurrentKind.RNN;
        }
        if (!(act instanceof ActivationTanH)) {
            throw refuse(k, "activation " + act + " (PyTorch's is tanh)");
        }
        if (cell instanceof Lstm lstm) {
            if (lstm.isPeephole() || lstm.isCoupledInputForget()) {
                throw refuse(k, "an Lstm with peepholes or a coupled input-forget gate (nn.LSTM has neither)");
            }
            return RecurrentKind.LSTM;
        }
        if (cell instanceof Gru gru) {
            if (!gru.isResetAfter()) {
                throw refuse(k, "a Gru with resetAfter(false) (nn.GRU applies the reset gate after the product)");
            }
            return RecurrentKind.GRU;
        }
        throw refuse(k, cell.getClass().getSimpleName() + " (PyTorch has RNN, LSTM and GRU)");
    }

    private static IllegalArgumentException refuse(int layer, String what) {
        return new IllegalArgumentException("layer " + layer + ": cannot export to PyTorch: " + what);
    }
}
