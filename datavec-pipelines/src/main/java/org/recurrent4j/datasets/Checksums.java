package org.recurrent4j.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The SHA-256 and MD5 of a file, in lower-case hex: either computed (both set) or expected (each
 * {@code null} when not known). MD5 is checked only where it is what the source publishes (IMDB's
 * {@code aclImdb_v1.tar.gz}); SHA-256 is always computed, to pin a file or to tie an extraction
 * to the archive it was made from.
 *
 * <pre>{@code
 * Checksums expected = Checksums.md5("7c2ac02c03563afcf9b574c7e56c153a");
 * Checksums actual = Checksums.of(Path.of("aclImdb_v1.tar.gz"));
 * String problem = expected.mismatch(actual);   // null when every known checksum matches
 * }</pre>
 *
 * @param sha256 the SHA-256, 64 hex digits, or {@code null}
 * @param md5 the MD5, 32 hex digits, or {@code null}
 */
public record Checksums(String sha256, String md5) {

    /** Nothing known: any content is accepted. */
    public static final Checksums NONE = new Checksums(null, null);

    public Checksums {
        sha256 = hex("SHA-256", sha256, 64);
        md5 = hex("MD5", md5, 32);
    }

    private static String hex(String what, String value, int digits) {
        if (value == null) {
            return null;
        }
        if (!value.matches("[0-9a-fA-F]{" + digits + "}")) {
            throw new IllegalArgumentException("a " + what + " is " + digits + " hex digits, got \"" + value + "\"");
        }
        return value.toLowerCase(Locale.ROOT);
    }

    /** An expected SHA-256 only. */
    public static Checksums sha256(String sha256) {
        return new Checksums(sha256, null);
    }

    /** An expected MD5 only. */
    public static Checksums md5(String md5) {
        return new Checksums(null, md5);
    }

    /** Whether neither checksum is known. */
    public boolean isEmpty() {
        return sha256 == null && md5 == null;
    }

    /** These expected checksums with the SHA-256 replaced (e.g. by a pinned one). */
    public Checksums withSha256(String sha256) {
        return new Checksums(sha256, md5);
    }

    /**
     * What differs between these expected checksums and {@code actual} ones, e.g. {@code "SHA-256
     * mismatch: expected …, got …"}, or {@code null} when every known one matches.
     */
    public String mismatch(Checksums actual) {
        List<String> problems = new ArrayList<>();
        if (sha256 != null && !sha256.equals(actual.sha256)) {
            problems.add("SHA-256 mismatch: expected " + sha256 + ", got " + actual.sha256);
        }
        if (md5 != null && !md5.equals(actual.md5)) {
            problems.add("MD5 mismatch: expected " + md5 + ", got " + actual.md5);
        }
        return problems.isEmpty() ? null : String.join("; ", problems);
    }

    /** Both checksums of a file, computed in one pass. */
    public static Checksums of(Path file) throws IOException {
        Digester digester = new Digester();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digester.update(buffer, 0, n);
            }
        }
        return digester.checksums();
    }

    /** Computes both checksums of bytes as they pass. */
    static final class Digester {
        private final MessageDigest sha256 = digest("SHA-256");
        private final MessageDigest md5 = digest("MD5");

        void update(byte[] bytes, int offset, int length) {
            sha256.update(bytes, offset, length);
            md5.update(bytes, offset, length);
        }

        Checksums checksums() {
            HexFormat hex = HexFormat.of();
            return new Checksums(hex.formatHex(sha256.digest()), hex.formatHex(md5.digest()));
        }
    }

    static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has " + algorithm, e);
        }
    }
}
