package org.recurrent4j.examples.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.recurrent4j.training.LearningCurves;

/** The curves' picture: the training and held-out losses on one axis from the first step; other metrics apart. */
class CurvesChartTest {

    private static LearningCurves curves() {
        LearningCurves curves = new LearningCurves(List.of("heldout_loss", "heldout_accuracy"));
        curves.add(0, 0.1, Double.NaN, 2.3, 0.1);
        curves.add(1, 0.2, 2.4, Double.NaN, Double.NaN);
        curves.add(10, 1.0, 1.9, Double.NaN, Double.NaN);
        curves.add(20, 2.0, 1.2, 1.4, 0.6);
        return curves;
    }

    @Test
    void theLossesShareOneAxisAndStartAtTheFirstStep() {
        XYChart chart = CurvesChart.losses(curves());
        assertEquals(
                List.of("train loss", "heldout loss"),
                List.copyOf(chart.getSeriesMap().keySet()));
        for (XYSeries series : chart.getSeriesMap().values()) {
            assertEquals(0, series.getYAxisGroup(), series.getName() + " on the loss axis");
        }
        XYSeries train = chart.getSeriesMap().get("train loss");
        assertEquals(1.0, train.getXData()[0], "the training loss from the first step");
        assertEquals(0.0, chart.getSeriesMap().get("heldout loss").getXData()[0], "the untrained network");
        assertEquals(3, train.getXData().length);
    }

    @Test
    void theTableTheLossesAndTheOtherMetricsAreWritten(@TempDir Path dir) throws Exception {
        CurvesChart.write(curves(), dir);
        assertEquals(curves().csv(), Files.readString(dir.resolve(CurvesChart.CSV)));
        assertTrue(Files.size(dir.resolve(CurvesChart.PNG)) > 1000);
        assertTrue(Files.size(dir.resolve(CurvesChart.METRICS_PNG)) > 1000);
        assertFalse(CurvesChart.isLoss("heldout_accuracy"));

        Path lossesOnly = dir.resolve("losses-only");
        CurvesChart.write(new LearningCurves(List.of("test_loss")), lossesOnly);
        assertFalse(Files.exists(lossesOnly.resolve(CurvesChart.METRICS_PNG)), "nothing but losses: one picture");
    }
}
