package org.recurrent4j.init;

import java.util.Objects;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Orthogonal weight initialization (Saxe et al. 2014), Keras' default for recurrent weights: a
 * matrix with orthonormal rows or columns (whichever are fewer), times a gain.
 *
 * <p>It is drawn as the Q factor of a Gaussian matrix, with the signs fixed so that the result is
 * uniformly distributed over orthogonal matrices. DL4J 1.0.0-M2.1 has no such initializer. For the
 * recurrent layers of this project, the recurrent weights are initialized one {@code [H, H]} gate
 * block at a time, so every gate's recurrent map is orthogonal.
 *
 * <pre>{@code
 * new Lstm.Builder().nIn(32).nOut(64).weightInitRecurrent(new OrthogonalInit()).build();
 * }</pre>
 */
public final class OrthogonalInit implements IWeightInit {

    private static final long serialVersionUID = 1L;

    private double gain = 1.0;

    /** Orthogonal with gain 1. */
    public OrthogonalInit() {}

    /** Orthogonal scaled by {@code gain}. */
    public OrthogonalInit(double gain) {
        this.gain = gain;
    }

    public double gain() {
        return gain;
    }

    @Override
    public INDArray init(double fanIn, double fanOut, long[] shape, char order, INDArray paramView) {
        if (shape.length != 2) {
            throw new IllegalArgumentException("Orthogonal initialization needs a matrix shape, got rank "
                    + shape.length + ": use it for weight matrices only");
        }
        int rows = Math.toIntExact(shape[0]);
        int cols = Math.toIntExact(shape[1]);
        boolean tall = rows >= cols;
        double[][] q = orthonormalColumns(tall ? rows : cols, tall ? cols : rows);
        double[][] values = new double[rows][cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                values[r][c] = gain * (tall ? q[r][c] : q[c][r]);
            }
        }
        INDArray result = paramView.reshape(order, shape);
        result.assign(Nd4j.createFromArray(values).castTo(paramView.dataType()));
        return result;
    }

    /**
     * A {@code [m, n]} matrix ({@code m ≥ n}) with orthonormal columns: modified Gram–Schmidt with
     * one re-orthogonalization pass on a Gaussian matrix drawn from ND4J's random generator (so
     * {@code Nd4j.getRandom().setSeed} and the network seed make it reproducible).
     */
    private static double[][] orthonormalColumns(int m, int n) {
        double[][] a =
                Nd4j.randn(org.nd4j.linalg.api.buffer.DataType.DOUBLE, m, n).toDoubleMatrix();
        for (int j = 0; j < n; j++) {
            for (int pass = 0; pass < 2; pass++) {
                for (int k = 0; k < j; k++) {
                    double dot = 0;
                    for (int i = 0; i < m; i++) {
                        dot += a[i][k] * a[i][j];
                    }
                    for (int i = 0; i < m; i++) {
                        a[i][j] -= dot * a[i][k];
                    }
                }
            }
            double norm = 0;
            for (int i = 0; i < m; i++) {
                norm += a[i][j] * a[i][j];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < m; i++) {
                a[i][j] /= norm;
            }
        }
        return a;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OrthogonalInit other && Double.compare(gain, other.gain) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(gain);
    }

    @Override
    public String toString() {
        return "OrthogonalInit(gain=" + gain + ")";
    }
}
