package org.recurrent4j.cell;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Views and products on feature-major sequence arrays: {@code [T, rows, B]} in C order, so that
 * step {@code t} is a contiguous {@code [rows, B]} matrix and a block of rows of a step is
 * contiguous too. Every method here works on whole blocks; none loops over elements.
 */
public final class FeatureMajor {

    private FeatureMajor() {}

    /** Step {@code t} of a {@code [T, rows, B]} array: a contiguous {@code [rows, B]} view. */
    public static INDArray step(INDArray sequence, int t) {
        return sequence.get(point(t), all(), all());
    }

    /** Steps {@code [from, to)} of a {@code [T, rows, B]} array: a contiguous view. */
    public static INDArray steps(INDArray sequence, long from, long to) {
        return sequence.get(interval(from, to), all(), all());
    }

    /** Steps {@code [from, T)} of a {@code [T, rows, B]} array (the array itself when from is 0; null stays null). */
    public static INDArray fromStep(INDArray sequence, int from) {
        if (sequence == null || from == 0) {
            return sequence;
        }
        return steps(sequence, from, sequence.size(0));
    }

    /** Rows {@code [from, to)} of a {@code [rows, B]} matrix: a contiguous view. */
    public static INDArray rows(INDArray matrix, long from, long to) {
        return matrix.get(interval(from, to), all());
    }

    /** Rows {@code [from, to)} of every step of a {@code [T, rows, B]} array (a strided view). */
    public static INDArray stepRows(INDArray sequence, long from, long to) {
        return sequence.get(all(), interval(from, to), all());
    }

    /** {@code out = a ⊙ b}, element-wise, without allocating. */
    public static INDArray multiply(INDArray a, INDArray b, INDArray out) {
        Nd4j.exec(new MulOp(a, b, out));
        return out;
    }

    /** {@code out = a ⊙ w}, with {@code w} a vector of length {@code rows} broadcast along B. */
    public static INDArray multiplyColumn(INDArray a, INDArray w, INDArray out) {
        Nd4j.getExecutioner().exec(new BroadcastMulOp(a, w, out, 0));
        return out;
    }

    /** Adds the vector {@code b [rows]} to every step and column of a {@code [T, rows, B]} array. */
    public static void addToEveryStep(INDArray sequence, INDArray b) {
        Nd4j.getExecutioner().exec(new BroadcastAddOp(sequence, b, sequence, 1));
    }

    /** Adds the vector {@code b [rows]} to every column of a {@code [rows, B]} matrix. */
    public static void addColumn(INDArray matrix, INDArray b) {
        Nd4j.getExecutioner().exec(new BroadcastAddOp(matrix, b, matrix, 0));
    }

    /**
     * {@code Σ_t Σ_b a[t, :, b] ⊗ b[t, :, b]}: the sum over steps and batch of outer products, as
     * one matrix product. This is how every weight gradient is formed after the backward loop.
     *
     * @param a {@code [T, P, B]}
     * @param b {@code [T, Q, B]}
     * @return {@code [P, Q]}
     */
    public static INDArray outerSum(INDArray a, INDArray b) {
        return Nd4j.tensorMmul(a, b, new int[][] {{0, 2}, {0, 2}});
    }

    /** {@code Σ_t Σ_b a[t, :, b] ⊙ b[t, :, b]}: a vector of length {@code rows}. */
    public static INDArray productSum(INDArray a, INDArray b) {
        return a.mul(b).sum(0, 2);
    }
}
