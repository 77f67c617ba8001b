package org.recurrent4j.timeseries;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.datavec.api.split.InputSplit;

/**
 * Time series stored together in one table, a column naming the series each row belongs to: the
 * rows of one id, in file order, are that series' time steps. Series come in the order their ids
 * first appear; the rows of a series need not be next to each other. The id column is not an
 * input.
 *
 * <pre>{@code
 * // id,temperature,pressure,label
 * // s1,20.1,1013,calm
 * // s1,20.4,1011,calm
 * // s2,18.0,990,storm ...
 * GroupedSeriesRecordReader reader = new GroupedSeriesRecordReader.Builder(0)
 *         .skipLines(1).labelColumn(3, "calm", "storm").build();
 * reader.initialize(new FileSplit(new File("weather.csv")));
 * DataSetIterator it = reader.iterator(32);   // features [32, 2, T], labels [32, 2, T] at the last step
 * }</pre>
 */
public class GroupedSeriesRecordReader extends SeriesRecordReader {

    private static final long serialVersionUID = 1L;

    private final int idColumn;

    private GroupedSeriesRecordReader(Builder b) {
        super(b);
        this.idColumn = b.idColumn;
    }

    /** Builds a {@link GroupedSeriesRecordReader}. */
    public static final class Builder extends SeriesRecordReader.Builder<Builder> {
        private final int idColumn;

        /** @param idColumn the column (from 0) holding each row's series id */
        public Builder(int idColumn) {
            if (idColumn < 0) {
                throw new IllegalArgumentException("id column must be 0 or more, got " + idColumn);
            }
            this.idColumn = idColumn;
        }

        public GroupedSeriesRecordReader build() {
            if (idColumn == labelColumn) {
                throw new IllegalStateException("the id and the label cannot both be column " + idColumn);
            }
            for (int t : targetColumns) {
                if (t == idColumn) {
                    throw new IllegalStateException("the id column " + idColumn + " cannot be a target");
                }
            }
            return new GroupedSeriesRecordReader(this);
        }
    }

    @Override
    protected List<Series> read(InputSplit split, NumericRows rows) throws IOException {
        List<Series> series = new ArrayList<>();
        for (URI uri : split.locations()) {
            Map<String, List<NumericRows.Row>> byId = new LinkedHashMap<>();
            List<NumericRows.Row> all = rows.read(uri);
            if (idColumn >= all.get(0).fields().length) {
                throw new IOException(all.get(0).where() + ": " + all.get(0).fields().length
                        + " column(s), but the id is column " + idColumn + " (counting from 0)");
            }
            for (NumericRows.Row row : all) {
                byId.computeIfAbsent(row.fields()[idColumn].trim(), id -> new ArrayList<>())
                        .add(row);
            }
            for (Map.Entry<String, List<NumericRows.Row>> e : byId.entrySet()) {
                String source = e.getValue().get(0).file() + ", series \"" + e.getKey() + "\"";
                series.add(toSeries(e.getValue(), source, idColumn));
            }
        }
        return series;
    }
}
