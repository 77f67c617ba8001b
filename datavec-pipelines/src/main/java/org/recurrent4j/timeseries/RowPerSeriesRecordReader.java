package org.recurrent4j.timeseries;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.datavec.api.split.InputSplit;

/**
 * Univariate time series stored one per row: the values of a row, left to right, are the series'
 * time steps — the layout of the UCI synthetic control chart data (600 rows of 60 values,
 * separated by spaces). The class comes from a column of the row or from the row's position,
 * counted from 0 over all files of the split.
 *
 * <p>Rows must all have the same length unless {@link Builder#variableLength(boolean)} is set; then
 * DataVec's iterator pads and masks the shorter ones.
 *
 * <pre>{@code
 * String[] classes = {"normal", "cyclic", "increasing", "decreasing", "upward", "downward"};
 * RowPerSeriesRecordReader reader = new RowPerSeriesRecordReader.Builder()
 *         .delimiter("\\s+").labelOfRow(row -> classes[row / 100], classes).build();
 * reader.initialize(new FileSplit(new File("synthetic_control.data")));
 * DataSetIterator it = reader.iterator(50);   // features [50, 1, 60], labels [50, 6, 60] at step 60
 * }</pre>
 */
public class RowPerSeriesRecordReader extends SeriesRecordReader {

    private static final long serialVersionUID = 1L;

    private final transient IntFunction<String> labelOfRow;

    private RowPerSeriesRecordReader(Builder b) {
        super(b);
        this.labelOfRow = b.labelOfRow;
    }

    /** Builds a {@link RowPerSeriesRecordReader}. */
    public static final class Builder extends SeriesRecordReader.Builder<Builder> {
        private IntFunction<String> labelOfRow;

        /**
         * The label of each row from its position (from 0, over all files of the split), one of
         * {@code labels}.
         */
        public Builder labelOfRow(IntFunction<String> labelOfRow, String... labels) {
            this.labelOfRow = labelOfRow;
            return labels(labels);
        }

        /** Allow rows of different lengths (default false: a shorter row is an error). */
        public Builder variableLength(boolean variableLength) {
            this.raggedRows = variableLength;
            return this;
        }

        public RowPerSeriesRecordReader build() {
            if (targetColumns.length > 0) {
                throw new IllegalStateException("rows are univariate series; per-step targets need the one-file-per"
                        + "-series or grouped layout (for forecasting, cut windows with ForecastWindows)");
            }
            if (labelOfRow != null && labelColumn >= 0) {
                throw new IllegalStateException("set either a label column or a label of each row, not both");
            }
            return new RowPerSeriesRecordReader(this);
        }
    }

    @Override
    protected List<Series> read(InputSplit split, NumericRows rows) throws IOException {
        List<Series> series = new ArrayList<>();
        int rowIndex = 0;
        for (URI uri : split.locations()) {
            for (NumericRows.Row row : rows.read(uri)) {
                series.add(toSeries(row, rowIndex++));
            }
        }
        return series;
    }

    private Series toSeries(NumericRows.Row row, int rowIndex) throws IOException {
        int columns = row.fields().length;
        if (labelColumn >= columns) {
            throw new IOException(row.where() + ": " + columns + " column(s), but the label is column " + labelColumn
                    + " (counting from 0)");
        }
        if (columns == 1 && labelColumn == 0) {
            throw new IOException(row.where() + ": the row has its label but no values");
        }
        double[][] values = new double[columns - (labelColumn >= 0 ? 1 : 0)][1];
        int t = 0;
        for (int c = 0; c < columns; c++) {
            if (c != labelColumn) {
                values[t++][0] = row.number(c);
            }
        }
        int label = -1;
        if (labelColumn >= 0) {
            label = labelIndex(row.fields()[labelColumn].trim(), row.where());
        } else if (labelOfRow != null) {
            label = labelIndex(labelOfRow.apply(rowIndex), row.where() + " (row " + rowIndex + ")");
        }
        return new Series(values, null, label, row.where());
    }
}
