package org.recurrent4j.datasets;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.stream.Stream;
import org.recurrent4j.io.AtomicFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A public data set fetched once into the {@link DataCache} and checked every time it is used.
 *
 * <p>The file is downloaded from its canonical URL (or one given with {@link #source(URI)}, e.g.
 * a mirror) into {@code <cache>/<name>/}, with {@link Download}'s guarantees: timeouts, progress,
 * a size limit, atomic write. Its checksums are checked against the published ones where they are
 * known (a SHA-256, or the MD5 that is all some sources publish), while it downloads and on every
 * later use. Where nothing is published, the first download is checked by its structure (files,
 * header, row counts) and its SHA-256 is then <em>pinned</em> in {@code <file>.sha256}, so that
 * a later copy that differs — a changed upstream file, a damaged cache — is noticed instead of
 * silently training on other data. (Pinning cannot tell whether the first download was already
 * wrong in a way its structure check misses.)
 *
 * <p>An archive is extracted within the {@link #limits(DataLimits) limits} next to it, with a
 * manifest of every file's size, time and SHA-256; each use checks the extraction against it (see
 * {@link ExtractionManifest}: sizes and times every time, every hash at least every {@link
 * #fullCheckInterval(Duration) full-check interval}), and an extraction made from another archive
 * than the one now in the cache is extracted again.
 *
 * <p>Preparing a data set holds a lock on its folder ({@code <cache>/<name>/.lock}), so two
 * threads or processes preparing it at once do not collide: one works, the other waits and then
 * uses the result. Temporary files that a process which died left there are removed.
 *
 * <p>Without a network, {@code fetch} fails at once with a message that says where to put a copy
 * you already have; {@link #useLocalCopy(Path)} checks such a copy and puts it into the cache.
 *
 * @param <D> the concrete data set, for fluent setters
 */
public abstract class PublicDataSet<D extends PublicDataSet<D>> {

    private static final Logger log = LoggerFactory.getLogger(PublicDataSet.class);

    /** The default longest wait for another process preparing the same data set. */
    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofHours(1);

    /** The default longest time between two full (every hash) checks of an extraction. */
    public static final Duration DEFAULT_FULL_CHECK_INTERVAL = Duration.ofDays(7);

    private final String name;
    private final String fileName;
    private final Checksums published;
    private URI source;
    private Path cache;
    private Download download = Download.withDefaultTimeouts();
    private Download.Progress progress;
    private DataLimits limits = DataLimits.fromSystemProperties();
    private Duration lockTimeout = DEFAULT_LOCK_TIMEOUT;
    private Duration fullCheckInterval = DEFAULT_FULL_CHECK_INTERVAL;
    private Checksums current;

    /**
     * @param name the data set's folder in the cache
     * @param source the canonical URL
     * @param fileName the downloaded file's name
     * @param published the file's published checksums ({@link Checksums#NONE} to pin its SHA-256 on
     *     first download)
     */
    protected PublicDataSet(String name, URI source, String fileName, Checksums published) {
        this.name = name;
        this.source = source;
        this.fileName = fileName;
        this.published = Objects.requireNonNull(published, "published");
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

    /** Bounds the download and the extraction (default: {@link DataLimits#fromSystemProperties()}). */
    public D limits(DataLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        return self();
    }

    /** Waits at most this long for another process preparing the same data set (default 1 hour). */
    public D lockTimeout(Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("the lock timeout cannot be negative, got " + timeout);
        }
        this.lockTimeout = timeout;
        return self();
    }

    /**
     * Hashes every extracted file when the last such full check is older than this (default 7
     * days; {@link Duration#ZERO} checks every hash on every use). Sizes and times are checked on
     * every use whatever this says.
     */
    public D fullCheckInterval(Duration interval) {
        if (interval.isNegative()) {
            throw new IllegalArgumentException("the full-check interval cannot be negative, got " + interval);
        }
        this.fullCheckInterval = interval;
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

    /** The limits in effect. */
    public DataLimits limits() {
        return limits;
    }

    private Path pinFile() {
        return directory().resolve(fileName + ".sha256");
    }

    private Path lockFile() {
        return directory().resolve(".lock");
    }

    /**
     * Checks the downloaded file (and unpacks it, with {@link #unpack}, if it is an archive): called
     * after every fetch, with the cache folder locked, and the only check of a first download whose
     * checksum is not published.
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
    @SuppressWarnings("try") // the resource is a scope, opened for its effect on the code inside
    protected final Path fetch() throws IOException {
        try (CacheLock lock = CacheLock.acquire(lockFile(), name, lockTimeout)) {
            removeLeftovers();
            return fetchLocked();
        }
    }

    private Path fetchLocked() throws IOException {
        Path file = file();
        Checksums expected = expectedChecksums();
        boolean pinNow = published.isEmpty() && expected.isEmpty();
        if (Files.exists(file)) {
            Checksums actual = Checksums.of(file);
            String mismatch = expected.mismatch(actual);
            if (mismatch != null) {
                throw new IOException(file + ": " + mismatch + ". The file in the cache is damaged or is another"
                        + " version; delete it to download it again");
            }
            accept(file, actual, pinNow, false);
            return file;
        }
        Checksums actual;
        try {
            log.info("downloading {} from {} into {}", name, source, file);
            actual = download.fetch(source, file, expected, limits.maxDownloadBytes(), progress);
        } catch (Download.Unreachable e) {
            throw new IOException(
                    "cannot download " + name + ": " + e.getMessage() + ". To use a copy you already"
                            + " have, put it at " + file + " (or call useLocalCopy(path)), or point -D"
                            + DataCache.PROPERTY
                            + " or " + DataCache.ENVIRONMENT + " at a folder that holds " + name + "/" + fileName,
                    e);
        }
        accept(file, actual, pinNow, true);
        return file;
    }

    /** Deletes the temporary files and folders of writes that a process which died did not finish. */
    private void removeLeftovers() throws IOException {
        try (Stream<Path> entries = Files.list(directory())) {
            for (Path leftover : entries.filter(
                            p -> Archives.isTemporary(p.getFileName().toString()))
                    .toList()) {
                log.info("{}: removing {}, left by a process that did not finish", name, leftover);
                Archives.deleteTree(leftover);
            }
        }
    }

    /**
     * Checks a copy of the file obtained another way and puts it into the cache, so that later runs
     * need no network.
     *
     * @return the file in the cache
     */
    @SuppressWarnings("try") // the resource is a scope, opened for its effect on the code inside
    public Path useLocalCopy(Path copy) throws IOException {
        if (!Files.isRegularFile(copy)) {
            throw new IOException(copy + ": no such file (a local copy of " + name + "'s " + fileName + ")");
        }
        try (CacheLock lock = CacheLock.acquire(lockFile(), name, lockTimeout)) {
            removeLeftovers();
            Checksums expected = expectedChecksums();
            Checksums actual = Checksums.of(copy);
            String mismatch = expected.mismatch(actual);
            if (mismatch != null) {
                throw new IOException(copy + ": " + mismatch + ". It is not the expected " + fileName
                        + "; it was not copied into the cache");
            }
            Path file = file();
            AtomicFile.write(file, temporary -> Files.copy(copy, temporary, StandardCopyOption.REPLACE_EXISTING));
            accept(file, actual, published.isEmpty() && expected.isEmpty(), true);
            return file;
        }
    }

    private Checksums expectedChecksums() throws IOException {
        if (!published.isEmpty()) {
            return published;
        }
        Path pin = pinFile();
        if (!Files.exists(pin)) {
            return Checksums.NONE;
        }
        String pinned = Files.readString(pin, StandardCharsets.ISO_8859_1).trim();
        if (!pinned.matches("[0-9a-fA-F]{64}")) {
            throw new IOException(pin + ": not a SHA-256 pin (expected 64 hex digits); delete it to pin the next"
                    + " download again");
        }
        return Checksums.sha256(pinned);
    }

    /**
     * Prepares a file and pins its SHA-256 if nothing is known of it yet.
     *
     * @param copiedNow whether this call put the file in the cache (then a wrong file is removed)
     */
    private void accept(Path file, Checksums checksums, boolean pinNow, boolean copiedNow) throws IOException {
        current = checksums;
        try {
            prepare(file);
        } catch (IOException e) {
            if (pinNow) {
                // nothing vouches for this file: keep nothing made from it
                discardPrepared();
                if (copiedNow) {
                    Files.deleteIfExists(file);
                }
                if (e instanceof DataLimits.Exceeded) {
                    throw e;
                }
                throw new IOException(
                        file + " does not look like " + name + ": " + e.getMessage()
                                + (copiedNow ? "; nothing was kept" : ""),
                        e);
            }
            throw e;
        } finally {
            current = null;
        }
        if (pinNow) {
            byte[] pin = (checksums.sha256() + "\n").getBytes(StandardCharsets.UTF_8);
            AtomicFile.writeStream(pinFile(), out -> out.write(pin));
            log.info("{}: pinned SHA-256 {} in {}", name, checksums.sha256(), pinFile());
        }
    }

    /**
     * For {@link #prepare}: extracts {@code archive} into {@code target} if that was not done yet;
     * else checks the extraction against its {@link ExtractionManifest} (and extracts it again if
     * it was made from another archive than the one checked now).
     *
     * @throws DataLimits.Exceeded when the archive goes over a limit
     * @throws IOException for an unsafe or damaged archive, or an extraction whose files changed
     *     (naming them, and saying to delete {@code target} to extract it again)
     */
    protected final void unpack(Path archive, Path target, Archives.Format format) throws IOException {
        String archiveSha256 =
                current != null ? current.sha256() : Checksums.of(archive).sha256();
        Path manifestFile = ExtractionManifest.fileOf(target);
        Path stamp = stampOf(target);
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            Archives.extract(archive, target, format, limits, archiveSha256);
            stampFullCheck(stamp);
            return;
        }
        String recovery = "Delete " + target + " to extract it again from " + archive;
        ExtractionManifest manifest;
        try {
            manifest = ExtractionManifest.read(manifestFile);
        } catch (NoSuchFileException e) {
            throw new IOException(target + ": there is no manifest (" + manifestFile + ") to check the extracted"
                    + " files against (the folder was made by hand or by an older recurrent4j). " + recovery);
        }
        if (!manifest.archiveSha256().equals(archiveSha256)) {
            log.warn(
                    "{}: {} was extracted from an archive with SHA-256 {}, but {} (checked) has SHA-256 {} now:"
                            + " extracting it again, so that its files match the archive",
                    name,
                    target,
                    manifest.archiveSha256(),
                    archive,
                    archiveSha256);
            discardExtraction(target);
            Archives.extract(archive, target, format, limits, archiveSha256);
            stampFullCheck(stamp);
            return;
        }
        boolean full = fullCheckDue(stamp);
        long start = System.nanoTime();
        ExtractionManifest.Check check = manifest.verify(target, full, manifestFile, recovery);
        log.debug(
                "{}: checked {} extracted files ({} hashed) in {} ms",
                name,
                check.files(),
                check.hashed(),
                (System.nanoTime() - start) / 1_000_000);
        if (full) {
            stampFullCheck(stamp);
        }
    }

    /** For {@link #discardPrepared}: removes an extraction made by {@link #unpack}, its manifest and its stamp. */
    protected final void discardExtraction(Path target) throws IOException {
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            Path old = Archives.temporaryBeside(target.toAbsolutePath());
            Files.move(target, old);
            Archives.deleteTree(old);
        }
        Files.deleteIfExists(ExtractionManifest.fileOf(target));
        Files.deleteIfExists(stampOf(target));
    }

    private static Path stampOf(Path target) {
        return target.resolveSibling(target.getFileName() + ".checked");
    }

    private boolean fullCheckDue(Path stamp) {
        try {
            Instant last = Instant.parse(
                    Files.readString(stamp, StandardCharsets.ISO_8859_1).strip());
            Instant now = Instant.now();
            return last.isAfter(now) || !last.plus(fullCheckInterval).isAfter(now);
        } catch (IOException | DateTimeParseException e) {
            return true;
        }
    }

    private static void stampFullCheck(Path stamp) throws IOException {
        byte[] now = (Instant.now() + "\n").getBytes(StandardCharsets.UTF_8);
        AtomicFile.writeStream(stamp, out -> out.write(now));
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
