package org.recurrent4j.syntax;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.recurrent4j.cell.CellKeys;
import org.recurrent4j.cell.OnLstmCell;
import org.recurrent4j.conf.OnLstm;

/**
 * The syntactic distance of each step of an ON-LSTM layer: how much of the memory the master
 * forget gate erases when the layer reads that step.
 *
 * <pre>
 *   d_t = 1 − (1/n) Σ_q f̃_{t,q},    f̃_t = cumax(W_f̃ x_t + b_f̃ + U_f̃ h_{t-1} + b'_f̃)
 * </pre>
 *
 * <p>This is the authors' definition ({@code distance_cforget} in their {@code ON_LSTM.py}). A
 * large {@code d_t} means the layer closes many constituents before {@code x_t}: it is the
 * distance of the boundary before step t, from which {@link ParseTree#fromDistances} builds a
 * tree. It is computed from the layer's input and output (the pass itself keeps no copy), with the
 * recurrent weights scaled as at inference.
 *
 * <pre>{@code
 * double[][] d = SyntacticDistance.of(net, 0, features);   // [example][step]
 * ParseTree tree = ParseTree.fromDistances(d[0]);
 * }</pre>
 */
public final class SyntacticDistance {

    private SyntacticDistance() {}

    /**
     * The distances of layer {@code layerIndex} (an {@link OnLstm}) of {@code net} for every
     * example and step of {@code features}, from zero initial state.
     *
     * @return {@code [example][step]}
     * @throws IllegalArgumentException if that layer is not an ON-LSTM
     */
    public static double[][] of(MultiLayerNetwork net, int layerIndex, INDArray features) {
        Layer layer = net.getLayer(layerIndex);
        if (!(layer.conf().getLayer() instanceof OnLstm conf)) {
            throw new IllegalArgumentException("layer " + layerIndex + " is a "
                    + layer.conf().getLayer().getClass().getSimpleName() + ", not an OnLstm: syntactic distances"
                    + " come from ON-LSTM master forget gates");
        }
        List<INDArray> activations = net.feedForwardToLayer(layerIndex, features, false);
        return compute(conf, layer.paramTable(), activations.get(layerIndex), activations.get(layerIndex + 1));
    }

    /**
     * The distances from a layer's parameters, its input {@code [B, nIn, T]} and its output
     * {@code [B, H, T]} (NCW; NWC if the layer is configured so), from zero initial state.
     */
    public static double[][] compute(OnLstm conf, Map<String, INDArray> params, INDArray input, INDArray output) {
        boolean nwc = conf.getRnnDataFormat() == RNNFormat.NWC;
        INDArray x = (nwc ? input.permute(0, 2, 1) : input).castTo(DataType.DOUBLE);
        INDArray h = (nwc ? output.permute(0, 2, 1) : output).castTo(DataType.DOUBLE);
        OnLstmCell cell = (OnLstmCell) conf.cell();
        int hidden = conf.hiddenSize();
        int n = cell.chunks(hidden);
        double[][] wIh =
                params.get(CellKeys.INPUT_WEIGHT).castTo(DataType.DOUBLE).toDoubleMatrix();
        double[][] wHh =
                params.get(CellKeys.RECURRENT_WEIGHT).castTo(DataType.DOUBLE).toDoubleMatrix();
        double[] bIh = params.get(CellKeys.INPUT_BIAS).castTo(DataType.DOUBLE).toDoubleVector();
        double[] bHh =
                params.get(CellKeys.RECURRENT_BIAS).castTo(DataType.DOUBLE).toDoubleVector();
        double scale = cell.inferenceScale();
        int batch = (int) x.size(0);
        int nIn = (int) x.size(1);
        int steps = (int) x.size(2);
        double[][] distances = new double[batch][steps];
        double[] a = new double[n];
        for (int b = 0; b < batch; b++) {
            double[][] xb = x.slice(b).toDoubleMatrix();
            double[][] hb = h.slice(b).toDoubleMatrix();
            for (int t = 0; t < steps; t++) {
                for (int q = 0; q < n; q++) {
                    int row = n + q;
                    double v = bIh[row] + bHh[row];
                    for (int i = 0; i < nIn; i++) {
                        v += wIh[row][i] * xb[i][t];
                    }
                    for (int j = 0; t > 0 && j < hidden; j++) {
                        v += scale * wHh[row][j] * hb[j][t - 1];
                    }
                    a[q] = v;
                }
                distances[b][t] = 1.0 - mean(cumax(a));
            }
        }
        return distances;
    }

    private static double[] cumax(double[] a) {
        double max = Arrays.stream(a).max().orElse(0);
        double sum = 0;
        double[] y = new double[a.length];
        for (int q = 0; q < a.length; q++) {
            y[q] = Math.exp(a[q] - max);
            sum += y[q];
        }
        double cumulative = 0;
        for (int q = 0; q < a.length; q++) {
            cumulative += y[q] / sum;
            y[q] = cumulative;
        }
        return y;
    }

    private static double mean(double[] v) {
        return Arrays.stream(v).sum() / v.length;
    }
}
