package org.recurrent4j.examples.diagnostics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The learning curves of a training run: at each measurement the step, the training loss, and one
 * validation measure (a loss, an accuracy, an exact match). Written next to the saved model as
 * {@value #CSV} and {@value #PNG}, each atomically.
 *
 * <pre>{@code
 * TrainingCurves curves = new TrainingCurves("validation_loss");
 * curves.add(100, 1.9, 2.1);
 * curves.write(modelDirectory);
 * }</pre>
 */
public final class TrainingCurves {

    /** The table's file name. */
    public static final String CSV = "curves.csv";
    /** The plot's file name. */
    public static final String PNG = "curves.png";

    private final String validation;
    private final List<double[]> points = new ArrayList<>();

    /** @param validation the name of the validation measure's column, e.g. {@code validation_loss} */
    public TrainingCurves(String validation) {
        this.validation = validation;
    }

    /** Adds a measurement; {@code NaN} for a value not measured at this step. */
    public void add(long step, double trainLoss, double validationValue) {
        points.add(new double[] {step, trainLoss, validationValue});
    }

    public int size() {
        return points.size();
    }

    /** The step of the last measurement; -1 before the first. */
    public long lastStep() {
        return points.isEmpty() ? -1 : (long) points.get(points.size() - 1)[0];
    }

    /** The validation value of the last measurement; NaN before the first. */
    public double lastValidation() {
        return points.isEmpty() ? Double.NaN : points.get(points.size() - 1)[2];
    }

    /** Writes {@value #CSV} and {@value #PNG} into {@code directory}, creating it if needed. */
    public void write(Path directory) throws IOException {
        Files.createDirectories(directory);
        CsvTable table = new CsvTable("step", "train_loss", validation);
        for (double[] p : points) {
            table.add((long) p[0], p[1], p[2]);
        }
        table.write(directory.resolve(CSV));
        PngChart.write(directory.resolve(PNG), chart());
    }

    private XYChart chart() {
        XYChart chart = new XYChartBuilder()
                .width(800)
                .height(500)
                .title("training curves")
                .xAxisTitle("step")
                .yAxisTitle("loss")
                .build();
        // The validation measure may be on another scale (an accuracy): it gets the right-hand axis.
        chart.setYAxisGroupTitle(1, validation.replace('_', ' '));
        series(chart, "train loss", 1, 0);
        series(chart, validation.replace('_', ' '), 2, 1);
        return chart;
    }

    private void series(XYChart chart, String name, int column, int axis) {
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (double[] p : points) {
            if (Double.isFinite(p[column])) {
                x.add(p[0]);
                y.add(p[column]);
            }
        }
        if (!x.isEmpty()) {
            XYSeries series = chart.addSeries(name, x, y);
            series.setMarker(SeriesMarkers.CIRCLE);
            series.setYAxisGroup(axis);
        }
    }
}
