package org.recurrent4j.timeseries;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.recurrent4j.conf.Lstm;

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
                        .get(NDArrayIndex.point(1), NDArrayIndex.point(0), NDArrayIndex.all())
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

    // found by ForecastWindowsFuzzTest: window + horizon overflowed an int, so that a window of
    // Integer.MAX_VALUE steps "fitted" every series and the loop cutting windows never ended
    @Test
    void aWindowNearIntegerMaxValueDoesNotWrapAround() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ForecastWindows.Builder.of(ramp(10, 0))
                        .window(Integer.MAX_VALUE)
                        .horizon(1)
                        .build());
        assertEquals(
                "series 0: 10 steps, fewer than a window of 2147483647 plus a horizon of 1 need (2147483648); use a"
                        + " shorter window or skipShort(true)",
                e.getMessage());
    }

    // found by ForecastWindowsFuzzTest: series made by hand went into the batches with NaN values
    @Test
    void valuesThatAreNotFiniteAreNamed() {
        double[] values = ramp(10, 0);
        values[7] = Double.NaN;
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> ForecastWindows.Builder.of(ramp(10, 0), values).window(3).build());
        assertEquals(
                "series 1: step 7, feature 0 is NaN; fill in missing or infinite values before cutting windows",
                e.getMessage());
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
                .get(NDArrayIndex.all(), NDArrayIndex.point(0), NDArrayIndex.point(0))
                .toDoubleVector();
        windows.reset();
        double[] second = windows.next()
                .getFeatures()
                .get(NDArrayIndex.all(), NDArrayIndex.point(0), NDArrayIndex.point(0))
                .toDoubleVector();
        assertNotEquals(List.of(first), List.of(second));
        Arrays.sort(first);
        Arrays.sort(second);
        assertArrayEquals(first, second, "every window once per epoch");
        assertArrayEquals(ramp(38, 0), first);
    }

    @Test
    void trainsALastStepForecasterOnWindowsOfLongSeries() {
        Random random = new Random(3);
        double[][] series = new double[6][];
        for (int i = 0; i < series.length; i++) {
            double period = 8 + 8 * random.nextDouble();
            series[i] = new double[300];
            for (int t = 0; t < 300; t++) {
                series[i][t] = Math.sin(2 * Math.PI * t / period) + 0.05 * random.nextGaussian();
            }
        }
        ForecastWindows train = ForecastWindows.Builder.of(series)
                .window(24)
                .horizon(2)
                .stride(3)
                .batchSize(32)
                .shuffle(1)
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(2)
                .updater(new Adam(0.01))
                .list()
                .layer(new LastTimeStep(new Lstm.Builder().nIn(1).nOut(16).build()))
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
                        .activation(Activation.IDENTITY)
                        .nIn(16)
                        .nOut(2)
                        .build())
                .build());
        net.init();
        DataSet probe = train.next();
        double before = net.score(probe);
        net.fit(train, 6);
        double after = net.score(probe);
        assertTrue(after < 0.2 * before, "loss " + before + " -> " + after);
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
