package org.recurrent4j.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;

class CountUpTest {

    @Test
    void labelsCountFromTheStartByTheStrideModuloV() {
        int v = 10;
        int k = 4;
        int l = 12;
        DataSet d = new CountUp(v, k, l, 200, 1, 5).next();
        assertArrayEquals(new long[] {200, v + k}, d.getFeatures().shape());
        assertArrayEquals(new long[] {200, v, l}, d.getLabels().shape());
        Set<Integer> starts = new HashSet<>();
        Set<Integer> strides = new HashSet<>();
        for (int b = 0; b < 200; b++) {
            INDArray seed = d.getFeatures().getRow(b);
            assertEquals(2.0, seed.sumNumber().doubleValue(), 0.0, "one start and one stride");
            int start = seed.get(NDArrayIndex.interval(0, v)).argMax().getInt(0);
            int stride = 1 + seed.get(NDArrayIndex.interval(v, v + k)).argMax().getInt(0);
            assertEquals(1.0, seed.getDouble(start), 0.0);
            assertEquals(1.0, seed.getDouble(v + stride - 1), 0.0);
            starts.add(start);
            strides.add(stride);
            int expected = start;
            for (int t = 0; t < l; t++) {
                assertEquals(1.0, d.getLabels().getDouble(b, expected, t), 0.0, "example " + b + " step " + t);
                assertEquals(
                        1.0,
                        d.getLabels()
                                .get(NDArrayIndex.point(b), NDArrayIndex.all(), NDArrayIndex.point(t))
                                .sumNumber()
                                .doubleValue(),
                        0.0);
                expected = (expected + stride) % v;
            }
        }
        assertEquals(v, starts.size(), "every start occurs");
        assertEquals(k, strides.size(), "every stride 1..K occurs");
    }

    @Test
    void seedVectorAndValuesAreThePublicFormOfTheEncoding() {
        CountUp task = new CountUp(10, 3, 8, 4, 1, 1);
        INDArray seed = task.seedVector(7, 2);
        assertArrayEquals(new long[] {1, 13}, seed.shape());
        double[] expected = new double[13];
        expected[7] = 1;
        expected[10 + 1] = 1;
        assertArrayEquals(expected, seed.toDoubleVector(), 0.0);
        int[] count = new int[8];
        for (int t = 0; t < 8; t++) {
            count[t] = task.value(7, 2, t);
        }
        assertArrayEquals(new int[] {7, 9, 1, 3, 5, 7, 9, 1}, count);
        assertEquals(Math.log(10), task.baselineCrossEntropy(), 1e-12);
        assertEquals(8, task.length());
        assertMessage(() -> task.seedVector(10, 1), "start must be in 0..9, got 10");
        assertMessage(() -> task.seedVector(0, 0), "stride must be in 1..3, got 0");
        assertMessage(() -> task.seedVector(0, 4), "stride must be in 1..3, got 4");
    }

    @Test
    void sameSeedSameDataOtherSeedOtherData() {
        DataSet first = new CountUp(6, 2, 5, 16, 2, 9).next();
        assertEquals(first, new CountUp(6, 2, 5, 16, 2, 9).next());
        assertNotEquals(first, new CountUp(6, 2, 5, 16, 2, 10).next());
        CountUp task = new CountUp(6, 2, 5, 16, 2, 9);
        task.next();
        task.next();
        assertTrue(!task.hasNext());
        task.reset();
        assertEquals(first, task.next());
    }

    @Test
    void badArgumentsNameTheArgumentAndItsValue() {
        assertMessage(() -> new CountUp(1, 1, 5, 4, 1, 0), "values must be at least 2, got 1");
        assertMessage(() -> new CountUp(5, 0, 5, 4, 1, 0), "maxStride must be in 1..4");
        assertMessage(() -> new CountUp(5, 5, 5, 4, 1, 0), "got 5");
        assertMessage(() -> new CountUp(5, 2, 0, 4, 1, 0), "length must be at least 1, got 0");
        assertMessage(() -> new CountUp(5, 2, 3, 0, 1, 0), "batchSize must be at least 1, got 0");
        assertMessage(() -> new CountUp(5, 2, 3, 4, -3, 0), "batches (per epoch) must be at least 1, got -3");
    }

    private static void assertMessage(Executable call, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
