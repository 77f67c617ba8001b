package org.recurrent4j.training;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import org.recurrent4j.io.AtomicFile;

/**
 * The learning curves of a {@link TrainingRun}: the mean training loss over regular stretches of
 * steps, and the run's metrics at each measurement, against the step and the training time. A row
 * holds what was known at its step; a value not measured there is NaN (an empty cell in the CSV).
 *
 * <p>CSV ({@value #CSV_FILE}): the header {@code step,seconds,train_loss,<metric>,...}, then a row
 * per point. A resumed run reads its checkpoint's curves and goes on appending.
 *
 * <pre>{@code
 * LearningCurves curves = result.curves();
 * curves.write(Path.of("runs/model/curves.csv"));
 * OptionalDouble last = curves.last("heldout_accuracy");
 * }</pre>
 */
public final class LearningCurves {

    /** The usual file name. */
    public static final String CSV_FILE = "curves.csv";

    /** A point: the step, the training seconds so far, the training loss and each metric (NaN: not measured). */
    public record Row(long step, double seconds, double trainLoss, double[] metrics) {
        public Row {
            metrics = metrics.clone();
        }

        @Override
        public double[] metrics() {
            return metrics.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Row r
                    && r.step == step
                    && Double.compare(r.seconds, seconds) == 0
                    && Double.compare(r.trainLoss, trainLoss) == 0
                    && Arrays.equals(r.metrics, metrics);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(step) * 31 + Arrays.hashCode(metrics);
        }
    }

    private final List<String> metrics;
    private final List<Row> rows = new ArrayList<>();

    /** Empty curves with these metric columns. */
    public LearningCurves(List<String> metrics) {
        metrics.forEach(Metric::checkedName);
        this.metrics = List.copyOf(metrics);
    }

    /** The metric columns, in order. */
    public List<String> metrics() {
        return metrics;
    }

    /** The rows, oldest first. */
    public List<Row> rows() {
        return List.copyOf(rows);
    }

    /** Appends a row; {@code metricValues} in the order of {@link #metrics()}. */
    public void add(long step, double seconds, double trainLoss, double... metricValues) {
        if (metricValues.length != metrics.size()) {
            throw new IllegalArgumentException(
                    "a row has a value per metric " + metrics + ", got " + metricValues.length + " values");
        }
        rows.add(new Row(step, seconds, trainLoss, metricValues));
    }

    /**
     * Puts metric values into the last row when it is a training-loss row of the same step (so a
     * step has one row), else appends a row with them.
     */
    void addMeasurement(long step, double seconds, double trainLoss, double[] metricValues) {
        if (!rows.isEmpty()) {
            Row last = rows.get(rows.size() - 1);
            if (last.step == step && Arrays.stream(last.metrics).allMatch(Double::isNaN)) {
                rows.set(rows.size() - 1, new Row(step, seconds, last.trainLoss, metricValues));
                return;
            }
        }
        add(step, seconds, trainLoss, metricValues);
    }

    /** The last measured value of a metric, if any. */
    public OptionalDouble last(String metric) {
        int column = metrics.indexOf(metric);
        if (column < 0) {
            throw new IllegalArgumentException("no metric '" + metric + "' in the curves; they have " + metrics);
        }
        for (int i = rows.size() - 1; i >= 0; i--) {
            double v = rows.get(i).metrics[column];
            if (!Double.isNaN(v)) {
                return OptionalDouble.of(v);
            }
        }
        return OptionalDouble.empty();
    }

    /** The values of a column over the rows, NaN where not measured ({@code train_loss} or a metric). */
    public double[] column(String name) {
        int column = name.equals("train_loss") ? -1 : metrics.indexOf(name);
        if (column < 0 && !name.equals("train_loss")) {
            throw new IllegalArgumentException("no column '" + name + "'; the curves have train_loss and " + metrics);
        }
        return rows.stream()
                .mapToDouble(r -> column < 0 ? r.trainLoss : r.metrics[column])
                .toArray();
    }

    /** The steps of the rows. */
    public long[] steps() {
        return rows.stream().mapToLong(Row::step).toArray();
    }

    /** The CSV text. */
    public String csv() {
        StringBuilder text = new StringBuilder("step,seconds,train_loss");
        metrics.forEach(m -> text.append(',').append(m));
        text.append('\n');
        for (Row r : rows) {
            text.append(r.step).append(',').append(cell(r.seconds)).append(',').append(cell(r.trainLoss));
            for (double v : r.metrics) {
                text.append(',').append(cell(v));
            }
            text.append('\n');
        }
        return text.toString();
    }

    /** Writes the CSV atomically. */
    public void write(Path file) throws IOException {
        AtomicFile.writeBytes(file, csv().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads curves this class wrote.
     *
     * @throws IOException naming {@code source} and the line that is not part of such a table
     */
    public static LearningCurves parse(String csv, String source) throws IOException {
        List<String> lines = csv.lines().toList();
        String[] header = lines.isEmpty() ? new String[0] : lines.get(0).split(",", -1);
        if (header.length < 3
                || !header[0].equals("step")
                || !header[1].equals("seconds")
                || !header[2].equals("train_loss")) {
            throw new IOException(source + ":1: not a table of learning curves (expected the header"
                    + " step,seconds,train_loss[,metric...])");
        }
        LearningCurves curves;
        try {
            curves = new LearningCurves(Arrays.asList(header).subList(3, header.length));
        } catch (IllegalArgumentException e) {
            throw new IOException(source + ":1: " + e.getMessage());
        }
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",", -1);
            try {
                if (f.length != header.length) {
                    throw new NumberFormatException("expected " + header.length + " fields, found " + f.length);
                }
                double[] values = new double[f.length - 3];
                for (int c = 3; c < f.length; c++) {
                    values[c - 3] = value(f[c]);
                }
                curves.add(Long.parseLong(f[0]), value(f[1]), value(f[2]), values);
            } catch (NumberFormatException e) {
                throw new IOException(source + ":" + (i + 1) + ": not a row of learning curves: " + e.getMessage());
            }
        }
        return curves;
    }

    /** Reads a CSV file this class wrote. */
    public static LearningCurves read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    private static String cell(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%s", v);
    }

    private static double value(String cell) {
        return cell.isEmpty() ? Double.NaN : Double.parseDouble(cell);
    }
}
