package org.recurrent4j.timeseries;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
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
 * scaled the way it was trained.
 *
 * <p>Files are written atomically: three header lines ({@code recurrent4j-normalizer 1}, {@code
 * content-sha256 <hex>}, {@code content-bytes <n>}) and then the normalizer in ND4J's {@link
 * NormalizerSerializer} format, whose integrity is checked before it is read.
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

    /** The first line of a normalizer file. */
    public static final String HEADER = "recurrent4j-normalizer 1";

    /** No saved normalizer is larger (they hold a few numbers per feature). */
    private static final long MAX_BYTES = 256L << 20;

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

    /** Writes a fitted normalizer to {@code file} atomically, with a checksum of its content. */
    public static void save(Normalizer<?> normalizer, Path file) throws IOException {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        NormalizerSerializer.getDefault().write(normalizer, content);
        byte[] payload = content.toByteArray();
        byte[] header = (HEADER + "\n" + "content-sha256 " + sha256(payload) + "\n" + "content-bytes " + payload.length
                        + "\n")
                .getBytes(StandardCharsets.US_ASCII);
        AtomicFile.writeStream(file, out -> {
            out.write(header);
            out.write(payload);
        });
    }

    /**
     * Reads a normalizer written by {@link #save}.
     *
     * <p>The content's length and SHA-256 are checked before ND4J reads it: ND4J's reader trusts
     * the shapes it finds, and a damaged file could otherwise crash the JVM in native code.
     *
     * @throws IOException naming the file when it is missing, is not a saved normalizer, or is
     *     damaged (cut, or any byte changed)
     */
    public static <T extends Normalizer<?>> T load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": normalizer file not found; save the normalizer fitted on the"
                    + " training data next to the model");
        }
        long size = Files.size(file);
        if (size > MAX_BYTES) {
            throw new IOException(file + ": " + size + " bytes, more than a saved normalizer ever has (" + MAX_BYTES
                    + "); it is another file");
        }
        byte[] bytes = Files.readAllBytes(file);
        int[] at = {0};
        String header = line(bytes, at);
        if (!HEADER.equals(header)) {
            throw new IOException(file + ": not a recurrent4j normalizer file (expected the first line \"" + HEADER
                    + "\"); save the normalizer with SeriesNormalization.save");
        }
        String sha = field(file, line(bytes, at), "content-sha256", "[0-9a-f]{64}", 2);
        String length = field(file, line(bytes, at), "content-bytes", "[0-9]{1,10}", 3);
        byte[] payload = Arrays.copyOfRange(bytes, at[0], bytes.length);
        if (payload.length != Long.parseLong(length)) {
            throw new IOException(file + ": damaged: the content has " + payload.length + " bytes, the header says "
                    + length + "; save the normalizer again from the training data");
        }
        if (!sha256(payload).equals(sha)) {
            throw new IOException(file + ": damaged: the content's SHA-256 is not the one in the header; save the"
                    + " normalizer again from the training data");
        }
        try {
            return NormalizerSerializer.getDefault().restore(new ByteArrayInputStream(payload));
        } catch (Exception e) {
            throw new IOException(file + ": not a saved normalizer, or damaged (" + e.getMessage() + ")", e);
        }
    }

    /** The next line of {@code bytes} from {@code at[0]} (ASCII, without its \\n), or null at the end. */
    private static String line(byte[] bytes, int[] at) {
        int end = at[0];
        while (end < bytes.length && bytes[end] != '\n' && end - at[0] < 200) {
            end++;
        }
        if (end >= bytes.length || bytes[end] != '\n') {
            return null;
        }
        String line = new String(bytes, at[0], end - at[0], StandardCharsets.ISO_8859_1);
        at[0] = end + 1;
        return line;
    }

    private static String field(Path file, String line, String name, String pattern, int number) throws IOException {
        if (line == null
                || !line.startsWith(name + " ")
                || !line.substring(name.length() + 1).matches(pattern)) {
            throw new IOException(file + ":" + number + ": damaged: expected \"" + name + " ...\"; save the normalizer"
                    + " again from the training data");
        }
        return line.substring(name.length() + 1);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
