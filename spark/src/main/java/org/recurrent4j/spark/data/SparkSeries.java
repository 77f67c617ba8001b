package org.recurrent4j.spark.data;

import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function0;
import org.apache.spark.broadcast.Broadcast;
import org.datavec.api.split.CollectionInputSplit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.dataset.api.preprocessor.NormalizerStandardize;
import org.recurrent4j.timeseries.SeriesRecordReader;

/**
 * Numeric time-series files read on a Spark cluster by the project's own readers ({@link
 * org.recurrent4j.timeseries.FilePerSeriesRecordReader}, {@code GroupedSeriesRecordReader}, {@code
 * RowPerSeriesRecordReader}): each executor builds the reader from a serializable recipe (a lambda),
 * reads its share of the files and batches them with the reader's own {@link
 * SeriesRecordReader#iterator}; one normalizer, fitted over all the training files and broadcast,
 * standardizes every batch on every executor.
 *
 * <p>The files are divided among the partitions whole, in the given order; a file is read by one
 * executor, and every executor must be able to open it at its URI.
 *
 * <pre>{@code
 * String[] classes = {"normal", "cyclic", "increasing", "decreasing", "upward", "downward"};
 * SparkSeries train = new SparkSeries(sc, () -> new RowPerSeriesRecordReader.Builder()
 *         .labelColumn(0, classes).build(), trainFiles, 4);
 * Broadcast<NormalizerStandardize> normalizer = sc.broadcast(train.standardize(false));
 * JavaRDD<DataSet> batches = train.batches(32, normalizer, LabelLayout.PER_SEQUENCE).cache();
 * }</pre>
 */
public final class SparkSeries {

    private final JavaSparkContext sc;
    private final Function0<? extends SeriesRecordReader> reader;
    private final List<URI> files;
    private final int partitions;

    /**
     * @param reader builds a new, uninitialized reader on an executor (a lambda whose captured
     *     values are serializable)
     * @param files the files, read in this order
     * @param partitions how many partitions to divide the files among (at most one per file)
     */
    public SparkSeries(
            JavaSparkContext sc, Function0<? extends SeriesRecordReader> reader, List<URI> files, int partitions) {
        this.sc = Objects.requireNonNull(sc, "sc");
        this.reader = Objects.requireNonNull(reader, "reader");
        this.files = List.copyOf(files);
        this.partitions = partitions;
        FilePartitions.groups(this.files, partitions);
    }

    /**
     * ND4J's standardizer fitted over all the files, the statistics gathered on the executors: per
     * feature, the mean and population standard deviation over the real steps, as {@link
     * org.recurrent4j.timeseries.SeriesNormalization#standardize} gives on one machine (to
     * rounding). With {@code labelsToo}, the labels (per-step targets) are standardized as well.
     */
    public NormalizerStandardize standardize(boolean labelsToo) {
        Function0<? extends SeriesRecordReader> reader = this.reader;
        FeatureMoments[] moments = FilePartitions.of(sc, files, partitions)
                .map(group -> {
                    FeatureMoments features = new FeatureMoments();
                    FeatureMoments labels = new FeatureMoments();
                    DataSetIterator batches = read(reader, group).iterator(64);
                    while (batches.hasNext()) {
                        DataSet batch = batches.next();
                        features.add(batch.getFeatures(), batch.getFeaturesMaskArray());
                        if (labelsToo) {
                            labels.add(batch.getLabels(), batch.getLabelsMaskArray());
                        }
                    }
                    return new FeatureMoments[] {features, labels};
                })
                .reduce((a, b) -> new FeatureMoments[] {a[0].merge(b[0]), a[1].merge(b[1])});
        if (moments[0].isEmpty()) {
            throw new IllegalStateException("no series in " + files + ": nothing to fit a standardizer on");
        }
        DataType type = DataType.FLOAT;
        NormalizerStandardize normalizer = new NormalizerStandardize(moments[0].mean(type), moments[0].std(type));
        if (labelsToo) {
            normalizer.setLabelStats(moments[1].mean(type), moments[1].std(type));
            normalizer.fitLabel(true);
        }
        return normalizer;
    }

    /**
     * The mini-batches of the files, each partition's made by its reader's iterator and passed
     * through the broadcast pre-processor (a normalizer), or left as read when it is null. The
     * labels of classification readers are put in {@code labels}' layout; per-step targets are
     * left as they are.
     */
    public JavaRDD<DataSet> batches(
            int batchSize, Broadcast<? extends DataSetPreProcessor> normalizer, LabelLayout labels) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        Function0<? extends SeriesRecordReader> reader = this.reader;
        return FilePartitions.of(sc, files, partitions).mapPartitions((Iterator<List<URI>> groups) -> {
            List<DataSet> batches = new ArrayList<>();
            while (groups.hasNext()) {
                SeriesRecordReader files = read(reader, groups.next());
                boolean classes = files.getLabels() != null;
                DataSetIterator iterator = files.iterator(batchSize);
                if (normalizer != null) {
                    iterator.setPreProcessor(normalizer.value());
                }
                while (iterator.hasNext()) {
                    DataSet batch = iterator.next();
                    if (classes) {
                        labels.apply(batch);
                    }
                    batches.add(batch);
                }
            }
            return batches.iterator();
        });
    }

    private static SeriesRecordReader read(Function0<? extends SeriesRecordReader> recipe, List<URI> files)
            throws Exception {
        SeriesRecordReader reader = recipe.call();
        reader.initialize(new CollectionInputSplit(files));
        return reader;
    }
}
