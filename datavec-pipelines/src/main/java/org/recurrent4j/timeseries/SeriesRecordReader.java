package org.recurrent4j.timeseries;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.datavec.api.split.InputSplit;
import org.datavec.api.writable.DoubleWritable;
import org.datavec.api.writable.IntWritable;
import org.datavec.api.writable.Writable;
import org.deeplearning4j.datasets.datavec.SequenceRecordReaderDataSetIterator;
import org.deeplearning4j.datasets.datavec.SequenceRecordReaderDataSetIterator.AlignmentMode;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.recurrent4j.records.IndexedSequenceRecordReader;

/**
 * A DataVec sequence reader of numeric time series, read and checked in full when it is
 * initialized (so a bad value stops the program before training starts, naming its file and line).
 *
 * <p>Each {@link Series} gives three aligned readers:
 * <ul>
 *   <li>this reader: the inputs, one step {@code [x_1 .. x_F]} per time step;
 *   <li>{@link #labelReader()}: the per-sequence class, one step {@code [label index]} — with
 *       {@link AlignmentMode#ALIGN_END} DataVec puts it at the series' last step and masks the rest;
 *   <li>{@link #targetReader()}: the per-step regression targets {@code [y_1 .. y_K]}.
 * </ul>
 * {@link #iterator(int)} builds DataVec's iterator for whichever of the two is configured:
 * features {@code [B, F, T]} with labels {@code [B, C, T]} (classification, label at each series'
 * last step) or {@code [B, K, T]} (regression), and masks when lengths differ.
 *
 * <p>Subclasses say how files are laid out: {@link FilePerSeriesRecordReader}, {@link
 * GroupedSeriesRecordReader}, {@link RowPerSeriesRecordReader}.
 */
public abstract class SeriesRecordReader extends IndexedSequenceRecordReader {

    private static final long serialVersionUID = 1L;

    /** Options shared by every layout. */
    @SuppressWarnings("unchecked")
    public abstract static class Builder<B extends Builder<B>> {
        String delimiter = ",";
        int skipLines;
        boolean skipEmptyLines;
        int labelColumn = -1;
        List<String> labels = List.of();
        int[] targetColumns = new int[0];
        boolean raggedRows;

        /** The column separator, a regular expression (default {@code ","}; {@code "\\s+"} for spaces). */
        public B delimiter(String regex) {
            this.delimiter = regex;
            return (B) this;
        }

        /** Lines to skip at the start of each file, such as a header (default 0). */
        public B skipLines(int lines) {
            if (lines < 0) {
                throw new IllegalArgumentException("lines to skip must be 0 or more, got " + lines);
            }
            this.skipLines = lines;
            return (B) this;
        }

        /** Skip blank lines, counting them in {@link #skipped()}, instead of failing (default false). */
        public B skipEmptyLines(boolean skip) {
            this.skipEmptyLines = skip;
            return (B) this;
        }

        /**
         * The column holding each series' class; its value must be one of {@code labels} and the same
         * on every row of a series.
         */
        public B labelColumn(int column, String... labels) {
            if (column < 0) {
                throw new IllegalArgumentException("label column must be 0 or more, got " + column);
            }
            this.labelColumn = column;
            return labels(labels);
        }

        /** Sets the class names, in the order of their indices. */
        B labels(String... labels) {
            if (labels.length < 2 || Arrays.stream(labels).distinct().count() != labels.length) {
                throw new IllegalArgumentException("need at least two distinct labels, got " + Arrays.toString(labels));
            }
            this.labels = List.of(labels);
            return (B) this;
        }

        /** Columns that are per-step regression targets rather than inputs. */
        public B targetColumns(int... columns) {
            for (int c : columns) {
                if (c < 0) {
                    throw new IllegalArgumentException("target columns must be 0 or more, got " + c);
                }
            }
            this.targetColumns = columns.clone();
            return (B) this;
        }
    }

    private final NumericRows rows;
    final int labelColumn;
    final List<String> labels;
    final int[] targetColumns;
    private List<Series> series = List.of();

    protected SeriesRecordReader(Builder<?> b) {
        this.rows = new NumericRows(b.delimiter, b.skipLines, b.skipEmptyLines, b.raggedRows);
        this.labelColumn = b.labelColumn;
        this.labels = b.labels;
        this.targetColumns = b.targetColumns;
    }

    /** Reads every series of the split. */
    protected abstract List<Series> read(InputSplit split, NumericRows rows) throws IOException;

    @Override
    public void initialize(InputSplit split) throws IOException {
        List<Series> read = read(split, rows);
        if (read.isEmpty()) {
            throw new IOException("no series in " + Arrays.toString(split.locations()));
        }
        Series first = read.get(0);
        for (Series s : read) {
            // DataVec's iterator needs one number of features (and targets) per step for all series
            if (s.features() != first.features()) {
                throw new IOException(s.source() + ": " + s.features() + " input feature(s) per step, but "
                        + first.source() + " has " + first.features() + "; every series needs the same columns");
            }
        }
        series = List.copyOf(read);
        rewind();
    }

    /** Every series read by the last initialization, in order. */
    public List<Series> series() {
        return series;
    }

    /** The series at {@code index}. */
    public Series series(int index) {
        checkIndex(index);
        return series.get(index);
    }

    /** Blank lines skipped so far (only with {@code skipEmptyLines(true)}). */
    public long skipped() {
        return rows.skipped();
    }

    @Override
    public int sequences() {
        return series.size();
    }

    @Override
    public List<List<Writable>> sequence(int index) {
        return steps(series(index).values());
    }

    @Override
    public List<String> getLabels() {
        return labels.isEmpty() ? null : labels;
    }

    /** A reader of the per-sequence labels, one step {@code [label index]} each, in step with this one. */
    public IndexedSequenceRecordReader labelReader() {
        if (labels.isEmpty()) {
            throw new IllegalStateException("no per-sequence labels: set a label column (or, for rows, a label of"
                    + " each row) when building the reader");
        }
        return new View(this, true);
    }

    /** A reader of the per-step targets, in step with this one. */
    public IndexedSequenceRecordReader targetReader() {
        if (targetColumns.length == 0) {
            throw new IllegalStateException("no per-step targets: set targetColumns(...) when building the reader");
        }
        return new View(this, false);
    }

    /**
     * DataVec's iterator over this reader and its labels (classification, {@link
     * AlignmentMode#ALIGN_END}) or targets (regression, {@link AlignmentMode#ALIGN_START}).
     *
     * <p>As with any DataVec reader, iterators over one reader share its position: use one at a
     * time, and initialize a second reader for a second data set. The iterator starts at the first
     * series.
     */
    public DataSetIterator iterator(int batchSize) {
        reset();
        if (!labels.isEmpty()) {
            return new SequenceRecordReaderDataSetIterator(
                    this, labelReader(), batchSize, labels.size(), false, AlignmentMode.ALIGN_END);
        }
        if (targetColumns.length > 0) {
            return new SequenceRecordReaderDataSetIterator(
                    this, targetReader(), batchSize, -1, true, AlignmentMode.ALIGN_START);
        }
        throw new IllegalStateException("the reader has neither labels nor targets; set a label column or target"
                + " columns, or cut forecasting windows with ForecastWindows");
    }

    /**
     * Turns rows (all of one series) into a {@link Series}: the target columns become targets, the
     * label column the label, every other column except {@code excluded} an input.
     */
    Series toSeries(List<NumericRows.Row> seriesRows, String source, int excluded) throws IOException {
        NumericRows.Row first = seriesRows.get(0);
        int columns = first.fields().length;
        List<Integer> inputs = new ArrayList<>();
        for (int c = 0; c < columns; c++) {
            int column = c;
            if (c != excluded
                    && c != labelColumn
                    && Arrays.stream(targetColumns).noneMatch(t -> t == column)) {
                inputs.add(c);
            }
        }
        int needed = Math.max(
                Math.max(excluded, labelColumn),
                Arrays.stream(targetColumns).max().orElse(-1));
        if (needed >= columns) {
            throw new IOException(first.where() + ": " + columns + " column(s), but column " + needed
                    + " (counting from 0) was named as id, label or target column");
        }
        if (inputs.isEmpty()) {
            throw new IOException(first.where() + ": no input columns left after the id, label and target columns");
        }
        int steps = seriesRows.size();
        double[][] values = new double[steps][inputs.size()];
        double[][] targets = targetColumns.length == 0 ? null : new double[steps][targetColumns.length];
        for (int t = 0; t < steps; t++) {
            NumericRows.Row row = seriesRows.get(t);
            for (int i = 0; i < inputs.size(); i++) {
                values[t][i] = row.number(inputs.get(i));
            }
            for (int k = 0; k < targetColumns.length; k++) {
                targets[t][k] = row.number(targetColumns[k]);
            }
        }
        int label = -1;
        if (labelColumn >= 0) {
            label = labelIndex(first.fields()[labelColumn].trim(), first.where());
            for (NumericRows.Row row : seriesRows) {
                if (!row.fields()[labelColumn].trim().equals(first.fields()[labelColumn].trim())) {
                    throw new IOException(row.where() + ": label \"" + row.fields()[labelColumn].trim()
                            + "\" differs from the series' label \"" + first.fields()[labelColumn].trim() + "\" ("
                            + first.where() + "); a series has one label");
                }
            }
        }
        return new Series(values, targets, label, source);
    }

    /** The index of a label, or an error naming where it was read. */
    int labelIndex(String label, String where) throws IOException {
        int index = labels.indexOf(label);
        if (index < 0) {
            throw new IOException(where + ": unknown label \"" + label + "\"; the labels are " + labels);
        }
        return index;
    }

    private static List<List<Writable>> steps(double[][] values) {
        List<List<Writable>> steps = new ArrayList<>(values.length);
        for (double[] step : values) {
            List<Writable> writables = new ArrayList<>(step.length);
            for (double v : step) {
                writables.add(new DoubleWritable(v));
            }
            steps.add(writables);
        }
        return steps;
    }

    /** The labels or the targets of a {@link SeriesRecordReader}. */
    private static final class View extends IndexedSequenceRecordReader {
        private static final long serialVersionUID = 1L;
        private final SeriesRecordReader inputs;
        private final boolean labels;

        View(SeriesRecordReader inputs, boolean labels) {
            this.inputs = inputs;
            this.labels = labels;
        }

        @Override
        public void initialize(InputSplit split) {
            throw new UnsupportedOperationException("this reader follows its SeriesRecordReader: initialize that one");
        }

        @Override
        public int sequences() {
            return inputs.sequences();
        }

        @Override
        public List<List<Writable>> sequence(int index) {
            Series s = inputs.series(index);
            return labels ? List.of(List.of(new IntWritable(s.label()))) : steps(s.targets());
        }

        @Override
        public List<String> getLabels() {
            return inputs.getLabels();
        }
    }
}
