package org.recurrent4j.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@link NativeArray#of} reads a layer's parameters where they are: a contiguous view of the
 * network's flattened parameters (a weight matrix in C order, or a bias vector, which ND4J may
 * call F-ordered) is read and written in place, on the direct path, at its own offset also inside
 * a view of a view; any other layout is copied, so that its elements still come in C order.
 */
class NativeArrayTest {

    /** A [1, 20] parameter row 0..19, as DL4J's flattened parameters are. */
    private static INDArray parameters(DataType type) {
        return Nd4j.linspace(0, 19, 20, DataType.DOUBLE).reshape(1, 20).castTo(type);
    }

    @Test
    void contiguousViewsAreReadAndWrittenInPlace() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray params = parameters(type);
            INDArray outer = params.get(NDArrayIndex.interval(0, 1), NDArrayIndex.interval(4, 20));
            // A [3, 4] weight matrix at 6..17 (a view of a view), and a bias vector at 16..19 flagged F.
            INDArray weights = outer.get(NDArrayIndex.interval(0, 1), NDArrayIndex.interval(2, 14))
                    .reshape('c', 3, 4);
            INDArray bias = params.get(NDArrayIndex.interval(0, 1), NDArrayIndex.interval(16, 20))
                    .reshape('f', 1, 4);

            NativeArray w = NativeArray.of(weights);
            assertEquals(6.0, w.get(0), 0.0, type + ": first weight");
            assertEquals(17.0, w.get(11), 0.0, type + ": last weight");
            w.set(5, -1.0);
            assertEquals(-1.0, params.getDouble(0, 11), 0.0, type + ": a weight written in place");

            assertArrayEquals(new double[] {16, 17, 18, 19}, NativeArray.values(bias), 0.0, type + ": bias values");
            NativeArray.of(bias).set(3, -2.0);
            assertEquals(-2.0, params.getDouble(0, 19), 0.0, type + ": the F-flagged bias written in place");
        }
    }

    @Test
    void fillSetsExactlyItsRunInsideAView() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (int count : new int[] {0, 1, 2, 3, 5, 8, 13, 64, 1000}) {
                INDArray whole = Nd4j.createFromArray(
                                IntStream.range(0, 1100).asDoubleStream().toArray())
                        .castTo(type);
                INDArray view = whole.get(NDArrayIndex.interval(30, 1100)); // in place, at an offset
                NativeArray.of(view).fill(7, count, -2.5);
                for (int i = 0; i < 1100; i++) {
                    double expected = i >= 37 && i < 37 + count ? -2.5 : i;
                    assertEquals(expected, whole.getDouble(i), 0.0, type + ", " + count + " elements: element " + i);
                }
            }
        }
    }

    @Test
    void otherLayoutsAreCopiedInCOrder() {
        INDArray matrix = Nd4j.linspace(0, 5, 6, DataType.DOUBLE).reshape('c', 2, 3);
        INDArray columnMajor = matrix.dup('f');
        NativeArray a = NativeArray.of(columnMajor);
        assertArrayEquals(new double[] {0, 1, 2, 3, 4, 5}, NativeArray.values(columnMajor), 0.0);
        a.set(0, 9.0);
        assertEquals(0.0, columnMajor.getDouble(0, 0), 0.0, "a copy: the array itself is unchanged");

        INDArray strided = matrix.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 2));
        assertArrayEquals(new double[] {0, 1, 3, 4}, NativeArray.values(strided), 0.0);
    }

    @Test
    void aPermutedArrayOverAWholeBufferIsReadInItsOwnOrder() {
        try {
            for (KernelPath path : KernelPath.values()) {
                KernelPath.use(path);
                // [2, 3, 2] in memory, seen as [2, 2, 3]: not a view, and ND4J calls its order 'c'.
                INDArray permuted = Nd4j.create(DataType.FLOAT, 2, 3, 2)
                        .assign(Nd4j.linspace(0, 11, 12, DataType.FLOAT).reshape('c', 2, 3, 2))
                        .permute(0, 2, 1);
                assertArrayEquals(
                        new double[] {0, 2, 4, 1, 3, 5, 6, 8, 10, 7, 9, 11},
                        NativeArray.values(permuted),
                        0.0,
                        path + " path");
            }
        } finally {
            KernelPath.use(KernelPath.automatic());
        }
    }
}
