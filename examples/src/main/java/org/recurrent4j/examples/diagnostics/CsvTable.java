package org.recurrent4j.examples.diagnostics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.recurrent4j.io.AtomicFile;

/**
 * A CSV table built in memory and written atomically: a header row, then data rows (RFC 4180:
 * comma-separated, fields with a comma, quote or line break quoted, quotes doubled). Numbers are
 * written with {@link Double#toString} (full precision, {@code NaN} and {@code Infinity} as such).
 *
 * <pre>{@code
 * CsvTable table = new CsvTable("step", "loss");
 * table.add(10, 0.25);
 * table.write(Path.of("curve.csv"));
 * }</pre>
 */
public final class CsvTable {

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    public CsvTable(String... header) {
        if (header.length == 0) {
            throw new IllegalArgumentException("a CSV table needs at least one column");
        }
        this.header = List.of(header);
    }

    /** Adds a row: one value per column ({@code null} is an empty field). */
    public CsvTable add(Object... values) {
        if (values.length != header.size()) {
            throw new IllegalArgumentException(
                    "a row of this table has " + header.size() + " values " + header + ", got " + values.length);
        }
        List<String> row = new ArrayList<>(values.length);
        for (Object value : values) {
            row.add(value == null ? "" : value.toString());
        }
        rows.add(row);
        return this;
    }

    /** The number of data rows. */
    public int size() {
        return rows.size();
    }

    /** The table as CSV text, rows ending with a line feed. */
    public String text() {
        StringBuilder out = new StringBuilder();
        appendRow(out, header);
        for (List<String> row : rows) {
            appendRow(out, row);
        }
        return out.toString();
    }

    private static void appendRow(StringBuilder out, List<String> row) {
        for (int i = 0; i < row.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            String field = row.get(i);
            if (field.indexOf(',') >= 0
                    || field.indexOf('"') >= 0
                    || field.indexOf('\n') >= 0
                    || field.indexOf('\r') >= 0) {
                out.append('"').append(field.replace("\"", "\"\"")).append('"');
            } else {
                out.append(field);
            }
        }
        out.append('\n');
    }

    /** Writes the table to {@code file} (UTF-8), atomically. */
    public void write(Path file) throws IOException {
        byte[] bytes = text().getBytes(StandardCharsets.UTF_8);
        AtomicFile.writeStream(file, out -> out.write(bytes));
    }
}
