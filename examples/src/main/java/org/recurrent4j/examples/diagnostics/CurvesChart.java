package org.recurrent4j.examples.diagnostics;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.recurrent4j.training.LearningCurves;

/**
 * Draws a run's {@link LearningCurves} and writes them beside its model: {@value #CSV} (the
 * table), {@value #PNG} (the training loss and every held-out loss on one loss axis, from the first
 * step) and, when the run measured something other than a loss (an accuracy, an exact match),
 * {@value #METRICS_PNG} with those on their own axis.
 *
 * <pre>{@code
 * CurvesChart.write(result.curves(), Path.of("runs/sentiment"));
 * }</pre>
 */
public final class CurvesChart {

    /** The table's file name. */
    public static final String CSV = LearningCurves.CSV_FILE;
    /** The losses' picture. */
    public static final String PNG = "curves.png";
    /** The other metrics' picture. */
    public static final String METRICS_PNG = "metrics.png";

    private CurvesChart() {}

    /** Writes the table and the pictures into {@code directory}, each atomically. */
    public static void write(LearningCurves curves, Path directory) throws IOException {
        curves.write(directory.resolve(CSV));
        PngChart.write(directory.resolve(PNG), losses(curves));
        List<String> others = curves.metrics().stream().filter(m -> !isLoss(m)).toList();
        if (!others.isEmpty()) {
            XYChart chart = chart("held-out measurements", "value");
            others.forEach(m -> series(chart, curves, m));
            PngChart.write(directory.resolve(METRICS_PNG), chart);
        }
    }

    /** The training loss and the held-out losses, on one axis. */
    static XYChart losses(LearningCurves curves) {
        XYChart chart = chart("learning curves", "loss");
        series(chart, curves, "train_loss");
        curves.metrics().stream().filter(CurvesChart::isLoss).forEach(m -> series(chart, curves, m));
        return chart;
    }

    /** Whether a column is a loss (its name ends in {@code loss}), drawn on the loss axis. */
    static boolean isLoss(String column) {
        return column.endsWith("loss");
    }

    private static XYChart chart(String title, String yAxis) {
        return new XYChartBuilder()
                .width(800)
                .height(500)
                .title(title)
                .xAxisTitle("step")
                .yAxisTitle(yAxis)
                .build();
    }

    private static void series(XYChart chart, LearningCurves curves, String column) {
        long[] steps = curves.steps();
        double[] values = curves.column(column);
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (int i = 0; i < steps.length; i++) {
            if (Double.isFinite(values[i])) {
                x.add((double) steps[i]);
                y.add(values[i]);
            }
        }
        if (!x.isEmpty()) {
            XYSeries series = chart.addSeries(column.replace('_', ' '), x, y);
            series.setMarker(column.equals("train_loss") ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
        }
    }
}
