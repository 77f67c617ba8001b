package org.recurrent4j.timeseries;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

class ForecastWindowsTest {

    private static double[] ramp(int n, double offset) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = offset + i;
        }
        return v;
    }

    @Test
    void cutsWindowsWithTheNextValuesAsLabels() {
        ForecastWindows windows = ForecastWindows.Builder.of(ramp(8, 0), ramp(5, 100))
                .window(3)
                .horizon(2)
                .stride(2)
                .batchSize(10)
                .build();
        // series 0: starts 0, 2 (0+5 <= 8, 2+5 <= 8, 4+5 > 8); series 1: start 0
        assertEquals(3, windows.windows());
        DataSet batch = windows.next();
        assertArrayEquals(new long[] {3, 1, 3}, batch.getFeatures().shape());
        assertArrayEquals(
                new double[] {2, 3, 4},
                batch.getFeatures()
                        .get(
                                org.nd4j.linalg.indexing.NDArrayIndex.point(1),
                                org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                                org.nd4j.linalg.indexing.NDArrayIndex.all())
                        .toDoubleVector());
        assertArrayEquals(
                new double[][] {{3, 4}, {5, 6}, {103, 104}}, batch.getLabels().toDoubleMatrix());
    }

    @Test
    void multivariateLabelsAreHorizonMajorOverTheTargetFeatures() {
        double[][] steps = new double[6][3];
        for (int t = 0; t < 6; t++) {
            steps[t] = new double[] {t, 10 * t, 100 * t};
        }
        ForecastWindows windows = new ForecastWindows.Builder(List.of(new Series(steps, null, -1, "s")))
                .window(2)
                .horizon(2)
                .targets(2, 0)
                .build();
        DataSet first = windows.next(1);
        assertArrayEquals(new long[] {1, 3, 2}, first.getFeatures().shape());
        assertArrayEquals(new double[] {200, 2, 300, 3}, first.getLabels().toDoubleVector());
        assertEquals(4, windows.totalOutcomes());
    }

    @Test
    void aSeriesShorterThanWindowPlusHorizonIsAnErrorOrCountedWhenSkipped() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ForecastWindows.Builder.of(ramp(10, 0), ramp(4, 0))
                        .window(3)
                        .horizon(2)
                        .build());
        assertEquals(
                "series 1: 4 steps, fewer than a window of 3 plus a horizon of 2 need (5); use a shorter window or"
                        + " skipShort(true)",
                e.getMessage());
        ForecastWindows skipping = ForecastWindows.Builder.of(ramp(10, 0), ramp(4, 0))
                .window(3)
                .horizon(2)
                .skipShort(true)
                .build();
        assertEquals(1, skipping.skipped());
        assertEquals(6, skipping.windows());
    }

    @Test
    void shufflesReproduciblyAndDifferentlyEachEpoch() {
        List<Double> epoch1a = firstValues(7);
        assertEquals(epoch1a, firstValues(7));
        ForecastWindows windows = ForecastWindows.Builder.of(ramp(40, 0))
                .window(2)
                .batchSize(40)
                .shuffle(7)
                .build();
        double[] first = windows.next()
                .getFeatures()
                .get(
                        org.nd4j.linalg.indexing.NDArrayIndex.all(),
                        org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                        org.nd4j.linalg.indexing.NDArrayIndex.point(0))
                .toDoubleVector();
        windows.reset();
        double[] second = windows.next()
                .getFeatures()
                .get(
                        org.nd4j.linalg.indexing.NDArrayIndex.all(),
                        org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                        org.nd4j.linalg.indexing.NDArrayIndex.point(0))
                .toDoubleVector();
        assertNotEquals(List.of(first), List.of(second));
        java.util.Arrays.sort(first);
        java.util.Arrays.sort(second);
        assertArrayEquals(first, second, "every window once per epoch");
        assertArrayEquals(ramp(38, 0), first);
    }

    private static List<Double> firstValues(long seed) {
        ForecastWindows windows = ForecastWindows.Builder.of(ramp(30, 0))
                .window(4)
                .batchSize(5)
                .shuffle(seed)
                .build();
        List<Double> values = new ArrayList<>();
        while (windows.hasNext()) {
            DataSet batch = windows.next();
            for (int b = 0; b < batch.numExamples(); b++) {
                values.add(batch.getFeatures().getDouble(b, 0, 0));
            }
        }
        return values;
    }
}
