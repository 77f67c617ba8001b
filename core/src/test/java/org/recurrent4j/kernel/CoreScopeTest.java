package org.recurrent4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Inside a {@link CoreScope}, a product large enough to split is computed in blocks of rows (or of
 * columns, when C is wider than tall), each a single-threaded product (a matrix–vector product
 * too): the blocks must add up to the one product outside a scope, for every transpose, offset and
 * leading dimension, and the memory around C (before it, in its rows' padding, after it) must stay
 * untouched.
 */
class CoreScopeTest {

    @Test
    @SuppressWarnings("try") // the resource is a scope, opened for its effect on the code inside
    void splitProductsEqualTheWholeProduct() {
        Random random = new Random(3);
        // Taller than wide (blocks of rows) and wider than tall (blocks of columns), both above the
        // split threshold; the last two a matrix times a column and a row times a matrix (batch 1).
        int[][] shapes = {{600, 40, 96}, {24, 1500, 64}, {257, 257, 33}, {1537, 1, 129}, {1, 1201, 131}};
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (int[] shape : shapes) {
                int m = shape[0];
                int n = shape[1];
                int k = shape[2];
                assertTrue((long) m * n * k >= Blas.SPLIT_WORK);
                for (boolean transA : new boolean[] {false, true}) {
                    for (boolean transB : new boolean[] {false, true}) {
                        GemmCase product = GemmCase.random(random, transA, transB, m, n, k, 0.75, 0.5);
                        double[] whole = product.run(type);
                        double[] split;
                        try (CoreScope scope = CoreScope.open()) {
                            split = product.run(type);
                        }
                        String what = type + " " + product;
                        double tolerance = type == DataType.FLOAT ? 2e-4 : 1e-11;
                        for (int i = 0; i < whole.length; i++) {
                            assertEquals(whole[i], split[i], tolerance, what + " at " + i);
                            if (product.outside(i)) {
                                assertEquals(
                                        (float) product.c()[i], (float) split[i], 0.0, what + ": outside C at " + i);
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
}
