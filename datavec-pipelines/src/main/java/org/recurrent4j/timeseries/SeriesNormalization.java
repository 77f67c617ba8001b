package org.recurrent4j.timeseries;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.dataset.api.preprocessor.DataNormalization;
import org.nd4j.linalg.dataset.api.preprocessor.Normalizer;
import org.nd4j.linalg.dataset.api.preprocessor.NormalizerMinMaxScaler;
import org.nd4j.linalg.dataset.api.preprocessor.NormalizerStandardize;
import org.nd4j.linalg.dataset.api.preprocessor.serializer.NormalizerSerializer;
import org.recurrent4j.io.AtomicFile;

/**
 * Normalization of time series fitted on the training data only, and kept with the model.
 *
 * <p>The statistics come from ND4J's normalizers, which handle time series ({@code [B, F, T]}
 * features, masks respected, one statistic per feature over all steps of all series):
 * {@link NormalizerStandardize} ({@code (x − mean) / std}) and {@link NormalizerMinMaxScaler}
 * (to {@code [lo, hi]}). Fit them on the <em>training</em> iterator — statistics from validation or
 * test data would leak them into training — then set the same fitted normalizer as the
 * pre-processor of every iterator, and save it next to the model: a model is only right for inputs
 * scaled the way it was trained. Files are written atomically in ND4J's {@link
 * NormalizerSerializer} format.
 *
 * <pre>{@code
 * NormalizerStandardize normalizer = SeriesNormalization.standardize(train, true);
 * train.setPreProcessor(normalizer);
 * test.setPreProcessor(normalizer);
 * SeriesNormalization.save(normalizer, Path.of("model-dir/normalizer.bin"));
 * // later
 * NormalizerStandardize again = SeriesNormalization.load(Path.of("model-dir/normalizer.bin"));
 * }</pre>
 */
public final class SeriesNormalization {

    private SeriesNormalization() {}

    /**
     * A standardizer fitted on every batch of {@code train} (which is reset before and after).
     *
     * @param labelsToo also standardize the labels (for regression and forecasting); predictions
     *     are then turned back with {@code revertLabels}
     */
    public static NormalizerStandardize standardize(DataSetIterator train, boolean labelsToo) {
        NormalizerStandardize normalizer = new NormalizerStandardize();
        normalizer.fitLabel(labelsToo);
        fit(normalizer, train);
        return normalizer;
    }

    /**
     * A min-max scaler to {@code [lo, hi]} fitted on every batch of {@code train}.
     *
     * @param labelsToo also scale the labels (for regression and forecasting)
     */
    public static NormalizerMinMaxScaler minMax(DataSetIterator train, double lo, double hi, boolean labelsToo) {
        if (!(lo < hi)) {
            throw new IllegalArgumentException("the range must have lo < hi, got [" + lo + ", " + hi + "]");
        }
        NormalizerMinMaxScaler normalizer = new NormalizerMinMaxScaler(lo, hi);
        normalizer.fitLabel(labelsToo);
        fit(normalizer, train);
        return normalizer;
    }

    private static void fit(DataNormalization normalizer, DataSetIterator train) {
        if (train.getPreProcessor() != null) {
            throw new IllegalArgumentException("the training iterator already has a pre-processor ("
                    + train.getPreProcessor().getClass().getSimpleName() + "); fit on the raw data");
        }
        if (train.resetSupported()) {
            train.reset();
        }
        if (!train.hasNext()) {
            throw new IllegalArgumentException("the training iterator gives no data to fit a normalizer on");
        }
        normalizer.fit(train);
        if (train.resetSupported()) {
            train.reset();
        }
    }

    /** Writes a fitted normalizer to {@code file} atomically. */
    public static void save(Normalizer<?> normalizer, Path file) throws IOException {
        AtomicFile.write(file, temporary -> NormalizerSerializer.getDefault().write(normalizer, temporary.toFile()));
    }

    /**
     * Reads a normalizer written by {@link #save}.
     *
     * @throws IOException naming the file when it is missing or is not a saved normalizer
     */
    public static <T extends Normalizer<?>> T load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": normalizer file not found; save the normalizer fitted on the"
                    + " training data next to the model");
        }
        try {
            return NormalizerSerializer.getDefault().restore(file.toFile());
        } catch (Exception e) {
            throw new IOException(file + ": not a saved normalizer, or damaged (" + e.getMessage() + ")", e);
        }
    }
}
