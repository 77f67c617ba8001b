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
        table().write(directory.resolve(CSV));
        PngChart.write(directory.resolve(PNG), chart());
    }

    /** The curves as the text of {@value #CSV}. */
    public String csv() {
        return table().text();
    }

    /**
     * Curves from the text of a {@value #CSV} this class wrote (e.g. in a checkpoint, so that a
     * resumed run's curves carry on).
     *
     * @throws IOException naming {@code source} and the line if the text is not such a table
     */
    public static TrainingCurves parse(String csv, String source) throws IOException {
        List<String> lines = csv.lines().toList();
        String[] header = lines.isEmpty() ? new String[0] : lines.get(0).split(",", -1);
        if (header.length != 3 || !header[0].equals("step") || !header[1].equals("train_loss")) {
            throw new IOException(source + ":1: not a table of training curves (expected the header"
                    + " step,train_loss,<validation>)");
        }
        TrainingCurves curves = new TrainingCurves(header[2]);
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",", -1);
            try {
                if (f.length != 3) {
                    throw new NumberFormatException("expected 3 fields, found " + f.length);
                }
                curves.add(Long.parseLong(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]));
            } catch (NumberFormatException e) {
                throw new IOException(source + ":" + (i + 1) + ": not a row of training curves: " + e.getMessage());
            }
        }
        return curves;
    }

    private CsvTable table() {
        CsvTable table = new CsvTable("step", "train_loss", validation);
        for (double[] p : points) {
            table.add((long) p[0], p[1], p[2]);
        }
        return table;
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
