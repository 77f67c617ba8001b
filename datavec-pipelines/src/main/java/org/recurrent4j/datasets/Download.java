package org.recurrent4j.datasets;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.recurrent4j.io.AtomicFile;

/**
 * Fetches one file: over HTTPS (or {@code http:}, {@code file:}) with connect and read timeouts,
 * reporting progress, computing the SHA-256 and the MD5 while the bytes arrive, refusing a file
 * larger than a limit, and writing the file atomically — the target is either absent or complete
 * and verified, never partial.
 *
 * <p>A body shorter than its announced length or a connection that breaks is an interrupted
 * download; a checksum other than an expected one is a mismatch; a length announced or grown past
 * the limit is a {@link DataLimits.Exceeded}; all leave nothing behind. A
 * network that cannot be reached fails at once with {@link Unreachable}, so that callers can say
 * how to supply the file by hand.
 */
public final class Download {

    /** Told how many bytes arrived, and the total ({@code -1} when the server did not say). */
    @FunctionalInterface
    public interface Progress {
        void update(long bytes, long total);

        /** Reports nothing. */
        Progress NONE = (bytes, total) -> {};
    }

    /** The network (or the host) could not be reached. */
    public static final class Unreachable extends IOException {
        private static final long serialVersionUID = 1L;

        Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Duration connectTimeout;
    private final Duration readTimeout;

    /**
     * @param connectTimeout the longest wait for a connection
     * @param readTimeout the longest wait for the next bytes
     */
    public Download(Duration connectTimeout, Duration readTimeout) {
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
    }

    /** 30 seconds to connect, 60 seconds without a byte. */
    public static Download withDefaultTimeouts() {
        return new Download(Duration.ofSeconds(30), Duration.ofSeconds(60));
    }

    /**
     * Fetches {@code uri} into {@code target}.
     *
     * @param expected the checksums the file must have (either may be unknown)
     * @param maxBytes the largest download: a longer announced length is refused before any byte is
     *     read, and a body that grows past it is cut off
     * @return the checksums of what was written
     * @throws Unreachable when the host cannot be reached or does not answer in time
     * @throws DataLimits.Exceeded when the file is larger than {@code maxBytes}
     * @throws IOException for an HTTP error status, an interrupted download or a checksum mismatch,
     *     naming the URI; in every case nothing is left at {@code target} or beside it
     */
    public Checksums fetch(URI uri, Path target, Checksums expected, long maxBytes, Progress progress)
            throws IOException {
        Checksums[] actual = new Checksums[1];
        AtomicFile.write(target, temporary -> {
            actual[0] = copy(uri, temporary, maxBytes, progress);
            String mismatch = expected.mismatch(actual[0]);
            if (mismatch != null) {
                throw new IOException(checksumMismatch(uri.toString(), mismatch));
            }
        });
        return actual[0];
    }

    static String checksumMismatch(String what, String mismatch) {
        return what + ": " + mismatch + ". The file is damaged or was changed at its source; the copy was not"
                + " kept. Try again, or check the source.";
    }

    private Checksums copy(URI uri, Path temporary, long maxBytes, Progress progress) throws IOException {
        URLConnection connection;
        int status = HttpURLConnection.HTTP_OK;
        String reason = null;
        try {
            connection = uri.toURL().openConnection();
            connection.setConnectTimeout((int) connectTimeout.toMillis());
            connection.setReadTimeout((int) readTimeout.toMillis());
            if (connection instanceof HttpURLConnection http) {
                http.setInstanceFollowRedirects(true);
                status = http.getResponseCode();
                reason = http.getResponseMessage();
            }
        } catch (IOException e) {
            // no answer at all: DNS, refused connection, timeout, TLS handshake, proxy
            throw new Unreachable(uri + ": cannot connect (" + e + ")", e);
        }
        if (status != HttpURLConnection.HTTP_OK) {
            throw new IOException(uri + ": the server answered HTTP " + status + (reason == null ? "" : " " + reason));
        }
        long total = connection.getContentLengthLong();
        if (total > maxBytes) {
            closeQuietly(connection);
            throw tooLarge(uri, total, "announced as", maxBytes);
        }
        InputStream body;
        try {
            body = connection.getInputStream();
        } catch (FileNotFoundException e) {
            throw new IOException(uri + ": not found", e);
        }
        Checksums.Digester digester = new Checksums.Digester();
        long bytes = 0;
        try (InputStream in = body;
                OutputStream out = Files.newOutputStream(temporary)) {
            byte[] buffer = new byte[1 << 16];
            int n;
            progress.update(0, total);
            while ((n = in.read(buffer)) > 0) {
                if (bytes + n > maxBytes) {
                    throw tooLarge(uri, bytes + n, "more than", maxBytes);
                }
                out.write(buffer, 0, n);
                digester.update(buffer, 0, n);
                bytes += n;
                progress.update(bytes, total);
            }
        } catch (DataLimits.Exceeded e) {
            throw e;
        } catch (IOException e) {
            throw new IOException(
                    uri + ": download interrupted after " + bytes + " bytes" + (total >= 0 ? " of " + total : "") + " ("
                            + e + "); nothing was kept, try again",
                    e);
        }
        if (total >= 0 && bytes != total) {
            throw new IOException(uri + ": download interrupted: " + bytes + " of " + total
                    + " bytes arrived; nothing was kept, try again");
        }
        return digester.checksums();
    }

    private static DataLimits.Exceeded tooLarge(URI uri, long bytes, String how, long maxBytes) {
        return DataLimits.exceeded(
                uri.toString(),
                "the download is " + how,
                bytes,
                DataLimits.bytes(bytes),
                maxBytes,
                DataLimits.bytes(maxBytes),
                DataLimits.MAX_DOWNLOAD_BYTES,
                "maxDownloadBytes",
                DataLimits.suggestion(bytes, maxBytes),
                "the download was stopped and nothing was kept");
    }

    private static void closeQuietly(URLConnection connection) {
        if (connection instanceof HttpURLConnection http) {
            http.disconnect();
        }
    }
}
