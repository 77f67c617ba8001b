package org.recurrent4j.timeseries;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.datavec.api.split.InputSplit;

/**
 * Time series stored one per file: each row of a delimited file is a time step, each column a
 * feature (or the label or a target, see {@link SeriesRecordReader.Builder}). Files are read in
 * the order of the split, e.g. {@code NumberedFileInputSplit("train/%d.csv", 0, 449)}.
 *
 * <p>This is the layout of DataVec's {@code CSVSequenceRecordReader}, with what that reader leaves
 * to the user checked here: every row of a file has the same number of columns (a ragged row is an
 * error with file:line and the expected count), every value is a finite number (NaN, infinities and
 * text are errors with file:line and column), and empty files or lines are errors. Labels kept in
 * separate one-line files work as with DataVec: read them with a second reader of this class and
 * give both to {@code SequenceRecordReaderDataSetIterator} with {@code ALIGN_END}.
 *
 * <pre>{@code
 * FilePerSeriesRecordReader features = new FilePerSeriesRecordReader.Builder().skipLines(1).build();
 * features.initialize(new NumberedFileInputSplit("data/features/%d.csv", 0, 449));
 * FilePerSeriesRecordReader labels = new FilePerSeriesRecordReader.Builder().build();
 * labels.initialize(new NumberedFileInputSplit("data/labels/%d.csv", 0, 449));
 * DataSetIterator train = new SequenceRecordReaderDataSetIterator(features, labels, 32, 6, false,
 *         SequenceRecordReaderDataSetIterator.AlignmentMode.ALIGN_END);
 * }</pre>
 */
public class FilePerSeriesRecordReader extends SeriesRecordReader {

    private static final long serialVersionUID = 1L;

    private FilePerSeriesRecordReader(Builder b) {
        super(b);
    }

    /** Builds a {@link FilePerSeriesRecordReader}. */
    public static final class Builder extends SeriesRecordReader.Builder<Builder> {
        public FilePerSeriesRecordReader build() {
            return new FilePerSeriesRecordReader(this);
        }
    }

    @Override
    protected List<Series> read(InputSplit split, NumericRows rows) throws IOException {
        List<Series> series = new ArrayList<>();
        for (URI uri : split.locations()) {
            String source = "file".equals(uri.getScheme()) ? Path.of(uri).toString() : uri.toString();
            series.add(toSeries(rows.read(uri), source, -1));
        }
        return series;
    }
}
