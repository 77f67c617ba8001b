package org.recurrent4j.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

class CopyMemoryTest {

    /** The symbol at each step of one example of a one-hot array, checking it is one-hot. */
    private static int[] symbols(INDArray oneHot, int example) {
        int[] symbols = new int[(int) oneHot.size(2)];
        for (int t = 0; t < symbols.length; t++) {
            int count = 0;
            for (int s = 0; s < CopyMemory.SYMBOLS; s++) {
                if (oneHot.getDouble(example, s, t) == 1.0) {
                    symbols[t] = s;
                    count++;
                } else {
                    assertEquals(0.0, oneHot.getDouble(example, s, t), 0.0);
                }
            }
            assertEquals(1, count, "one-hot at example " + example + " step " + t);
        }
        return symbols;
    }

    @Test
    void inputsAndTargetsFollowTheTaskDefinition() {
        int delay = 7;
        int n = 4;
        DataSet d = new CopyMemory(delay, n, 50, 1, 3).next();
        assertArrayEquals(new long[] {50, 10, delay + 2 * n}, d.getFeatures().shape());
        assertArrayEquals(new long[] {50, 10, delay + 2 * n}, d.getLabels().shape());
        Set<Integer> dataSymbols = new HashSet<>();
        for (int b = 0; b < 50; b++) {
            int[] x = symbols(d.getFeatures(), b);
            int[] y = symbols(d.getLabels(), b);
            int[] expectedY = new int[delay + 2 * n];
            for (int i = 0; i < n; i++) {
                assertTrue(x[i] >= 1 && x[i] <= 8, "data symbol " + x[i]);
                dataSymbols.add(x[i]);
                expectedY[delay + n + i] = x[i];
            }
            for (int t = n; t < n + delay - 1; t++) {
                assertEquals(CopyMemory.BLANK, x[t], "blank during the delay at " + t);
            }
            assertEquals(CopyMemory.DELIMITER, x[n + delay - 1], "delimiter after T-1 blanks");
            for (int t = n + delay; t < delay + 2 * n; t++) {
                assertEquals(CopyMemory.BLANK, x[t], "blank while recalling at " + t);
            }
            assertArrayEquals(expectedY, y, "blank for T+n steps, then the data");
        }
        assertEquals(8, dataSymbols.size(), "all 8 data symbols occur");
        assertEquals(null, d.getLabelsMaskArray(), "every step is labelled");
    }

    @Test
    void baselineIsTheMemorylessCrossEntropy() {
        CopyMemory task = new CopyMemory(100, 10, 1, 1, 0);
        assertEquals(120, task.length());
        assertEquals(10 * Math.log(8) / 120, task.baselineCrossEntropy(), 1e-15);
        assertEquals(0.17328679513998632, task.baselineCrossEntropy(), 1e-12);
        // The strategy the baseline describes: blank surely for T+n steps, uniform over 1..8 after.
        DataSet d = new CopyMemory(30, 5, 20, 1, 1).next();
        INDArray guess = d.getLabels().dup();
        guess.get(NDArrayIndex.all(), NDArrayIndex.interval(1, 9), NDArrayIndex.interval(35, 40))
                .assign(1.0 / 8);
        double crossEntropy =
                -Transforms.log(guess.add(1e-30)).mul(d.getLabels()).sumNumber().doubleValue() / (20 * 40);
        assertEquals(CopyMemory.baselineCrossEntropy(30, 5), crossEntropy, 1e-6);
    }

    @Test
    void sameSeedSameDataOtherSeedOtherData() {
        DataSet first = new CopyMemory(10, 3, 8, 2, 5).next();
        assertEquals(first, new CopyMemory(10, 3, 8, 2, 5).next());
        assertNotEquals(first, new CopyMemory(10, 3, 8, 2, 6).next());
        CopyMemory task = new CopyMemory(10, 3, 8, 2, 5);
        task.next();
        task.next();
        assertTrue(!task.hasNext());
        task.reset();
        assertEquals(first, task.next());
    }

    @Test
    void badArgumentsNameTheArgumentAndItsValue() {
        assertEquals(
                "delay must be at least 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> new CopyMemory(0, 3, 4, 1, 0))
                        .getMessage());
        assertEquals(
                "dataLength must be at least 1, got -1",
                assertThrows(IllegalArgumentException.class, () -> new CopyMemory(5, -1, 4, 1, 0))
                        .getMessage());
        assertEquals(
                "batchSize must be at least 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> new CopyMemory(5, 3, 0, 1, 0))
                        .getMessage());
    }
}
