package org.recurrent4j.training;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 fingerprints of training data, which a {@link TrainingRun} records in its checkpoints so
 * that a run resumed on other data is refused rather than silently continued.
 *
 * <pre>{@code
 * String fingerprint = DataFingerprint.sha256(List.of(label + "\t" + text, ...));
 * String ofFiles = DataFingerprint.sha256(Path.of("train.tsv"), Path.of("dev.tsv"));
 * }</pre>
 */
public final class DataFingerprint {

    private DataFingerprint() {}

    /** The SHA-256 of {@code parts} in order, each as UTF-8 followed by a newline. */
    public static String sha256(Iterable<String> parts) {
        MessageDigest digest = digest();
        for (String part : parts) {
            digest.update(part.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) '\n');
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The SHA-256 of {@code values} in order, as their IEEE 754 bit patterns (little-endian). */
    public static String sha256(double[] values) {
        MessageDigest digest = digest();
        byte[] bytes = new byte[8];
        for (double value : values) {
            long bits = Double.doubleToLongBits(value);
            for (int i = 0; i < 8; i++) {
                bytes[i] = (byte) (bits >>> (8 * i));
            }
            digest.update(bytes);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The SHA-256 of the files' contents in order, each followed by its length. */
    public static String sha256(Path... files) throws IOException {
        MessageDigest digest = digest();
        byte[] buffer = new byte[1 << 16];
        for (Path file : files) {
            long length = 0;
            try (InputStream in = Files.newInputStream(file)) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    digest.update(buffer, 0, n);
                    length += n;
                }
            }
            digest.update(Long.toString(length).getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
