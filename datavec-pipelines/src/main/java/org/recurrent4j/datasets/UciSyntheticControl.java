package org.recurrent4j.datasets;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.recurrent4j.text.Utf8Text;
import org.recurrent4j.timeseries.RowPerSeriesRecordReader;

/**
 * The UCI synthetic control chart time series (Alcock &amp; Manolopoulos 1999): 600 univariate series
 * of 60 steps, one per row, values separated by spaces; rows 1-100 are class "normal", 101-200
 * "cyclic", 201-300 "increasing trend", 301-400 "decreasing trend", 401-500 "upward shift" and
 * 501-600 "downward shift". ({@code org.recurrent4j.synthetic.SyntheticControlCharts} generates
 * more of the same kind, offline.)
 *
 * <p>The file's SHA-256 is not published: the first download is checked by its structure (600
 * rows of 60 numbers) and then pinned.
 *
 * <pre>{@code
 * RowPerSeriesRecordReader reader = UciSyntheticControl.reader();
 * reader.initialize(new FileSplit(new UciSyntheticControl().data().toFile()));
 * DataSetIterator it = reader.iterator(50);   // features [50, 1, 60], labels [50, 6, 60] at step 60
 * }</pre>
 */
public final class UciSyntheticControl extends PublicDataSet<UciSyntheticControl> {

    /** The canonical URL. */
    public static final URI URL = URI.create(
            "https://archive.ics.uci.edu/ml/machine-learning-databases/synthetic_control-mld/synthetic_control.data");

    /** The classes, in row order. */
    public static final List<String> CLASSES =
            List.of("normal", "cyclic", "increasing", "decreasing", "upward", "downward");

    public static final int ROWS = 600;
    public static final int STEPS = 60;

    public UciSyntheticControl() {
        super("uci-synthetic-control", URL, "synthetic_control.data", Checksums.NONE);
    }

    /** The data file, downloaded and checked if needed. */
    public Path data() throws IOException {
        return fetch();
    }

    /** The class of row {@code row} (from 0). */
    public static String label(int row) {
        if (row < 0 || row >= ROWS) {
            throw new IndexOutOfBoundsException("row " + row + " outside [0, " + ROWS + ")");
        }
        return CLASSES.get(row / (ROWS / CLASSES.size()));
    }

    /** A reader of the file's layout: one series per row, labelled by its position. */
    public static RowPerSeriesRecordReader reader() {
        return new RowPerSeriesRecordReader.Builder()
                .delimiter("\\s+")
                .labelOfRow(UciSyntheticControl::label, CLASSES.toArray(String[]::new))
                .build();
    }

    @Override
    protected void prepare(Path file) throws IOException {
        List<String> lines = Utf8Text.decode(Files.readAllBytes(file), file.toString())
                .lines()
                .toList();
        List<String> rows = lines.stream().filter(line -> !line.isBlank()).toList();
        if (rows.size() != ROWS) {
            throw new IOException(file + ": " + rows.size() + " rows, expected " + ROWS);
        }
        for (int i = 0; i < rows.size(); i++) {
            String[] values = rows.get(i).strip().split("\\s+");
            if (values.length != STEPS) {
                throw new IOException(
                        file + ": row " + (i + 1) + " has " + values.length + " values, expected " + STEPS);
            }
            for (String v : values) {
                try {
                    if (!Double.isFinite(Double.parseDouble(v))) {
                        throw new NumberFormatException();
                    }
                } catch (NumberFormatException e) {
                    throw new IOException(file + ": row " + (i + 1) + " has \"" + v + "\", not a finite number");
                }
            }
        }
    }
}
