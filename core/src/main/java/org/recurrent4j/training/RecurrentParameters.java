package org.recurrent4j.training;

import org.deeplearning4j.nn.api.Layer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The current parameters of a recurrent4j cell layer with {@code G} gate blocks, in float64:
 * {@code Wih [G·H, nIn]}, {@code bih [G·H]}, {@code Whh [G·H, H]}, {@code bhh [G·H]} (row-major
 * arrays), and {@code Whh} again as an ND4J matrix for the sensitivity products.
 */
final class RecurrentParameters {

    static final String INPUT_WEIGHT = "Wih";
    static final String INPUT_BIAS = "bih";
    static final String RECURRENT_WEIGHT = "Whh";
    static final String RECURRENT_BIAS = "bhh";

    final double[] wih;
    final double[] bih;
    final double[] whh;
    final double[] bhh;
    final INDArray whhMatrix;

    private RecurrentParameters(INDArray wih, INDArray bih, INDArray whh, INDArray bhh) {
        this.wih = wih.castTo(DataType.DOUBLE).reshape(-1).toDoubleVector();
        this.bih = bih.castTo(DataType.DOUBLE).reshape(-1).toDoubleVector();
        this.whh = whh.castTo(DataType.DOUBLE).reshape(-1).toDoubleVector();
        this.bhh = bhh.castTo(DataType.DOUBLE).reshape(-1).toDoubleVector();
        this.whhMatrix = whh.castTo(DataType.DOUBLE).dup('c');
    }

    /** Reads the parameters of a recurrent4j cell layer as they are now. */
    static RecurrentParameters of(Layer layer) {
        return new RecurrentParameters(
                layer.getParam(INPUT_WEIGHT),
                layer.getParam(INPUT_BIAS),
                layer.getParam(RECURRENT_WEIGHT),
                layer.getParam(RECURRENT_BIAS));
    }

    /**
     * The input side of gate rows {@code [from, to)}: {@code W_ih x + b_ih} for every example, as
     * {@code [B, to − from]} row-major, for {@code x [B, nIn]} row-major.
     */
    double[] inputSide(int from, int to, double[] x, int nIn, int batch) {
        return product(wih, bih, from, to, x, nIn, batch);
    }

    /**
     * The recurrent side of gate rows {@code [from, to)}: {@code W_hh v + b_hh} for every example,
     * as {@code [B, to − from]} row-major, for {@code v [B, H]} row-major (the previous state, or
     * what the cell feeds its recurrent weights instead).
     */
    double[] recurrentSide(int from, int to, double[] v, int hidden, int batch) {
        return product(whh, bhh, from, to, v, hidden, batch);
    }

    private static double[] product(double[] w, double[] bias, int from, int to, double[] v, int n, int batch) {
        int rows = to - from;
        double[] a = new double[batch * rows];
        for (int b = 0; b < batch; b++) {
            int vi = b * n;
            for (int r = from; r < to; r++) {
                double sum = bias[r];
                int wi = r * n;
                for (int j = 0; j < n; j++) {
                    sum += w[wi + j] * v[vi + j];
                }
                a[b * rows + r - from] = sum;
            }
        }
        return a;
    }
}
