package org.recurrent4j.timeseries;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.recurrent4j.text.Utf8Text;

/**
 * The rows of a delimited text file of numbers, checked strictly: invalid UTF-8, a row with another
 * number of columns than the first, a field that is not a number, NaN and infinities are errors
 * that name the file and line; empty lines are errors unless skipping them was asked for.
 */
final class NumericRows {

    /** One row, its fields not yet converted. */
    record Row(String file, int line, String[] fields) {

        String where() {
            return file + ":" + line;
        }

        /** The field at {@code column} as a finite number. */
        double number(int column) throws IOException {
            String text = fields[column].trim();
            double value;
            try {
                value = Double.parseDouble(text);
            } catch (NumberFormatException e) {
                throw new IOException(where() + ": column " + column + " is \"" + text + "\", not a number");
            }
            if (!Double.isFinite(value)) {
                throw new IOException(where() + ": column " + column + " is " + text + "; fill in missing or"
                        + " infinite values (or remove the rows) before training");
            }
            return value;
        }
    }

    private final Pattern delimiter;
    private final int skipLines;
    private final boolean skipEmptyLines;
    private final boolean raggedAllowed;
    private long skipped;

    NumericRows(String delimiterRegex, int skipLines, boolean skipEmptyLines, boolean raggedAllowed) {
        this.delimiter = Pattern.compile(delimiterRegex);
        this.skipLines = skipLines;
        this.skipEmptyLines = skipEmptyLines;
        this.raggedAllowed = raggedAllowed;
    }

    /** Empty lines skipped so far. */
    long skipped() {
        return skipped;
    }

    /** The rows of a file, all with the same number of columns unless ragged rows are allowed. */
    List<Row> read(URI uri) throws IOException {
        String file = "file".equals(uri.getScheme()) ? Path.of(uri).toString() : uri.toString();
        byte[] bytes;
        try (InputStream in = uri.toURL().openStream()) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new IOException("cannot read " + file + ": " + e, e);
        }
        String[] lines = Utf8Text.decode(bytes, file).split("\r?\n", -1);
        int last = lines.length - (lines[lines.length - 1].isEmpty() ? 1 : 0);
        List<Row> rows = new ArrayList<>();
        int columns = -1;
        for (int i = skipLines; i < last; i++) {
            String line = lines[i];
            if (line.isBlank()) {
                if (skipEmptyLines) {
                    skipped++;
                    continue;
                }
                throw new IOException(
                        file + ":" + (i + 1) + ": empty line (skipEmptyLines(true) skips and counts" + " empty lines)");
            }
            String[] fields = delimiter.split(line.strip(), -1);
            if (columns < 0) {
                columns = fields.length;
            } else if (fields.length != columns && !raggedAllowed) {
                throw new IOException(file + ":" + (i + 1) + ": " + fields.length + " column(s), expected " + columns
                        + " as in the first row (line " + (rows.get(0).line()) + ")");
            }
            rows.add(new Row(file, i + 1, fields));
        }
        if (rows.isEmpty()) {
            throw new IOException(file + ": no rows" + (last == 0 ? " (the file is empty)" : ""));
        }
        return rows;
    }
}
