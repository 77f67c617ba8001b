package org.recurrent4j.datasets;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.apache.commons.compress.archivers.ArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.utils.InputStreamStatistics;

/**
 * Safe, bounded extraction of zip and tar.gz archives into a folder, with a manifest of what was
 * extracted.
 *
 * <ul>
 *   <li>An entry whose path would land outside the folder ({@code ../x}, an absolute path), link
 *       entries (symbolic or hard, which could point anywhere), special files (devices, pipes),
 *       names with control characters and entries that appear twice are refused, with the archive
 *       and the entry named.
 *   <li>The {@link DataLimits} bound the bytes extracted, the number of entries and the compression
 *       ratio, so that a zip or tar bomb stops early with an error saying which limit and how to
 *       raise it.
 *   <li>The archive is unpacked into a temporary folder next to the target ({@code
 *       .<target>.<random>.tmp}), which is renamed to the target only when every entry was read:
 *       a truncated or damaged archive, or one over a limit, leaves nothing behind.
 *   <li>Each file is hashed as it is written, and an {@link ExtractionManifest} (sizes, times,
 *       SHA-256s, and the archive's SHA-256) is written atomically beside the target before it is
 *       renamed into place, for the checks made whenever the extraction is used.
 * </ul>
 *
 * <pre>{@code
 * ExtractionManifest manifest = Archives.extract(
 *         Path.of("aclImdb_v1.tar.gz"), Path.of("imdb/extracted"), Archives.Format.TAR_GZ,
 *         DataLimits.fromSystemProperties());
 * }</pre>
 */
public final class Archives {

    /** The archive formats. */
    public enum Format {
        /** A zip file (read through its central directory, so that a truncated zip is noticed). */
        ZIP,
        /** A gzip-compressed tar file. */
        TAR_GZ
    }

    private Archives() {}

    /** Extracts a zip archive into {@code target}, which must not exist yet, within the limits of the system properties. */
    public static ExtractionManifest unzip(Path archive, Path target) throws IOException {
        return extract(archive, target, Format.ZIP, DataLimits.fromSystemProperties());
    }

    /** Extracts a tar.gz archive into {@code target}, which must not exist yet, within the limits of the system properties. */
    public static ExtractionManifest untarGz(Path archive, Path target) throws IOException {
        return extract(archive, target, Format.TAR_GZ, DataLimits.fromSystemProperties());
    }

    /**
     * Extracts {@code archive} into {@code target}, which must not exist yet, and writes its
     * manifest ({@link ExtractionManifest#fileOf(Path)}).
     *
     * @return the manifest written
     * @throws DataLimits.Exceeded when the archive goes over a limit (nothing is kept)
     * @throws IOException for an unsafe, truncated or damaged archive, naming it (nothing is kept)
     */
    public static ExtractionManifest extract(Path archive, Path target, Format format, DataLimits limits)
            throws IOException {
        return extract(archive, target, format, limits, Checksums.of(archive).sha256());
    }

    /** {@link #extract(Path, Path, Format, DataLimits)} of an archive whose SHA-256 is known. */
    static ExtractionManifest extract(Path archive, Path target, Format format, DataLimits limits, String archiveSha256)
            throws IOException {
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(target + ": already exists; not extracting " + archive + " over it");
        }
        Path absolute = target.toAbsolutePath();
        Path parent = absolute.getParent();
        Files.createDirectories(parent);
        Path temporary = Files.createDirectory(temporaryBeside(absolute));
        Path manifestFile = ExtractionManifest.fileOf(absolute);
        boolean done = false;
        try {
            Budget budget = new Budget(archive, limits, Files.size(archive));
            List<ExtractionManifest.Entry> files = new ArrayList<>();
            int entries;
            try {
                entries = format == Format.TAR_GZ
                        ? readTarGz(archive, temporary, budget, files)
                        : readZip(archive, temporary, budget, files);
            } catch (IOException | RuntimeException e) {
                throw budget.failure != null ? budget.failure : unlessOurs(archive, e);
            }
            if (entries == 0) {
                throw new IOException(archive + ": the archive has no entries; it is damaged or not a "
                        + (format == Format.TAR_GZ ? "tar.gz" : "zip") + " file. Delete it and download it again.");
            }
            ExtractionManifest manifest = new ExtractionManifest(archiveSha256, files);
            manifest.write(manifestFile);
            move(temporary, absolute);
            done = true;
            return manifest;
        } finally {
            deleteTree(temporary);
            if (!done && !Files.exists(absolute, LinkOption.NOFOLLOW_LINKS)) {
                Files.deleteIfExists(manifestFile);
            }
        }
    }

    /** A fresh name for a temporary file or folder beside {@code path}: {@code .<name>.<random>.tmp}. */
    static Path temporaryBeside(Path path) {
        return path.resolveSibling("." + path.getFileName() + "." + UUID.randomUUID() + ".tmp");
    }

    /**
     * Whether a name in a cache folder is a temporary file or folder of an extraction or an atomic
     * write ({@code .<name>….tmp}) that a process which died left behind.
     */
    static boolean isTemporary(String name) {
        return name.startsWith(".") && name.endsWith(".tmp");
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    /** Counts what an extraction produced and stops it at the limits. */
    private static final class Budget {
        final Path archive;
        final DataLimits limits;
        final long archiveBytes;
        long entries;
        long fileBytes;
        long decompressed;
        long compressed;
        DataLimits.Exceeded failure;

        Budget(Path archive, DataLimits limits, long archiveBytes) {
            this.archive = archive;
            this.limits = limits;
            this.archiveBytes = Math.max(1, archiveBytes);
        }

        void entry(String name) throws DataLimits.Exceeded {
            entries++;
            if (entries > limits.maxEntries()) {
                fail(DataLimits.exceeded(
                        archive.toString(),
                        "the archive has more entries than the limit, at least",
                        entries,
                        String.format(Locale.ROOT, "%,d (entry \"%s\")", entries, name),
                        limits.maxEntries(),
                        String.format(Locale.ROOT, "%,d", limits.maxEntries()),
                        DataLimits.MAX_ENTRIES,
                        "maxEntries",
                        Long.toString(
                                limits.maxEntries() > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : 2 * limits.maxEntries()),
                        NOTHING_EXTRACTED));
            }
        }

        void fileBytes(String name, long more) throws DataLimits.Exceeded {
            fileBytes += more;
            if (fileBytes > limits.maxExtractedBytes()) {
                fail(DataLimits.exceeded(
                        archive.toString(),
                        "the entries extract to more than the limit, at least",
                        fileBytes,
                        DataLimits.bytes(fileBytes) + " (at entry \"" + name + "\")",
                        limits.maxExtractedBytes(),
                        DataLimits.bytes(limits.maxExtractedBytes()),
                        DataLimits.MAX_EXTRACTED_BYTES,
                        "maxExtractedBytes",
                        DataLimits.suggestion(fileBytes, limits.maxExtractedBytes()),
                        NOTHING_EXTRACTED));
            }
        }

        /** Checks the ratio of {@code out} decompressed bytes to {@code in} compressed ones. */
        void ratio(String what, long out, long in) throws DataLimits.Exceeded {
            if (out <= DataLimits.RATIO_GRACE_BYTES) {
                return;
            }
            double ratio = out / (double) Math.max(1, in);
            if (ratio > limits.maxCompressionRatio()) {
                fail(DataLimits.exceeded(
                        archive.toString(),
                        what + " has a compression ratio over the limit:",
                        ratio,
                        String.format(
                                Locale.ROOT,
                                "%.0f (%s from %s so far)",
                                ratio,
                                DataLimits.bytes(out),
                                DataLimits.bytes(in)),
                        limits.maxCompressionRatio(),
                        String.format(Locale.ROOT, "%.0f", limits.maxCompressionRatio()),
                        DataLimits.MAX_COMPRESSION_RATIO,
                        "maxCompressionRatio",
                        String.format(
                                Locale.ROOT, "%.0f", Math.ceil(2 * Math.max(limits.maxCompressionRatio(), ratio))),
                        NOTHING_EXTRACTED + "; such a ratio is the mark of a zip or tar bomb"));
            }
        }

        void fail(DataLimits.Exceeded e) throws DataLimits.Exceeded {
            if (failure == null) {
                failure = e;
            }
            throw failure;
        }
    }

    private static final String NOTHING_EXTRACTED = "the extraction was stopped and nothing was kept";

    /** Counts the bytes read through it and reports them to a callback that may stop the reading. */
    private static final class Counting extends FilterInputStream {
        interface Check {
            void bytes(long total) throws IOException;
        }

        private final Check check;
        long count;

        Counting(InputStream in, Check check) {
            super(in);
            this.check = check;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
                check.bytes(count);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count += n;
                check.bytes(count);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            // read rather than skip, so that skipped bytes are decompressed, counted and checked
            byte[] buffer = new byte[(int) Math.min(8192, Math.max(1, n))];
            long skipped = 0;
            while (skipped < n) {
                int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
                if (r < 0) {
                    break;
                }
                skipped += r;
            }
            return skipped;
        }
    }

    private static int readTarGz(Path archive, Path root, Budget budget, List<ExtractionManifest.Entry> files)
            throws IOException {
        try (InputStream file = Files.newInputStream(archive)) {
            Counting compressed = new Counting(file, n -> budget.compressed = n);
            Counting decompressed =
                    new Counting(new GzipCompressorInputStream(new BufferedInputStream(compressed)), n -> {
                        budget.decompressed = n;
                        budget.ratio("the archive", n, budget.compressed);
                    });
            TarArchiveInputStream in = new TarArchiveInputStream(decompressed);
            int entries = 0;
            TarArchiveEntry entry;
            while ((entry = in.getNextTarEntry()) != null) {
                entries++;
                budget.entry(entry.getName());
                if (entry.isSymbolicLink() || entry.isLink()) {
                    throw linkRefused(archive, entry.getName());
                }
                if (entry.isFIFO() || entry.isCharacterDevice() || entry.isBlockDevice()) {
                    throw new IOException(archive + ": entry \"" + entry.getName() + "\" is " + kind(entry)
                            + ", not a file or a folder; the archive was not extracted");
                }
                write(archive, entry, in, root, budget, files);
            }
            return entries;
        }
    }

    private static String kind(TarArchiveEntry entry) {
        return entry.isFIFO() ? "a named pipe" : "a device";
    }

    /** Reads the zip's central directory, at its end, so that a truncated zip is noticed. */
    private static int readZip(Path archive, Path root, Budget budget, List<ExtractionManifest.Entry> files)
            throws IOException {
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            int entries = 0;
            for (ZipArchiveEntry entry : Collections.list(zip.getEntries())) {
                entries++;
                budget.entry(entry.getName());
                if (entry.isUnixSymlink()) {
                    throw linkRefused(archive, entry.getName());
                }
                long declaredCompressedSize = Math.max(0, entry.getCompressedSize());
                long before = budget.decompressed;
                try (InputStream raw = zip.getInputStream(entry);
                        InputStream in = new Counting(raw, n -> {
                            budget.decompressed = before + n;
                            // the compressed bytes read so far, so that a bomb stops after the grace
                            long compressed = raw instanceof InputStreamStatistics statistics
                                    ? statistics.getCompressedCount()
                                    : declaredCompressedSize;
                            budget.ratio("entry \"" + entry.getName() + "\"", n, compressed);
                            budget.ratio("the archive", budget.decompressed, budget.archiveBytes);
                        })) {
                    write(archive, entry, in, root, budget, files);
                }
            }
            return entries;
        }
    }

    private static IOException linkRefused(Path archive, String name) {
        return new IOException(archive + ": entry \"" + name + "\" is a link; links are not extracted, as they"
                + " could point outside the target folder; nothing was extracted");
    }

    private static IOException unlessOurs(Path archive, Exception e) {
        if (e instanceof IOException io
                && e.getMessage() != null
                && e.getMessage().startsWith(archive.toString())) {
            return io;
        }
        return new IOException(
                archive + ": the archive is truncated or damaged (" + e
                        + "); nothing was extracted. Delete it and download it again.",
                e);
    }

    private static void write(
            Path archive,
            ArchiveEntry entry,
            InputStream in,
            Path root,
            Budget budget,
            List<ExtractionManifest.Entry> files)
            throws IOException {
        String name = entry.getName();
        Path path = resolve(archive, name, root, entry.isDirectory());
        if (entry.isDirectory()) {
            if (Files.exists(path, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                throw conflict(archive, name);
            }
            createFolders(archive, name, path);
            return;
        }
        createFolders(archive, name, path.getParent());
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            throw conflict(archive, name);
        }
        MessageDigest sha = Checksums.digest("SHA-256");
        long size = 0;
        try (OutputStream out = Files.newOutputStream(path)) {
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0) {
                budget.fileBytes(name, n);
                out.write(buffer, 0, n);
                sha.update(buffer, 0, n);
                size += n;
            }
        }
        files.add(new ExtractionManifest.Entry(
                ExtractionManifest.relative(root, path),
                size,
                Files.getLastModifiedTime(path).toMillis(),
                HexFormat.of().formatHex(sha.digest())));
    }

    /** Where an entry goes under {@code root}, or an error if the name is unsafe. */
    private static Path resolve(Path archive, String name, Path root, boolean directory) throws IOException {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new IOException(archive + ": entry \"" + name.replaceAll("\\p{Cntrl}", "?")
                        + "\" has a control character in its name (U+" + String.format("%04X", (int) c)
                        + "); the archive is unsafe and was not extracted");
            }
        }
        Path path;
        try {
            path = root.resolve(name).normalize();
            if (name.startsWith("/") || name.startsWith("\\") || Path.of(name).isAbsolute()) {
                path = null;
            }
        } catch (InvalidPathException e) {
            throw new IOException(archive + ": entry \"" + name + "\" is not a valid file name here (" + e.getReason()
                    + "); the archive was not extracted");
        }
        if (path == null || !path.startsWith(root) || path.equals(root) && !directory) {
            throw new IOException(archive + ": entry \"" + name + "\" would be written outside the target folder;"
                    + " the archive is unsafe and was not extracted");
        }
        return path;
    }

    private static void createFolders(Path archive, String name, Path folder) throws IOException {
        try {
            Files.createDirectories(folder);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw conflict(archive, name);
        }
    }

    private static IOException conflict(Path archive, String name) {
        return new IOException(archive + ": entry \"" + name + "\" appears twice, or as both a file and a folder;"
                + " the archive is damaged and was not extracted");
    }

    /** Deletes a folder and everything in it (links themselves, not what they point to); nothing if it does not exist. */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
