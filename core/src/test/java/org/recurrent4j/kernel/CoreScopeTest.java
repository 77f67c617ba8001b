package org.recurrent4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Inside a {@link CoreScope}, a product large enough to split is computed in blocks of rows (or of
 * columns, when C is wider than tall), each a single-threaded product: the blocks must add up to
 * the one product outside a scope, for every transpose, offset and leading dimension, and the
 * rows or columns outside C must stay untouched.
 */
class CoreScopeTest {

    @Test
    @SuppressWarnings("try") // the resource is a scope, opened for its effect on the code inside
    void splitProductsEqualTheWholeProduct() {
        Random random = new Random(3);
        // Taller than wide (blocks of rows) and wider than tall (blocks of columns), both above the split threshold.
        int[][] shapes = {{600, 40, 96}, {24, 1500, 64}, {257, 257, 33}};
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (int[] shape : shapes) {
                int m = shape[0];
                int n = shape[1];
                int k = shape[2];
                assertTrue((long) m * n * k >= Blas.SPLIT_WORK);
                for (boolean transA : new boolean[] {false, true}) {
                    for (boolean transB : new boolean[] {false, true}) {
                        int lda = (transA ? m : k) + 3;
                        int ldb = (transB ? k : n) + 2;
                        int ldc = n + 5;
                        long aOff = 4;
                        long bOff = 2;
                        long cOff = 9;
                        double[] aData = randoms(random, aOff + (long) lda * (transA ? k : m));
                        double[] bData = randoms(random, bOff + (long) ldb * (transB ? n : k));
                        double[] cData = randoms(random, cOff + (long) ldc * m + 7);
                        double[][] results = new double[2][];
                        for (int scoped = 0; scoped < 2; scoped++) {
                            NativeArray a =
                                    NativeArray.of(Nd4j.createFromArray(aData).castTo(type));
                            NativeArray b =
                                    NativeArray.of(Nd4j.createFromArray(bData).castTo(type));
                            NativeArray c =
                                    NativeArray.of(Nd4j.createFromArray(cData).castTo(type));
                            if (scoped == 1) {
                                try (CoreScope scope = CoreScope.open()) {
                                    Blas.gemm(
                                            transA, transB, m, n, k, 0.75, a, aOff, lda, b, bOff, ldb, 0.5, c, cOff,
                                            ldc);
                                }
                            } else {
                                Blas.gemm(transA, transB, m, n, k, 0.75, a, aOff, lda, b, bOff, ldb, 0.5, c, cOff, ldc);
                            }
                            results[scoped] = c.array().castTo(DataType.DOUBLE).toDoubleVector();
                        }
                        String what = type + " " + m + "x" + n + "x" + k + " transA " + transA + " transB " + transB;
                        double tolerance = type == DataType.FLOAT ? 2e-4 : 1e-11;
                        for (int i = 0; i < cData.length; i++) {
                            assertEquals(results[0][i], results[1][i], tolerance, what + " at " + i);
                        }
                        for (int row = 0; row < m; row++) {
                            for (int col = n; col < ldc; col++) {
                                int i = (int) (cOff + (long) row * ldc + col);
                                assertEquals(
                                        type == DataType.FLOAT ? (float) cData[i] : cData[i],
                                        results[1][i],
                                        0.0,
                                        what + ": padding at " + i + " untouched");
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    @SuppressWarnings("try") // the resource is a scope, opened for its effect on the code inside
    void scopesNestAndCloseOnce() {
        assertFalse(CoreScope.active());
        try (CoreScope outer = CoreScope.open()) {
            assertTrue(CoreScope.active());
            CoreScope inner = CoreScope.open();
            inner.close();
            inner.close();
            assertTrue(CoreScope.active(), "closing the inner scope twice leaves the outer one open");
        }
        assertFalse(CoreScope.active());
    }

    private static double[] randoms(Random random, long n) {
        double[] values = new double[(int) n];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextDouble() * 2 - 1;
        }
        return values;
    }
}
