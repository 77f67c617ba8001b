package org.recurrent4j.datasets;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.recurrent4j.io.AtomicFile;

/**
 * What an archive was extracted to: the SHA-256 of the archive, and the path, size, modification
 * time and SHA-256 of every file. It is written atomically next to the extracted folder (folder
 * {@code extracted}, manifest {@code extracted.manifest}) before the folder is renamed into place,
 * so an extracted folder always has its manifest, and it is checked whenever the extraction is
 * used:
 *
 * <ul>
 *   <li>the <b>quick check</b> (every use) lists the folder and compares each file's size and
 *       modification time with the manifest, hashing only files whose time changed: an added,
 *       deleted, truncated or extended file, or an edit that touched the file, is found;
 *   <li>the <b>full check</b> hashes every file: it also finds a change that kept the size and the
 *       time (disk damage, a deliberately back-dated edit).
 * </ul>
 *
 * <p>Any difference is an error listing the files (each by its full path, up to {@value
 * #LISTED_PROBLEMS} of them) and saying how to recover: delete the folder to extract it again.
 *
 * <p>Format (UTF-8 text): {@code recurrent4j-extraction-manifest 1}, {@code archive-sha256 <hex>},
 * then one line per file, in path order: {@code <sha256> <size> <mtime millis> <path>}, the path
 * relative to the folder with {@code /} separators (entry names with control characters are
 * refused at extraction, so a path never holds a line break).
 */
public final class ExtractionManifest {

    /** The first line of a manifest file. */
    public static final String HEADER = "recurrent4j-extraction-manifest 1";

    /** How many problems an error lists before it says "and N more". */
    public static final int LISTED_PROBLEMS = 10;

    /** One extracted file. */
    public record Entry(String path, long size, long modifiedMillis, String sha256) {}

    private final String archiveSha256;
    private final List<Entry> entries;

    /**
     * @param archiveSha256 the SHA-256 of the archive the files were extracted from
     * @param entries the files, in any order
     */
    public ExtractionManifest(String archiveSha256, List<Entry> entries) {
        this.archiveSha256 = archiveSha256;
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort((a, b) -> a.path.compareTo(b.path));
        this.entries = Collections.unmodifiableList(sorted);
    }

    /** The manifest file of an extracted folder: {@code <folder>.manifest} beside it. */
    public static Path fileOf(Path folder) {
        Path absolute = folder.toAbsolutePath();
        return absolute.resolveSibling(absolute.getFileName() + ".manifest");
    }

    /** The SHA-256 of the archive the files were extracted from. */
    public String archiveSha256() {
        return archiveSha256;
    }

    /** The files, in path order. */
    public List<Entry> entries() {
        return entries;
    }

    /** The sum of the files' sizes. */
    public long totalBytes() {
        return entries.stream().mapToLong(Entry::size).sum();
    }

    /** Writes the manifest atomically. */
    public void write(Path file) throws IOException {
        AtomicFile.writeStream(file, out -> {
            Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            writer.write(HEADER + "\n");
            writer.write("archive-sha256 " + archiveSha256 + "\n");
            for (Entry e : entries) {
                writer.write(e.sha256 + " " + e.size + " " + e.modifiedMillis + " " + e.path + "\n");
            }
            writer.flush();
        });
    }

    /**
     * Reads a manifest.
     *
     * @throws NoSuchFileException when there is none
     * @throws IOException naming the file and line when it is not a manifest of this version
     */
    public static ExtractionManifest read(Path file) throws IOException {
        List<Entry> entries = new ArrayList<>();
        String archive;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = reader.readLine();
            if (!HEADER.equals(header)) {
                throw new IOException(
                        file + ":1: not a recurrent4j extraction manifest of version 1 (expected \"" + HEADER + "\")");
            }
            String second = reader.readLine();
            if (second == null || !second.matches("archive-sha256 [0-9a-f]{64}")) {
                throw new IOException(file + ":2: expected \"archive-sha256 <64 hex digits>\"");
            }
            archive = second.substring("archive-sha256 ".length());
            String line;
            int number = 2;
            while ((line = reader.readLine()) != null) {
                number++;
                String[] parts = line.split(" ", 4);
                try {
                    if (parts.length != 4 || !isSha256(parts[0]) || parts[3].isEmpty()) {
                        throw new NumberFormatException();
                    }
                    long size = Long.parseLong(parts[1]);
                    if (size < 0) {
                        throw new NumberFormatException();
                    }
                    entries.add(new Entry(parts[3], size, Long.parseLong(parts[2]), parts[0]));
                } catch (NumberFormatException e) {
                    throw new IOException(file + ":" + number + ": expected \"<sha256> <size> <mtime> <path>\"");
                }
            }
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IOException(file + ": not UTF-8 text; the manifest is damaged", e);
        }
        return new ExtractionManifest(archive, entries);
    }

    private static boolean isSha256(String text) {
        if (text.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    /** What a check found. */
    public record Check(int files, long bytes, int hashed, boolean refreshed) {}

    /**
     * Checks {@code folder} against this manifest.
     *
     * @param hashAll hash every file (the full check), not only those whose time changed
     * @param manifestFile where this manifest is kept: rewritten (atomically) with the new times
     *     when files were touched but their content is unchanged, so they are not hashed again
     * @param recovery the sentence saying how to recover, ending every error
     * @return how many files were checked and hashed
     * @throws IOException listing every difference (up to {@value #LISTED_PROBLEMS})
     */
    public Check verify(Path folder, boolean hashAll, Path manifestFile, String recovery) throws IOException {
        Map<String, Entry> expected = new HashMap<>(entries.size() * 2);
        for (Entry e : entries) {
            expected.put(e.path, e);
        }
        List<String> problems = new ArrayList<>();
        List<Entry> touched = new ArrayList<>();
        long[] bytes = {0};
        int[] hashed = {0};
        Path root = folder.toAbsolutePath();
        if (!Files.isDirectory(root)) {
            throw new IOException(root + ": the extracted folder is missing. " + recovery);
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                String path = relative(root, file);
                Entry entry = expected.remove(path);
                if (!attributes.isRegularFile()) {
                    problems.add(file + ": not a regular file (a link or a special file was added)");
                    return FileVisitResult.CONTINUE;
                }
                if (entry == null) {
                    problems.add(file + ": added after extraction (not in the archive)");
                    return FileVisitResult.CONTINUE;
                }
                long size = attributes.size();
                bytes[0] += size;
                if (size != entry.size) {
                    problems.add(file + ": " + size + " bytes, but " + entry.size + " were extracted (the file was "
                            + (size < entry.size ? "truncated or edited)" : "extended or edited)"));
                    return FileVisitResult.CONTINUE;
                }
                long modified = attributes.lastModifiedTime().toMillis();
                if (hashAll || modified != entry.modifiedMillis) {
                    hashed[0]++;
                    String sha = sha256(file);
                    if (!sha.equals(entry.sha256)) {
                        problems.add(file + ": the content changed since extraction (SHA-256 " + sha + ", extracted "
                                + entry.sha256 + ")");
                    } else if (modified != entry.modifiedMillis) {
                        touched.add(new Entry(entry.path, entry.size, modified, entry.sha256));
                    }
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                problems.add(file + ": cannot be read (" + e + ")");
                return FileVisitResult.CONTINUE;
            }
        });
        for (Entry missing : expected.values().stream()
                .sorted((a, b) -> a.path.compareTo(b.path))
                .toList()) {
            problems.add(root.resolve(missing.path) + ": deleted after extraction");
        }
        if (!problems.isEmpty()) {
            Collections.sort(problems);
            StringBuilder message = new StringBuilder(
                    root + ": the extracted files differ from the archive they" + " were extracted from ("
                            + problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + "): ");
            for (int i = 0; i < Math.min(LISTED_PROBLEMS, problems.size()); i++) {
                message.append(i == 0 ? "" : "; ").append(problems.get(i));
            }
            if (problems.size() > LISTED_PROBLEMS) {
                message.append("; and ")
                        .append(problems.size() - LISTED_PROBLEMS)
                        .append(" more");
            }
            throw new IOException(message.append(". ").append(recovery).toString());
        }
        boolean refreshed = false;
        if (!touched.isEmpty()) {
            Map<String, Entry> updated = new HashMap<>();
            touched.forEach(e -> updated.put(e.path, e));
            new ExtractionManifest(
                            archiveSha256,
                            entries.stream()
                                    .map(e -> updated.getOrDefault(e.path, e))
                                    .toList())
                    .write(manifestFile);
            refreshed = true;
        }
        return new Check(entries.size(), bytes[0], hashed[0], refreshed);
    }

    /** A path below {@code root}, with {@code /} separators. */
    static String relative(Path root, Path file) {
        String separator = file.getFileSystem().getSeparator();
        String relative = root.relativize(file).toString();
        return separator.equals("/") ? relative : relative.replace(separator, "/");
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest = Checksums.digest("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
