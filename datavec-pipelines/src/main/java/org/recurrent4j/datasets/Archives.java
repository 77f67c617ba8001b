package org.recurrent4j.datasets;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import org.apache.commons.compress.archivers.ArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Safe extraction of zip and tar.gz archives into a folder.
 *
 * <p>An entry whose path would land outside the folder ({@code ../x}, an absolute path) and link
 * entries (which could point anywhere) are refused, with the archive and entry named. The archive
 * is unpacked into a temporary folder next to the target, which is renamed to the target only when
 * every entry was read: a truncated or damaged archive leaves no half-extracted folder.
 */
public final class Archives {

    private Archives() {}

    /** Extracts a zip archive into {@code target}, which must not exist yet. */
    public static void unzip(Path archive, Path target) throws IOException {
        extract(archive, target, false);
    }

    /** Extracts a gzip-compressed tar archive into {@code target}, which must not exist yet. */
    public static void untarGz(Path archive, Path target) throws IOException {
        extract(archive, target, true);
    }

    private static void extract(Path archive, Path target, boolean tarGz) throws IOException {
        if (Files.exists(target)) {
            throw new IOException(target + ": already exists; not extracting " + archive + " over it");
        }
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path temporary = Files.createTempDirectory(parent, "." + target.getFileName() + ".");
        try {
            int entries = tarGz ? readTarGz(archive, temporary) : readZip(archive, temporary);
            if (entries == 0) {
                throw new IOException(archive + ": the archive has no entries; it is damaged or not a "
                        + (tarGz ? "tar.gz" : "zip") + " file. Delete it and download it again.");
            }
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target);
            }
        } finally {
            deleteTree(temporary);
        }
    }

    private static int readTarGz(Path archive, Path root) throws IOException {
        try (InputStream file = new BufferedInputStream(Files.newInputStream(archive));
                TarArchiveInputStream in = new TarArchiveInputStream(new GzipCompressorInputStream(file))) {
            int entries = 0;
            TarArchiveEntry entry;
            while ((entry = in.getNextTarEntry()) != null) {
                entries++;
                write(archive, entry, in, root);
            }
            return entries;
        } catch (IOException | RuntimeException e) {
            throw unlessOurs(archive, e);
        }
    }

    /** Reads the zip's central directory, at its end, so that a truncated zip is noticed. */
    private static int readZip(Path archive, Path root) throws IOException {
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            int entries = 0;
            for (ZipArchiveEntry entry : java.util.Collections.list(zip.getEntries())) {
                entries++;
                try (InputStream in = zip.getInputStream(entry)) {
                    write(archive, entry, in, root);
                }
            }
            return entries;
        } catch (IOException | RuntimeException e) {
            throw unlessOurs(archive, e);
        }
    }

    private static IOException unlessOurs(Path archive, Exception e) {
        if (e instanceof IOException io
                && e.getMessage() != null
                && e.getMessage().startsWith(archive.toString())) {
            return io;
        }
        return damaged(archive, e);
    }

    private static IOException damaged(Path archive, Exception cause) {
        return new IOException(
                archive + ": the archive is truncated or damaged (" + cause
                        + "); nothing was extracted. Delete it and download it again.",
                cause);
    }

    private static void write(Path archive, ArchiveEntry entry, InputStream in, Path root) throws IOException {
        String name = entry.getName();
        boolean link = entry instanceof TarArchiveEntry tar && (tar.isSymbolicLink() || tar.isLink())
                || entry instanceof ZipArchiveEntry zip && zip.isUnixSymlink();
        if (link) {
            throw new IOException(archive + ": entry \"" + name + "\" is a link; links are not extracted, as they"
                    + " could point outside the target folder");
        }
        Path path = root.resolve(name).normalize();
        if (name.startsWith("/")
                || name.startsWith("\\")
                || Path.of(name).isAbsolute()
                || !path.startsWith(root)
                || path.equals(root) && !entry.isDirectory()) {
            throw new IOException(archive + ": entry \"" + name + "\" would be written outside the target folder;"
                    + " the archive is unsafe and was not extracted");
        }
        if (entry.isDirectory()) {
            Files.createDirectories(path);
            return;
        }
        Files.createDirectories(path.getParent());
        Files.copy(in, path);
    }

    /** Deletes a folder and everything in it; nothing if it does not exist. */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
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
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
