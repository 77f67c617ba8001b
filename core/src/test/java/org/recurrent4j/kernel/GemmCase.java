package org.recurrent4j.kernel;

import java.util.Arrays;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One product {@code C = alpha · op(A) · op(B) + beta · C} with random operands stored as the cells
 * store them: at offsets into larger arrays, with padded rows (as a step of a {@code [rows, T, B]}
 * array). {@link #run} computes it on fresh arrays of a data type and returns C's whole memory.
 */
record GemmCase(
        boolean transA,
        boolean transB,
        int m,
        int n,
        int k,
        double alpha,
        double beta,
        int lda,
        int ldb,
        int ldc,
        long aOffset,
        long bOffset,
        long cOffset,
        double[] a,
        double[] b,
        double[] c) {

    static GemmCase random(
            Random random, boolean transA, boolean transB, int m, int n, int k, double alpha, double beta) {
        int lda = (transA ? m : k) + 3;
        int ldb = (transB ? k : n) + 2;
        int ldc = n + 4;
        long aOffset = 5;
        long bOffset = 1;
        long cOffset = 7;
        return new GemmCase(
                transA,
                transB,
                m,
                n,
                k,
                alpha,
                beta,
                lda,
                ldb,
                ldc,
                aOffset,
                bOffset,
                cOffset,
                randoms(random, aOffset + (long) lda * (transA ? k : m)),
                randoms(random, bOffset + (long) ldb * (transB ? n : k)),
                // Two values past C's last row, to show that nothing beyond C is written.
                randoms(random, cOffset + (long) ldc * m + 2));
    }

    /** C's memory after {@link Blas#gemm} on arrays of {@code type}, as doubles. */
    double[] run(DataType type) {
        NativeArray aArray = NativeArray.of(Nd4j.createFromArray(a).castTo(type));
        NativeArray bArray = NativeArray.of(Nd4j.createFromArray(b).castTo(type));
        NativeArray cArray = NativeArray.of(Nd4j.createFromArray(c).castTo(type));
        Blas.gemm(
                transA, transB, m, n, k, alpha, aArray, aOffset, lda, bArray, bOffset, ldb, beta, cArray, cOffset, ldc);
        return cArray.array().castTo(DataType.DOUBLE).toDoubleVector();
    }

    /** The same product with every element of C's memory set to {@code value}. */
    GemmCase withC(double value) {
        double[] filled = new double[c.length];
        Arrays.fill(filled, value);
        return new GemmCase(
                transA, transB, m, n, k, alpha, beta, lda, ldb, ldc, aOffset, bOffset, cOffset, a, b, filled);
    }

    /** Whether element {@code i} of C's memory lies outside C (before it, in row padding, or after it). */
    boolean outside(int i) {
        long at = i - cOffset;
        return at < 0 || at >= (long) ldc * m || at % ldc >= n;
    }

    @Override
    public String toString() {
        return m + "x" + n + "x" + k + " transA " + transA + " transB " + transB + " alpha " + alpha + " beta " + beta;
    }

    private static double[] randoms(Random random, long length) {
        double[] values = new double[Math.toIntExact(length)];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextDouble() * 2 - 1;
        }
        return values;
    }
}
