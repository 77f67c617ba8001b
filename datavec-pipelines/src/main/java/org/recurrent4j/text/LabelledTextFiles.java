package org.recurrent4j.text;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.datavec.api.split.InputSplit;

/**
 * How a text classification corpus is laid out on disk, and the reading of it into {@link
 * LabelledText} examples.
 *
 * <p>Two layouts:
 * <ul>
 *   <li><b>delimited</b>: one example per line, the text and the label in columns — {@link #tsv()}
 *       (tab-separated, no quoting, as SST-2's {@code sentence<TAB>label}) or {@link #csv()}
 *       (comma-separated, RFC 4180 quotes {@code "a, ""quoted"" text"}, one line per record);
 *   <li><b>folder per label</b> ({@link #folderPerLabel()}): one example per file, the label being
 *       the name of the file's folder, as IMDB's {@code train/pos/*.txt}, {@code train/neg/*.txt}.
 * </ul>
 *
 * <p>The labels are given explicitly, so that training and test data number them the same way; a
 * label not in the list is an error naming the file and line. So are invalid UTF-8 (with the byte
 * offset), an empty file, a row with another number of columns than the first (with the expected
 * count), and an empty line or text — unless {@link Builder#skipEmpty(boolean)} asks for empty ones
 * to be skipped, and then {@link #skipped()} tells how many were.
 *
 * <pre>{@code
 * LabelledTextFiles sst2 = LabelledTextFiles.tsv().header(true).textColumn(0).labelColumn(1)
 *         .labels("0", "1").build();
 * List<LabelledText> train = sst2.read(Path.of("SST-2/train.tsv"));
 *
 * LabelledTextFiles imdb = LabelledTextFiles.folderPerLabel().labels("neg", "pos").build();
 * List<LabelledText> reviews = imdb.readFolders(Path.of("aclImdb/train"));   // train/neg, train/pos
 * }</pre>
 */
public final class LabelledTextFiles implements Serializable {

    private static final long serialVersionUID = 1L;

    private enum Layout {
        DELIMITED,
        FOLDER_PER_LABEL
    }

    private final Layout layout;
    private final char delimiter;
    private final boolean quoted;
    private final boolean header;
    private final int textColumn;
    private final int labelColumn;
    private final List<String> labels;
    private final boolean skipEmpty;
    private long skipped;

    private LabelledTextFiles(Builder b) {
        this.layout = b.layout;
        this.delimiter = b.delimiter;
        this.quoted = b.quoted;
        this.header = b.header;
        this.textColumn = b.textColumn;
        this.labelColumn = b.labelColumn;
        this.labels = List.copyOf(b.labels);
        this.skipEmpty = b.skipEmpty;
    }

    /** Tab-separated lines, no quoting; text in column 0 and label in column 1 unless told. */
    public static Builder tsv() {
        return new Builder(Layout.DELIMITED, '\t', false);
    }

    /** Comma-separated lines with RFC 4180 quoting; text in column 0 and label in column 1 unless told. */
    public static Builder csv() {
        return new Builder(Layout.DELIMITED, ',', true);
    }

    /** One example per file, labelled by the name of the folder it is in. */
    public static Builder folderPerLabel() {
        return new Builder(Layout.FOLDER_PER_LABEL, '\0', false);
    }

    /** Builds a {@link LabelledTextFiles}. */
    public static final class Builder {
        private final Layout layout;
        private final char delimiter;
        private final boolean quoted;
        private boolean header;
        private int textColumn = 0;
        private int labelColumn = 1;
        private List<String> labels = List.of();
        private boolean skipEmpty;

        private Builder(Layout layout, char delimiter, boolean quoted) {
            this.layout = layout;
            this.delimiter = delimiter;
            this.quoted = quoted;
        }

        /** Whether the first line of each file names the columns (default false). */
        public Builder header(boolean header) {
            this.header = header;
            return this;
        }

        public Builder textColumn(int column) {
            if (column < 0) {
                throw new IllegalArgumentException("text column must be 0 or more, got " + column);
            }
            this.textColumn = column;
            return this;
        }

        public Builder labelColumn(int column) {
            if (column < 0) {
                throw new IllegalArgumentException("label column must be 0 or more, got " + column);
            }
            this.labelColumn = column;
            return this;
        }

        /** The labels, in the order of their indices. */
        public Builder labels(String... labels) {
            return labels(List.of(labels));
        }

        /** The labels, in the order of their indices. */
        public Builder labels(List<String> labels) {
            if (labels.size() < 2 || labels.stream().distinct().count() != labels.size()) {
                throw new IllegalArgumentException("need at least two distinct labels, got " + labels);
            }
            this.labels = labels;
            return this;
        }

        /**
         * Skip empty lines and examples whose text is empty, counting them in {@link #skipped()},
         * instead of failing (default false).
         */
        public Builder skipEmpty(boolean skipEmpty) {
            this.skipEmpty = skipEmpty;
            return this;
        }

        public LabelledTextFiles build() {
            if (labels.isEmpty()) {
                throw new IllegalStateException("set the labels (e.g. .labels(\"neg\", \"pos\")): training and"
                        + " test data must number them the same way");
            }
            if (layout == Layout.DELIMITED && textColumn == labelColumn) {
                throw new IllegalStateException("text and label cannot both be column " + textColumn);
            }
            return new LabelledTextFiles(this);
        }
    }

    /** The labels, in index order. */
    public List<String> labels() {
        return labels;
    }

    /** Whether empty lines and texts are skipped (and counted) instead of being errors. */
    public boolean skipsEmpty() {
        return skipEmpty;
    }

    /** How many empty lines or texts were skipped so far (only with {@code skipEmpty(true)}). */
    public long skipped() {
        return skipped;
    }

    /** The examples of every location of the split, in the split's order. */
    public List<LabelledText> read(InputSplit split) throws IOException {
        List<LabelledText> examples = new ArrayList<>();
        for (URI uri : split.locations()) {
            readInto(uri, examples);
        }
        return examples;
    }

    /** The examples of the files, in order. */
    public List<LabelledText> read(Path... files) throws IOException {
        List<LabelledText> examples = new ArrayList<>();
        for (Path file : files) {
            readInto(file.toUri(), examples);
        }
        return examples;
    }

    /**
     * For the folder-per-label layout: the files of {@code root/<label>/} for each label in label
     * order, each folder's files in name order. Other folders of {@code root} are not read.
     */
    public List<LabelledText> readFolders(Path root) throws IOException {
        if (layout != Layout.FOLDER_PER_LABEL) {
            throw new IllegalStateException("readFolders is for the folder-per-label layout; use read(...)");
        }
        List<LabelledText> examples = new ArrayList<>();
        for (String label : labels) {
            Path folder = root.resolve(label);
            if (!Files.isDirectory(folder)) {
                throw new IOException(folder + ": no folder for label \"" + label + "\"; expected one folder per"
                        + " label " + labels + " in " + root);
            }
            List<Path> files;
            try (Stream<Path> list = Files.list(folder)) {
                files = list.filter(Files::isRegularFile).sorted().toList();
            }
            if (files.isEmpty()) {
                throw new IOException(folder + ": the folder for label \"" + label + "\" has no files");
            }
            for (Path file : files) {
                readInto(file.toUri(), examples);
            }
        }
        return examples;
    }

    private void readInto(URI uri, List<LabelledText> examples) throws IOException {
        String source = "file".equals(uri.getScheme()) ? Path.of(uri).toString() : uri.toString();
        byte[] bytes;
        try (InputStream in = uri.toURL().openStream()) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new IOException("cannot read " + source + ": " + e, e);
        }
        String content = Utf8Text.decode(bytes, source);
        if (content.isEmpty()) {
            if (skipEmpty && layout == Layout.FOLDER_PER_LABEL) {
                skipped++;
                return;
            }
            // a delimited file with no lines has no examples, as one of empty lines has none
            throw new IOException(source + ": the file is empty");
        }
        if (layout == Layout.FOLDER_PER_LABEL) {
            readFile(uri, source, content, examples);
        } else {
            readLines(source, content, examples);
        }
    }

    private void readFile(URI uri, String source, String content, List<LabelledText> examples) throws IOException {
        String path = uri.getPath();
        String[] parts = path.split("/");
        String folder = parts.length >= 2 ? parts[parts.length - 2] : "";
        int label = labels.indexOf(folder);
        if (label < 0) {
            throw new IOException(source + ": the folder \"" + folder + "\" is not one of the labels " + labels
                    + "; put each example in a folder named by its label, or split the corpus by label folder");
        }
        if (content.isBlank()) {
            if (skipEmpty) {
                skipped++;
                return;
            }
            throw new IOException(source + ": the text is empty (skipEmpty(true) skips and counts such files)");
        }
        examples.add(new LabelledText(content, label, source));
    }

    private void readLines(String source, String content, List<LabelledText> examples) throws IOException {
        String[] lines = content.split("\r?\n", -1);
        int last = lines.length - (lines[lines.length - 1].isEmpty() ? 1 : 0);
        int columns = -1;
        int added = 0;
        long skippedBefore = skipped;
        for (int i = 0; i < last; i++) {
            String where = source + ":" + (i + 1);
            String line = lines[i];
            if (line.isEmpty()) {
                if (skipEmpty) {
                    skipped++;
                    continue;
                }
                throw new IOException(where + ": empty line (skipEmpty(true) skips and counts empty lines)");
            }
            List<String> fields = split(line, where);
            if (columns < 0) {
                columns = fields.size();
                int needed = Math.max(textColumn, labelColumn) + 1;
                if (columns < needed) {
                    throw new IOException(where + ": " + columns + " column(s), but the text is column " + textColumn
                            + " and the label column " + labelColumn + " (counting from 0)"
                            + describeDelimiter());
                }
                if (header) {
                    // the header is the first line that is not empty (skipped empty lines may come before it)
                    continue;
                }
            } else if (fields.size() != columns) {
                throw new IOException(where + ": " + fields.size() + " column(s), expected " + columns
                        + " as in the first line" + (fields.size() < columns ? " (is the label missing?)" : "")
                        + describeDelimiter());
            }
            String labelText = fields.get(labelColumn).trim();
            int label = labels.indexOf(labelText);
            if (label < 0) {
                throw new IOException(where + ": unknown label \"" + labelText + "\"; the labels are " + labels);
            }
            String text = fields.get(textColumn);
            if (text.isBlank()) {
                if (skipEmpty) {
                    skipped++;
                    continue;
                }
                throw new IOException(where + ": the text is empty (skipEmpty(true) skips and counts such lines)");
            }
            examples.add(new LabelledText(text, label, where));
            added++;
        }
        if (added == 0) {
            long skippedHere = skipped - skippedBefore;
            throw new IOException(source + ": no examples in the file"
                    + (skippedHere > 0 ? " (" + skippedHere + " skipped as empty)" : ""));
        }
    }

    private String describeDelimiter() {
        return delimiter == '\t' ? "; columns are separated by tabs" : "; columns are separated by commas";
    }

    private List<String> split(String line, String where) throws IOException {
        List<String> fields = new ArrayList<>();
        if (!quoted) {
            int start = 0;
            for (int i = 0; i <= line.length(); i++) {
                if (i == line.length() || line.charAt(i) == delimiter) {
                    fields.add(line.substring(start, i));
                    start = i + 1;
                }
            }
            return fields;
        }
        StringBuilder field = new StringBuilder();
        int i = 0;
        while (true) {
            if (i < line.length() && line.charAt(i) == '"') {
                i++;
                while (true) {
                    if (i >= line.length()) {
                        throw new IOException(where + ": a quoted field is not closed (fields cannot span lines)");
                    }
                    char c = line.charAt(i++);
                    if (c == '"') {
                        if (i < line.length() && line.charAt(i) == '"') {
                            field.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        field.append(c);
                    }
                }
                if (i < line.length() && line.charAt(i) != delimiter) {
                    throw new IOException(where + ": text after the closing quote at character " + (i + 1)
                            + "; a quote inside a quoted field is written twice (\"\")");
                }
            } else {
                while (i < line.length() && line.charAt(i) != delimiter) {
                    field.append(line.charAt(i++));
                }
            }
            fields.add(field.toString());
            field.setLength(0);
            if (i >= line.length()) {
                return fields;
            }
            i++;
        }
    }

    @Override
    public String toString() {
        return "LabelledTextFiles(" + layout + ", labels " + labels + ")";
    }
}
