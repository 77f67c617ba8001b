package org.recurrent4j.datasets;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;
import org.recurrent4j.io.AtomicFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A public data set fetched once into the {@link DataCache} and checked every time it is used.
 *
 * <p>The file is downloaded from its canonical URL (or one given with {@link #source(URI)}, e.g.
 * a mirror) into {@code <cache>/<name>/}, with {@link Download}'s guarantees: timeouts, progress,
 * atomic write. Its SHA-256 is checked against the published one where it is known; where it is
 * not, the first download is checked by its structure (files, header, row counts) and its SHA-256
 * is then <em>pinned</em> in {@code <file>.sha256}, so that a later copy that differs — a changed
 * upstream file, a damaged cache — is noticed instead of silently training on other data.
 *
 * <p>Without a network, {@code fetch} fails at once with a message that says where to put a copy
 * you already have; {@link #useLocalCopy(Path)} checks such a copy and puts it into the cache.
 *
 * @param <D> the concrete data set, for fluent setters
 */
public abstract class PublicDataSet<D extends PublicDataSet<D>> {

    private static final Logger log = LoggerFactory.getLogger(PublicDataSet.class);

    private final String name;
    private final String fileName;
    private final String publishedSha256;
    private URI source;
    private Path cache;
    private Download download = Download.withDefaultTimeouts();
    private Download.Progress progress;

    /**
     * @param name the data set's folder in the cache
     * @param source the canonical URL
     * @param fileName the downloaded file's name
     * @param publishedSha256 the file's known SHA-256, or {@code null} to pin it on first download
     */
    protected PublicDataSet(String name, URI source, String fileName, String publishedSha256) {
        this.name = name;
        this.source = source;
        this.fileName = fileName;
        this.publishedSha256 = publishedSha256;
        this.progress = loggingProgress(name);
    }

    @SuppressWarnings("unchecked")
    private D self() {
        return (D) this;
    }

    /** Downloads from another URL (a mirror, a local server, a {@code file:} URL). */
    public D source(URI source) {
        this.source = Objects.requireNonNull(source, "source");
        return self();
    }

    /** Keeps the data under {@code cache} instead of {@link DataCache#directory()}. */
    public D cache(Path cache) {
        this.cache = Objects.requireNonNull(cache, "cache");
        return self();
    }

    /** Reports download progress here (default: a log line every 10%). */
    public D progress(Download.Progress progress) {
        this.progress = Objects.requireNonNull(progress, "progress");
        return self();
    }

    /** Uses these timeouts (default: 30 s to connect, 60 s without a byte). */
    public D download(Download download) {
        this.download = Objects.requireNonNull(download, "download");
        return self();
    }

    /** The data set's name, as its folder in the cache. */
    public String name() {
        return name;
    }

    /** The data set's folder in the cache. */
    public Path directory() {
        return (cache != null ? cache : DataCache.directory()).resolve(name);
    }

    /** Where the downloaded file is kept. */
    public Path file() {
        return directory().resolve(fileName);
    }

    private Path pinFile() {
        return directory().resolve(fileName + ".sha256");
    }

    /**
     * Checks the downloaded file (and unpacks it if it is an archive): called after every fetch,
     * and the only check of a first download whose SHA-256 is not published.
     *
     * @throws IOException saying what is wrong, if the file is not this data set
     */
    protected abstract void prepare(Path file) throws IOException;

    /** Removes what {@link #prepare} made from a file that turned out to be wrong. */
    protected void discardPrepared() throws IOException {}

    /**
     * The checked file, downloaded first if it is not in the cache.
     *
     * @throws IOException when it cannot be fetched (saying how to supply a copy), or does not
     *     match its checksum or structure (nothing of it is kept)
     */
    protected final Path fetch() throws IOException {
        Path file = file();
        String expected = expectedSha256();
        if (Files.exists(file)) {
            String actual = Download.sha256(file);
            if (expected != null && !expected.equalsIgnoreCase(actual)) {
                throw new IOException(Download.checksumMismatch(file.toString(), expected, actual)
                        .replace("the copy was not kept", "delete it to download it again"));
            }
            accept(file, actual, expected == null, false);
            return file;
        }
        String actual;
        try {
            log.info("downloading {} from {} into {}", name, source, file);
            actual = download.fetch(source, file, expected, progress);
        } catch (Download.Unreachable e) {
            throw new IOException(
                    "cannot download " + name + ": " + e.getMessage() + ". To use a copy you already"
                            + " have, put it at " + file + " (or call useLocalCopy(path)), or point -D"
                            + DataCache.PROPERTY
                            + " or " + DataCache.ENVIRONMENT + " at a folder that holds " + name + "/" + fileName,
                    e);
        }
        accept(file, actual, expected == null, true);
        return file;
    }

    /**
     * Checks a copy of the file obtained another way and puts it into the cache, so that later runs
     * need no network.
     *
     * @return the file in the cache
     */
    public Path useLocalCopy(Path copy) throws IOException {
        if (!Files.isRegularFile(copy)) {
            throw new IOException(copy + ": no such file (a local copy of " + name + "'s " + fileName + ")");
        }
        String expected = expectedSha256();
        String actual = Download.sha256(copy);
        if (expected != null && !expected.equalsIgnoreCase(actual)) {
            throw new IOException(Download.checksumMismatch(copy.toString(), expected, actual));
        }
        Path file = file();
        AtomicFile.write(file, temporary -> Files.copy(copy, temporary, StandardCopyOption.REPLACE_EXISTING));
        accept(file, actual, expected == null, true);
        return file;
    }

    private String expectedSha256() throws IOException {
        if (publishedSha256 != null) {
            return publishedSha256;
        }
        Path pin = pinFile();
        if (!Files.exists(pin)) {
            return null;
        }
        String pinned = Files.readString(pin, StandardCharsets.UTF_8).trim();
        if (!pinned.matches("[0-9a-fA-F]{64}")) {
            throw new IOException(pin + ": not a SHA-256 pin (expected 64 hex digits); delete it to pin the next"
                    + " download again");
        }
        return pinned;
    }

    /**
     * Prepares a file and pins its SHA-256 if none is known yet.
     *
     * @param copiedNow whether this call put the file in the cache (then a wrong file is removed)
     */
    private void accept(Path file, String sha256, boolean pinNow, boolean copiedNow) throws IOException {
        try {
            prepare(file);
        } catch (IOException e) {
            if (pinNow) {
                discardPrepared();
                if (copiedNow) {
                    Files.deleteIfExists(file);
                }
                throw new IOException(
                        file + " does not look like " + name + ": " + e.getMessage()
                                + (copiedNow ? "; nothing was kept" : ""),
                        e);
            }
            throw e;
        }
        if (pinNow) {
            byte[] pin = (sha256 + "\n").getBytes(StandardCharsets.UTF_8);
            AtomicFile.writeStream(pinFile(), out -> out.write(pin));
            log.info("{}: pinned SHA-256 {} in {}", name, sha256, pinFile());
        }
    }

    private static Download.Progress loggingProgress(String name) {
        long[] lastTenth = {-1};
        return (bytes, total) -> {
            if (total <= 0) {
                return;
            }
            long tenth = bytes * 10 / total;
            if (tenth != lastTenth[0]) {
                lastTenth[0] = tenth;
                log.info("{}: {}% of {} MB", name, tenth * 10, String.format("%.1f", total / 1e6));
            }
        };
    }

    @Override
    public String toString() {
        return name + " (" + source + ")";
    }
}
