package org.recurrent4j.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@link LuongAttentionVertexImpl#attend} computes one query per example (a stepped decoder's)
 * directly rather than with batched products: it must give the batched computation's context,
 * masks included (padded steps weigh nothing; a source without a real step gives a zero context),
 * for keys and memories in C order (read in place) and as strided views (copied).
 */
class LuongAttentionVertexTest {

    private static final int ROWS = 4;
    private static final int QUERY = 6;
    private static final int MEMORY = 5;
    private static final int STEPS = 7;

    @Test
    void oneQueryGivesTheBatchedContext() {
        for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            Nd4j.getRandom().setSeed(11);
            INDArray queries = Nd4j.randn(type, ROWS, QUERY, 1);
            INDArray keys = Nd4j.randn(type, ROWS, QUERY, STEPS);
            INDArray memory = Nd4j.randn(type, ROWS, MEMORY, STEPS);
            INDArray mask = Nd4j.ones(type, ROWS, STEPS);
            // Row 1 padded after 3 steps, row 2 after 1, row 3 has no real step.
            mask.get(NDArrayIndex.point(1), NDArrayIndex.interval(3, STEPS)).assign(0);
            mask.get(NDArrayIndex.point(2), NDArrayIndex.interval(1, STEPS)).assign(0);
            mask.getRow(3).assign(0);
            double tolerance = type == DataType.DOUBLE ? 1e-12 : 1e-5;

            for (INDArray m : new INDArray[] {null, mask}) {
                INDArray expected = batched(queries, keys, memory, m);
                String what = type + (m == null ? ", no mask" : ", masked");
                assertClose(expected, LuongAttentionVertexImpl.attend(queries, keys, memory, m), tolerance, what);
                // The same keys and memory as strided views: [B, S, D] and [B, S, E] permuted.
                INDArray keyView = keys.permute(0, 2, 1).dup('c').permute(0, 2, 1);
                INDArray memoryView = memory.permute(0, 2, 1).dup('c').permute(0, 2, 1);
                assertClose(
                        expected,
                        LuongAttentionVertexImpl.attend(queries, keyView, memoryView, m),
                        tolerance,
                        what + ", strided views");
            }
            INDArray masked = LuongAttentionVertexImpl.attend(queries, keys, memory, mask);
            assertEquals(
                    0.0,
                    masked.get(NDArrayIndex.point(3), NDArrayIndex.all(), NDArrayIndex.all())
                            .norm2Number()
                            .doubleValue(),
                    0.0,
                    type + ": no real step");
            // Row 2 has one real step: its context is that step's memory column.
            assertArrayEquals(
                    memory.get(NDArrayIndex.point(2), NDArrayIndex.all(), NDArrayIndex.point(0))
                            .toDoubleVector(),
                    masked.get(NDArrayIndex.point(2), NDArrayIndex.all(), NDArrayIndex.point(0))
                            .toDoubleVector(),
                    tolerance,
                    type + ": one real step");
        }
    }

    /** The context of the batched path: the query given twice, so that M = 2, and its first column. */
    private static INDArray batched(INDArray queries, INDArray keys, INDArray memory, INDArray mask) {
        INDArray twice = Nd4j.concat(2, queries, queries);
        INDArray context = LuongAttentionVertexImpl.attend(twice, keys, memory, mask);
        return context.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, 1));
    }

    private static void assertClose(INDArray expected, INDArray actual, double tolerance, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        assertEquals(expected.dataType(), actual.dataType(), what + ": data type");
        assertArrayEquals(
                expected.dup('c').data().asDouble(), actual.dup('c').data().asDouble(), tolerance, what);
    }
}
