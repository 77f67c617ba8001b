package org.recurrent4j.interop.keras;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.conf.layers.wrapper.BaseWrapperLayer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.recurrent4j.conf.Gru;
import org.recurrent4j.conf.Lstm;
import org.recurrent4j.conf.RecurrentCellLayer;
import org.recurrent4j.interop.InteropException;

/**
 * Copies a Keras file's weights into the imported network, layer by layer (the network's layers
 * carry the Keras names). Recurrent layers: Keras stores {@code kernel [nIn, G·H]}, {@code
 * recurrent_kernel [H, G·H]} and one {@code bias [G·H]} (GRU with {@code reset_after}: {@code [2,
 * 3H]}, input and recurrent biases), gate blocks LSTM i, f, c, o and GRU z, r, h; recurrent4j keeps
 * the transposes, {@code Wih [G·H, nIn]}, {@code Whh [G·H, H]}, with GRU blocks reordered to r, z,
 * n; the single bias goes to {@code bih} and {@code bhh} is zero. Dense ({@code kernel, bias} →
 * {@code W, b}) and Embedding ({@code embeddings} → {@code W}) are copied as DL4J lays them out.
 * Any other layer with parameters is refused, and so is a weight left over or missing.
 */
final class KerasWeights {

    private KerasWeights() {}

    /** Copies the weights of the network layer {@code layer} (named as its Keras layer) from {@code weights}. */
    static void copy(java.nio.file.Path file, Layer layer, Map<String, INDArray> weights) throws InteropException {
        org.deeplearning4j.nn.conf.layers.Layer conf = layer.conf().getLayer();
        String name = conf.getLayerName();
        Set<String> used = new HashSet<>();
        if (conf instanceof Bidirectional bi) {
            RecurrentCellLayer cell = cell(bi.getFwd());
            recurrent(file, name, layer, "f", cell, select(weights, "forward_"), used);
            recurrent(file, name, layer, "b", cell, select(weights, "backward_"), used);
        } else if (cell(conf) != null) {
            recurrent(file, name, layer, "", cell(conf), weights, used);
        } else if (conf instanceof DenseLayer
                || conf instanceof BaseOutputLayer
                || (conf instanceof BaseWrapperLayer w && w.getUnderlying() instanceof DenseLayer)) {
            set(file, name, layer, "W", param(file, name, weights, "kernel", used));
            if (layer.getParam("b") != null) {
                set(file, name, layer, "b", param(file, name, weights, "bias", used));
            }
        } else if (conf instanceof EmbeddingSequenceLayer || conf instanceof EmbeddingLayer) {
            set(file, name, layer, "W", param(file, name, weights, "embeddings", used));
        } else if (layer.numParams() > 0) {
            throw InteropException.at(
                    file,
                    "layer " + name,
                    conf.getClass().getSimpleName()
                            + " has parameters, and recurrent4j's Keras import copies those of SimpleRNN, LSTM, GRU, Bidirectional, Dense and Embedding only");
        }
        Set<String> left = new HashSet<>(weights.keySet());
        left.removeAll(used);
        if (!left.isEmpty()) {
            throw InteropException.at(
                    file, "layer " + name, "weights " + left + " match no parameter of the imported layer");
        }
    }

    private static RecurrentCellLayer cell(org.deeplearning4j.nn.conf.layers.Layer conf) {
        if (conf instanceof RecurrentCellLayer c) {
            return c;
        }
        if (conf instanceof LastTimeStep l) {
            return cell(l.getUnderlying());
        }
        if (conf instanceof BaseWrapperLayer w) {
            return cell(w.getUnderlying());
        }
        return null;
    }

    private static Map<String, INDArray> select(Map<String, INDArray> weights, String direction) {
        Map<String, INDArray> out = new java.util.LinkedHashMap<>();
        weights.forEach((path, value) -> {
            if (Arrays.stream(path.split("/")).anyMatch(part -> part.startsWith(direction))) {
                out.put(path, value);
            }
        });
        return out;
    }

    private static void recurrent(
            java.nio.file.Path file,
            String name,
            Layer layer,
            String prefix,
            RecurrentCellLayer cell,
            Map<String, INDArray> weights,
            Set<String> used)
            throws InteropException {
        long h = cell.getNOut();
        long nIn = cell.getNIn();
        int g = cell instanceof Lstm ? 4 : cell instanceof Gru ? 3 : 1;
        boolean gru = cell instanceof Gru;
        String where = prefix.isEmpty() ? name : name + (prefix.equals("f") ? " (forward)" : " (backward)");
        INDArray kernel = shaped(file, where, "kernel", param(file, where, weights, "kernel", used), nIn, g * h);
        INDArray recurrent = shaped(
                file, where, "recurrent_kernel", param(file, where, weights, "recurrent_kernel", used), h, g * h);
        INDArray bias = optional(weights, "bias", used);
        INDArray bih = Nd4j.zeros(kernel.dataType(), g * h);
        INDArray bhh = Nd4j.zeros(kernel.dataType(), g * h);
        if (bias != null) {
            boolean resetAfter = gru && ((Gru) cell).isResetAfter();
            if (resetAfter) {
                shaped(file, where, "bias", bias, 2, g * h);
                bih = bias.get(NDArrayIndex.point(0), NDArrayIndex.all());
                bhh = bias.get(NDArrayIndex.point(1), NDArrayIndex.all());
            } else {
                bih = shaped(file, where, "bias", bias, g * h);
            }
        }
        int[] order = gru ? new int[] {1, 0, 2} : null;
        set(file, where, layer, prefix + "Wih", blocks(kernel.transpose(), order, h));
        set(file, where, layer, prefix + "Whh", blocks(recurrent.transpose(), order, h));
        set(file, where, layer, prefix + "bih", blocks(bih, order, h));
        set(file, where, layer, prefix + "bhh", blocks(bhh, order, h));
    }

    private static INDArray blocks(INDArray rows, int[] order, long h) {
        if (order == null) {
            return rows.dup('c');
        }
        INDArray[] parts = new INDArray[order.length];
        for (int i = 0; i < order.length; i++) {
            parts[i] = rows.get(NDArrayIndex.interval(order[i] * h, (order[i] + 1) * h));
        }
        return Nd4j.concat(0, parts).dup('c');
    }

    private static INDArray shaped(java.nio.file.Path file, String where, String what, INDArray a, long... shape)
            throws InteropException {
        if (!Arrays.equals(a.shape(), shape)) {
            throw InteropException.at(
                    file,
                    "layer " + where + ", weight " + what,
                    "shape " + Arrays.toString(a.shape()) + ", the layer's configuration needs "
                            + Arrays.toString(shape));
        }
        return a;
    }

    /** The weight whose name (the last path component, without {@code :0}) is {@code param}. */
    private static INDArray param(
            java.nio.file.Path file, String where, Map<String, INDArray> weights, String param, Set<String> used)
            throws InteropException {
        INDArray found = optional(weights, param, used);
        if (found == null) {
            throw InteropException.at(
                    file, "layer " + where, "has no weight " + param + " (it has " + weights.keySet() + ")");
        }
        return found;
    }

    private static INDArray optional(Map<String, INDArray> weights, String param, Set<String> used) {
        for (Map.Entry<String, INDArray> e : weights.entrySet()) {
            String last = e.getKey().substring(e.getKey().lastIndexOf('/') + 1);
            int colon = last.indexOf(':');
            if ((colon < 0 ? last : last.substring(0, colon))
                    .toLowerCase(Locale.ROOT)
                    .equals(param)) {
                used.add(e.getKey());
                return e.getValue();
            }
        }
        return null;
    }

    private static void set(java.nio.file.Path file, String where, Layer layer, String key, INDArray value)
            throws InteropException {
        INDArray target = layer.getParam(key);
        if (target == null) {
            throw InteropException.at(file, "layer " + where, "the imported layer has no parameter " + key);
        }
        if (target.length() != value.length()) {
            throw InteropException.at(
                    file,
                    "layer " + where + ", weight for " + key,
                    "shape " + Arrays.toString(value.shape()) + ", the layer needs " + Arrays.toString(target.shape()));
        }
        target.assign(value.castTo(target.dataType()).reshape(target.shape()));
    }
}
