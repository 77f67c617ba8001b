package org.recurrent4j.datasets;

import java.io.IOException;
import java.util.Locale;

/**
 * How much a download or an archive may hold before it is refused: the bytes of a download, the
 * bytes an archive extracts to, its number of entries and its compression ratio. They stop a
 * damaged or hostile source (a zip bomb, an endless download) from filling the disk or the memory;
 * the defaults leave room for the real data sets (IMDB: an 84 MB archive of about 100,000 files,
 * about 500 MB on disk once extracted, compression ratio about 3).
 *
 * <table>
 *   <caption>Limits, their defaults and their system properties</caption>
 *   <tr><th>limit</th><th>default</th><th>system property</th></tr>
 *   <tr><td>bytes of a download</td><td>1 GiB</td><td>{@value #MAX_DOWNLOAD_BYTES}</td></tr>
 *   <tr><td>bytes extracted from an archive</td><td>2 GiB</td><td>{@value #MAX_EXTRACTED_BYTES}</td></tr>
 *   <tr><td>entries of an archive</td><td>500,000</td><td>{@value #MAX_ENTRIES}</td></tr>
 *   <tr><td>compression ratio (decompressed / compressed bytes)</td><td>100</td>
 *       <td>{@value #MAX_COMPRESSION_RATIO}</td></tr>
 * </table>
 *
 * <p>The ratio is checked for the whole archive and, in a zip, for each entry, once more than
 * {@link #RATIO_GRACE_BYTES} bytes were decompressed (a small file of one repeated byte compresses
 * far better than 100:1 and is harmless). Sizes in system properties take a suffix {@code k},
 * {@code m} or {@code g} (powers of 1024): {@code -Drecurrent4j.data.maxExtractedBytes=8g}.
 *
 * <p>A limit that is exceeded is a {@link Exceeded} naming the limit, the value seen and how to
 * raise it; nothing of the download or the extraction is kept.
 *
 * <pre>{@code
 * Imdb imdb = new Imdb().limits(DataLimits.defaults().maxExtractedBytes(8L << 30));
 * Archives.extract(archive, target, Archives.Format.ZIP, DataLimits.fromSystemProperties());
 * }</pre>
 */
public final class DataLimits {

    /** The system property for the largest download, in bytes. */
    public static final String MAX_DOWNLOAD_BYTES = "recurrent4j.data.maxDownloadBytes";

    /** The system property for the most bytes an archive may extract to. */
    public static final String MAX_EXTRACTED_BYTES = "recurrent4j.data.maxExtractedBytes";

    /** The system property for the most entries an archive may have. */
    public static final String MAX_ENTRIES = "recurrent4j.data.maxEntries";

    /** The system property for the highest compression ratio. */
    public static final String MAX_COMPRESSION_RATIO = "recurrent4j.data.maxCompressionRatio";

    /** Decompressed bytes before the compression ratio is checked. */
    public static final long RATIO_GRACE_BYTES = 1L << 20;

    private static final DataLimits DEFAULTS = new DataLimits(1L << 30, 2L << 30, 500_000, 100);

    private final long maxDownloadBytes;
    private final long maxExtractedBytes;
    private final long maxEntries;
    private final double maxCompressionRatio;

    private DataLimits(long maxDownloadBytes, long maxExtractedBytes, long maxEntries, double maxCompressionRatio) {
        this.maxDownloadBytes = positive("maxDownloadBytes", maxDownloadBytes);
        this.maxExtractedBytes = positive("maxExtractedBytes", maxExtractedBytes);
        this.maxEntries = positive("maxEntries", maxEntries);
        if (!(maxCompressionRatio >= 1)) {
            throw new IllegalArgumentException("maxCompressionRatio must be at least 1, got " + maxCompressionRatio);
        }
        this.maxCompressionRatio = maxCompressionRatio;
    }

    private static long positive(String what, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(what + " must be at least 1, got " + value);
        }
        return value;
    }

    /** The built-in limits, whatever the system properties say. */
    public static DataLimits defaults() {
        return DEFAULTS;
    }

    /**
     * The built-in limits with those set by system properties ({@value #MAX_DOWNLOAD_BYTES}, ...)
     * in their place: what the data-set loaders use unless told otherwise.
     *
     * @throws IllegalArgumentException for a property that is not a positive number, naming it
     */
    public static DataLimits fromSystemProperties() {
        return new DataLimits(
                size(MAX_DOWNLOAD_BYTES, DEFAULTS.maxDownloadBytes),
                size(MAX_EXTRACTED_BYTES, DEFAULTS.maxExtractedBytes),
                size(MAX_ENTRIES, DEFAULTS.maxEntries),
                ratio(MAX_COMPRESSION_RATIO, DEFAULTS.maxCompressionRatio));
    }

    private static long size(String property, long fallback) {
        String text = System.getProperty(property);
        if (text == null || text.isBlank()) {
            return fallback;
        }
        String t = text.strip().toLowerCase(Locale.ROOT);
        int shift = t.endsWith("k") ? 10 : t.endsWith("m") ? 20 : t.endsWith("g") ? 30 : 0;
        String digits = shift == 0 ? t : t.substring(0, t.length() - 1);
        try {
            long value = Long.parseLong(digits);
            if (value < 1 || value > Long.MAX_VALUE >> shift) {
                throw new NumberFormatException();
            }
            return value << shift;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + property + "=" + text + ": expected a positive whole number,"
                    + " optionally with a suffix k, m or g (e.g. 8g)");
        }
    }

    private static double ratio(String property, double fallback) {
        String text = System.getProperty(property);
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            double value = Double.parseDouble(text.strip());
            if (!(value >= 1) || Double.isInfinite(value)) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "-D" + property + "=" + text + ": expected a finite number of at least 1 (e.g. 500)");
        }
    }

    /** These limits with another largest download. */
    public DataLimits maxDownloadBytes(long bytes) {
        return new DataLimits(bytes, maxExtractedBytes, maxEntries, maxCompressionRatio);
    }

    /** These limits with another largest extraction. */
    public DataLimits maxExtractedBytes(long bytes) {
        return new DataLimits(maxDownloadBytes, bytes, maxEntries, maxCompressionRatio);
    }

    /** These limits with another largest number of entries. */
    public DataLimits maxEntries(long entries) {
        return new DataLimits(maxDownloadBytes, maxExtractedBytes, entries, maxCompressionRatio);
    }

    /** These limits with another highest compression ratio. */
    public DataLimits maxCompressionRatio(double ratio) {
        return new DataLimits(maxDownloadBytes, maxExtractedBytes, maxEntries, ratio);
    }

    public long maxDownloadBytes() {
        return maxDownloadBytes;
    }

    public long maxExtractedBytes() {
        return maxExtractedBytes;
    }

    public long maxEntries() {
        return maxEntries;
    }

    public double maxCompressionRatio() {
        return maxCompressionRatio;
    }

    /** A limit was exceeded; nothing of the download or the extraction was kept. */
    public static final class Exceeded extends IOException {
        private static final long serialVersionUID = 1L;

        private final String property;
        private final double seen;
        private final double limit;

        Exceeded(String message, String property, double seen, double limit) {
            super(message);
            this.property = property;
            this.seen = seen;
            this.limit = limit;
        }

        /** The system property of the limit, such as {@value #MAX_EXTRACTED_BYTES}. */
        public String property() {
            return property;
        }

        /** The value seen when the limit was exceeded (at least; reading stopped there). */
        public double seen() {
            return seen;
        }

        /** The limit. */
        public double limit() {
            return limit;
        }
    }

    /**
     * The error for an exceeded limit.
     *
     * @param where the file or URL, first in the message
     * @param what what was measured, e.g. "the download is"
     * @param seenText the value seen, for the message, e.g. "2,147,483,649 bytes"
     * @param limitText the limit, for the message
     * @param method the {@code DataLimits} method that raises it
     * @param suggestion a value to suggest, as a system property value
     */
    static Exceeded exceeded(
            String where,
            String what,
            double seen,
            String seenText,
            double limit,
            String limitText,
            String property,
            String method,
            String suggestion,
            String consequence) {
        return new Exceeded(
                where + ": " + what + " " + seenText + ", over the limit of " + limitText + " (" + property + "); "
                        + consequence + ". If you trust the source, raise the limit: -D" + property + "="
                        + suggestion + ", or limits(DataLimits.fromSystemProperties()." + method
                        + "(...)) on the data set",
                property,
                seen,
                limit);
    }

    /** A number of bytes for messages: exact, and in binary units when large. */
    static String bytes(long bytes) {
        String exact = String.format(Locale.ROOT, "%,d bytes", bytes);
        if (bytes < 1L << 20) {
            return exact;
        }
        double mib = bytes / (double) (1L << 20);
        return exact
                + (mib < 1024
                        ? String.format(Locale.ROOT, " (%.1f MiB)", mib)
                        : String.format(Locale.ROOT, " (%.2f GiB)", mib / 1024));
    }

    /**
     * A new limit to suggest, as a system property value: twice the old one, or more if more was
     * seen, rounded up to whole MiB or GiB.
     */
    static String suggestion(long seen, long limit) {
        long wanted = Math.max(seen, limit > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : 2 * limit);
        if (wanted >= 1L << 30 && wanted < Long.MAX_VALUE - (1L << 30)) {
            return ((wanted + (1L << 30) - 1) >> 30) + "g";
        }
        if (wanted >= 1L << 20) {
            return ((wanted + (1L << 20) - 1) >> 20) + "m";
        }
        return Long.toString(wanted);
    }

    @Override
    public String toString() {
        return "DataLimits(download " + bytes(maxDownloadBytes) + ", extracted " + bytes(maxExtractedBytes)
                + ", entries " + maxEntries + ", compression ratio " + maxCompressionRatio + ")";
    }
}
