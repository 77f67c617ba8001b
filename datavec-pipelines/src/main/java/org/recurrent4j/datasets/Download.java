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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import org.recurrent4j.io.AtomicFile;

/**
 * Fetches one file: over HTTPS (or {@code http:}, {@code file:}) with connect and read timeouts,
 * reporting progress, computing the SHA-256 while the bytes arrive, and writing the file
 * atomically — the target is either absent or complete and verified, never partial.
 *
 * <p>A body shorter than its announced length or a connection that breaks is an interrupted
 * download; a SHA-256 other than the expected one is a mismatch; both leave nothing behind. A
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
     * @param expectedSha256 the file's SHA-256 in hex, or {@code null} to accept any content
     * @return the SHA-256 of what was written, in lower-case hex
     * @throws Unreachable when the host cannot be reached or does not answer in time
     * @throws IOException for an HTTP error status, an interrupted download or a checksum mismatch,
     *     naming the URI
     */
    public String fetch(URI uri, Path target, String expectedSha256, Progress progress) throws IOException {
        String[] sha = new String[1];
        AtomicFile.write(target, temporary -> {
            sha[0] = copy(uri, temporary, progress);
            if (expectedSha256 != null && !expectedSha256.equalsIgnoreCase(sha[0])) {
                throw new IOException(checksumMismatch(uri.toString(), expectedSha256, sha[0]));
            }
        });
        return sha[0];
    }

    static String checksumMismatch(String what, String expected, String actual) {
        return what + ": SHA-256 mismatch: expected " + expected.toLowerCase() + ", got " + actual
                + ". The file is damaged or was changed at its source; the copy was not kept. Try again, or"
                + " check the source.";
    }

    private String copy(URI uri, Path temporary, Progress progress) throws IOException {
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
        InputStream body;
        try {
            body = connection.getInputStream();
        } catch (FileNotFoundException e) {
            throw new IOException(uri + ": not found", e);
        }
        MessageDigest digest = sha256();
        long bytes = 0;
        try (InputStream in = body;
                OutputStream out = Files.newOutputStream(temporary)) {
            byte[] buffer = new byte[1 << 16];
            int n;
            progress.update(0, total);
            while ((n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
                digest.update(buffer, 0, n);
                bytes += n;
                progress.update(bytes, total);
            }
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
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The SHA-256 of a file, in lower-case hex. */
    public static String sha256(Path file) throws IOException {
        MessageDigest digest = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
