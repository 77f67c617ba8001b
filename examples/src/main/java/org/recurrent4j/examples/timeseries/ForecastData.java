package org.recurrent4j.examples.timeseries;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.recurrent4j.examples.cli.UsageException;
import org.recurrent4j.synthetic.NoisySines;
import org.recurrent4j.text.Utf8Text;

/**
 * The series of {@code timeseries forecast} and their split in time: generated noisy sines or a
 * column of a CSV file, each series cut into a training part (its beginning) and a test part (its
 * end, with the {@code window} steps before it as the first test window's input).
 */
final class ForecastData {

    /** Named univariate series. */
    record Source(String name, List<String> names, List<double[]> series) {}

    /**
     * The training parts, the test parts (each starting {@code window} steps before the held-out
     * end, whose values only the test forecasts), and the steps held out.
     */
    record Split(List<double[]> train, List<double[]> test, int heldOut) {}

    private ForecastData() {}

    static Source load(ForecastCommand o) throws UsageException {
        if (o.csv != null) {
            String name = o.csv + ", column " + o.column;
            return new Source(name, List.of(name), List.of(column(o.csv, o.column, o.skipLines)));
        }
        double[][] values = new NoisySines(o.length, 1, 2, o.noise, o.series, 1, o.seed.seed())
                .next()
                .getFeatures()
                .reshape(o.series, o.length)
                .toDoubleMatrix();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            names.add("generated series " + i);
        }
        return new Source(
                o.series + " generated sums of two sines (noise " + o.noise + ")", names, Arrays.asList(values));
    }

    /** Holds out the last {@code fraction} of every series (at least {@code horizon} steps). */
    static Split split(Source source, int window, int horizon, double fraction) throws UsageException {
        List<double[]> train = new ArrayList<>();
        List<double[]> test = new ArrayList<>();
        int heldOut = -1;
        for (int i = 0; i < source.series().size(); i++) {
            double[] values = source.series().get(i);
            int held = Math.max(horizon, (int) Math.round(values.length * fraction));
            int end = values.length - held;
            if (end < window + horizon) {
                throw new UsageException(source.names().get(i) + ": " + values.length + " steps; holding out the last "
                        + held + " for the test leaves " + Math.max(end, 0) + " for training, fewer than --window "
                        + window + " plus --horizon " + horizon + " need (" + (window + horizon)
                        + "); use a shorter --window or a longer series");
            }
            train.add(Arrays.copyOfRange(values, 0, end));
            test.add(Arrays.copyOfRange(values, end - window, values.length));
            heldOut = heldOut < 0 ? held : Math.min(heldOut, held);
        }
        return new Split(train, test, heldOut);
    }

    /**
     * Column {@code column} of a CSV file, a value per line after {@code skipLines}; the other
     * columns are not read. A line without the column, a value that is not a finite number and an
     * empty line are errors naming the file and line.
     */
    private static double[] column(Path file, int column, int skipLines) throws UsageException {
        if (!Files.isRegularFile(file)) {
            throw new UsageException("--csv: no such file: " + file.toAbsolutePath());
        }
        String[] lines;
        try {
            lines = Utf8Text.decode(Files.readAllBytes(file), file.toString()).split("\r?\n", -1);
        } catch (IOException e) {
            throw new UsageException(e.getMessage());
        }
        int last = lines.length - (lines[lines.length - 1].isEmpty() ? 1 : 0);
        double[] values = new double[Math.max(0, last - skipLines)];
        for (int i = skipLines; i < last; i++) {
            String where = file + ":" + (i + 1);
            if (lines[i].isBlank()) {
                throw new UsageException(where + ": empty line; a series has a value on every line");
            }
            String[] fields = lines[i].split(",", -1);
            if (column >= fields.length) {
                throw new UsageException(
                        where + ": " + fields.length + " column(s), no column " + column + " (--column counts from 0)");
            }
            String text = fields[column].trim();
            try {
                values[i - skipLines] = Double.parseDouble(text);
            } catch (NumberFormatException e) {
                throw new UsageException(where + ": column " + column + " is \"" + text + "\", not a number"
                        + (i == 0 ? " (--skip-lines 1 skips a header line)" : ""));
            }
            if (!Double.isFinite(values[i - skipLines])) {
                throw new UsageException(where + ": column " + column + " is " + text
                        + "; fill in missing or infinite values before forecasting");
            }
        }
        if (values.length == 0) {
            throw new UsageException(
                    file + ": no values" + (last == 0 ? " (the file is empty)" : " after --skip-lines"));
        }
        return values;
    }
}
