package org.recurrent4j.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveLimitsTest {

    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    private Path target() {
        return dir.resolve("out/extracted");
    }

    /** Everything in the extraction's folder: nothing may be left after a refused archive. */
    private List<Path> leftovers() throws IOException {
        Path out = dir.resolve("out");
        if (!Files.exists(out)) {
            return List.of();
        }
        try (Stream<Path> all = Files.walk(out)) {
            return all.filter(p -> !p.equals(out)).toList();
        }
    }

    private DataLimits.Exceeded refused(Path archive, Archives.Format format, DataLimits limits) throws IOException {
        DataLimits.Exceeded e =
                assertThrows(DataLimits.Exceeded.class, () -> Archives.extract(archive, target(), format, limits));
        assertTrue(e.getMessage().startsWith(archive + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("the extraction was stopped and nothing was kept"), e.getMessage());
        assertTrue(
                e.getMessage().contains("If you trust the source, raise the limit: -D" + e.property() + "="),
                e.getMessage());
        assertEquals(List.of(), leftovers(), "no partial file, no temporary folder, no manifest");
        return e;
    }

    @Test
    void theBombFixturesAreValidArchives() throws IOException {
        DataLimits trusting = DataLimits.defaults().maxCompressionRatio(1e6);
        Path zip = Files.write(dir.resolve("small.zip"), Bombs.zip("zeros.bin", 3));
        ExtractionManifest m = Archives.extract(zip, target(), Archives.Format.ZIP, trusting);
        assertArrayEquals(new byte[(int) (3 * MIB)], Files.readAllBytes(target().resolve("zeros.bin")));
        assertEquals(3 * MIB, m.totalBytes());
        Archives.deleteTree(dir.resolve("out"));

        Path tar = Files.write(dir.resolve("small.tar.gz"), Bombs.tarGz("zeros.bin", 3));
        m = Archives.extract(tar, target(), Archives.Format.TAR_GZ, trusting);
        assertArrayEquals(new byte[(int) (3 * MIB)], Files.readAllBytes(target().resolve("zeros.bin")));
        assertEquals(
                List.of("zeros.bin"),
                m.entries().stream().map(ExtractionManifest.Entry::path).toList());
    }

    @Test
    void aZipBombStopsAtTheCompressionRatio() throws IOException {
        Path bomb = Files.write(dir.resolve("bomb.zip"), Bombs.zip("bomb.bin", 1024));
        assertTrue(Files.size(bomb) < 2 * MIB, "about 1 MB on disk for 1 GiB expanded: " + Files.size(bomb));
        DataLimits.Exceeded e = refused(bomb, Archives.Format.ZIP, DataLimits.defaults());
        assertEquals(DataLimits.MAX_COMPRESSION_RATIO, e.property());
        assertEquals(100, e.limit());
        assertTrue(e.seen() > 500, "deflated zeros compress about 1000:1, saw " + e.seen());
        assertTrue(
                e.getMessage().contains("entry \"bomb.bin\" has a compression ratio over the limit"), e.getMessage());
        assertTrue(e.getMessage().contains("such a ratio is the mark of a zip or tar bomb"), e.getMessage());
    }

    @Test
    void aTarBombStopsAtTheCompressionRatio() throws IOException {
        Path bomb = Files.write(dir.resolve("bomb.tar.gz"), Bombs.tarGz("bomb.bin", 1024));
        assertTrue(Files.size(bomb) < 2 * MIB, "about 1 MB on disk for 1 GiB expanded: " + Files.size(bomb));
        DataLimits.Exceeded e = refused(bomb, Archives.Format.TAR_GZ, DataLimits.defaults());
        assertEquals(DataLimits.MAX_COMPRESSION_RATIO, e.property());
        assertTrue(e.getMessage().contains("the archive has a compression ratio over the limit"), e.getMessage());
    }

    @Test
    void aBombFromATrustedSourceStillStopsAtTheExtractedBytes() throws IOException {
        DataLimits limits = DataLimits.defaults().maxCompressionRatio(1e9).maxExtractedBytes(8 * MIB);
        for (Archives.Format format : Archives.Format.values()) {
            Path bomb = format == Archives.Format.ZIP
                    ? Files.write(dir.resolve("bomb.zip"), Bombs.zip("bomb.bin", 1024))
                    : Files.write(dir.resolve("bomb.tar.gz"), Bombs.tarGz("bomb.bin", 1024));
            DataLimits.Exceeded e = refused(bomb, format, limits);
            assertEquals(DataLimits.MAX_EXTRACTED_BYTES, e.property());
            assertEquals(8 * MIB, e.limit());
            assertTrue(e.seen() > 8 * MIB && e.seen() <= 8 * MIB + 64 * 1024, "stopped at once: " + e.seen());
            assertTrue(
                    e.getMessage().contains("the entries extract to more than the limit, at least 8,"), e.getMessage());
            assertTrue(e.getMessage().contains("-Drecurrent4j.data.maxExtractedBytes=16m"), e.getMessage());
        }
    }

    @Test
    void tooManyEntriesAreRefused() throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        for (int i = 0; i < 101; i++) {
            entries.put("f" + i + ".txt", "x");
        }
        DataLimits limits = DataLimits.defaults().maxEntries(100);
        Path zip = Files.write(dir.resolve("many.zip"), Fixtures.zip(entries));
        DataLimits.Exceeded e = refused(zip, Archives.Format.ZIP, limits);
        assertEquals(DataLimits.MAX_ENTRIES, e.property());
        assertEquals(101, e.seen());
        assertTrue(
                e.getMessage()
                        .contains("more entries than the limit, at least 101 (entry \"f100.txt\"), over the"
                                + " limit of 100"),
                e.getMessage());
        Path tar = Files.write(dir.resolve("many.tar.gz"), Fixtures.tarGz(entries, Map.of()));
        assertEquals(
                DataLimits.MAX_ENTRIES,
                refused(tar, Archives.Format.TAR_GZ, limits).property());

        entries.remove("f100.txt");
        Path exactly = Files.write(dir.resolve("hundred.zip"), Fixtures.zip(entries));
        assertEquals(
                100,
                Archives.extract(exactly, target(), Archives.Format.ZIP, limits)
                        .entries()
                        .size());
    }

    @Test
    void ordinaryTextPassesTheDefaultLimits() throws IOException {
        Random random = new Random(3);
        String[] words = {"the", "film", "was", "a", "great", "dull", "story", "of", "actors", "and", "plot"};
        Map<String, String> entries = new LinkedHashMap<>();
        for (int f = 0; f < 400; f++) {
            StringBuilder review = new StringBuilder();
            for (int w = 0; w < 2000; w++) {
                review.append(words[random.nextInt(words.length)]).append(w % 17 == 16 ? ".\n" : " ");
            }
            entries.put("reviews/" + f + ".txt", review.toString());
        }
        Path tar = Files.write(dir.resolve("reviews.tar.gz"), Fixtures.tarGz(entries, Map.of()));
        ExtractionManifest m = Archives.extract(tar, target(), Archives.Format.TAR_GZ, DataLimits.defaults());
        assertEquals(400, m.entries().size());
        assertTrue(m.totalBytes() > 2 * MIB, "past the grace of the ratio check: " + m.totalBytes());
    }

    @Test
    void linksAndSpecialFilesAreRefused() throws IOException {
        Path zip = Files.write(dir.resolve("symlink.zip"), Fixtures.zipWithSymlink("a.txt", "link", "/etc/passwd"));
        IOException e = assertThrows(
                IOException.class, () -> Archives.extract(zip, target(), Archives.Format.ZIP, DataLimits.defaults()));
        assertEquals(
                zip + ": entry \"link\" is a link; links are not extracted, as they could point outside the target"
                        + " folder; nothing was extracted",
                e.getMessage());
        assertEquals(List.of(), leftovers());

        byte[][] tars = {
            Fixtures.tarGzWithSpecialEntry("a.txt", "hard", TarArchiveEntry.LF_LINK, "a.txt"),
            Fixtures.tarGzWithSpecialEntry("a.txt", "soft", TarArchiveEntry.LF_SYMLINK, "../../x"),
            Fixtures.tarGzWithSpecialEntry("a.txt", "pipe", TarArchiveEntry.LF_FIFO, null),
            Fixtures.tarGzWithSpecialEntry("a.txt", "disk", TarArchiveEntry.LF_BLK, null),
        };
        String[] expected = {
            "entry \"hard\" is a link",
            "entry \"soft\" is a link",
            "entry \"pipe\" is a named pipe",
            "entry \"disk\" is a device"
        };
        for (int i = 0; i < tars.length; i++) {
            Path tar = Files.write(dir.resolve("special.tar.gz"), tars[i]);
            e = assertThrows(
                    IOException.class,
                    () -> Archives.extract(tar, target(), Archives.Format.TAR_GZ, DataLimits.defaults()));
            assertTrue(e.getMessage().startsWith(tar + ": " + expected[i]), e.getMessage());
            assertEquals(List.of(), leftovers());
        }
    }

    @Test
    void duplicateEntriesAndControlCharactersAreRefused() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
            for (String content : new String[] {"first", "second"}) {
                TarArchiveEntry entry = new TarArchiveEntry("data/a.txt");
                entry.setSize(content.length());
                tar.putArchiveEntry(entry);
                tar.write(content.getBytes(StandardCharsets.UTF_8));
                tar.closeArchiveEntry();
            }
        }
        Path twice = Files.write(dir.resolve("twice.tar.gz"), bytes.toByteArray());
        IOException e = assertThrows(
                IOException.class,
                () -> Archives.extract(twice, target(), Archives.Format.TAR_GZ, DataLimits.defaults()));
        assertEquals(
                twice + ": entry \"data/a.txt\" appears twice, or as both a file and a folder; the archive is damaged"
                        + " and was not extracted",
                e.getMessage());

        Path fileThenFolder =
                Files.write(dir.resolve("clash.zip"), Fixtures.zip(Map.of("a", "file", "a/b.txt", "below a file")));
        e = assertThrows(
                IOException.class,
                () -> Archives.extract(fileThenFolder, target(), Archives.Format.ZIP, DataLimits.defaults()));
        assertTrue(e.getMessage().contains("appears twice, or as both a file and a folder"), e.getMessage());

        Path control = Files.write(dir.resolve("control.zip"), Fixtures.zip(Map.of("a\nb.txt", "x")));
        e = assertThrows(
                IOException.class,
                () -> Archives.extract(control, target(), Archives.Format.ZIP, DataLimits.defaults()));
        assertEquals(
                control + ": entry \"a?b.txt\" has a control character in its name (U+000A); the archive is unsafe and"
                        + " was not extracted",
                e.getMessage());
        assertEquals(List.of(), leftovers());
    }

    @Test
    void systemPropertiesSetTheLimits() {
        String[] properties = {
            DataLimits.MAX_DOWNLOAD_BYTES,
            DataLimits.MAX_EXTRACTED_BYTES,
            DataLimits.MAX_ENTRIES,
            DataLimits.MAX_COMPRESSION_RATIO
        };
        Map<String, String> before = new LinkedHashMap<>();
        for (String p : properties) {
            before.put(p, System.getProperty(p));
        }
        try {
            System.setProperty(DataLimits.MAX_DOWNLOAD_BYTES, "300m");
            System.setProperty(DataLimits.MAX_EXTRACTED_BYTES, "8G");
            System.setProperty(DataLimits.MAX_ENTRIES, "2000");
            System.setProperty(DataLimits.MAX_COMPRESSION_RATIO, "250");
            DataLimits limits = DataLimits.fromSystemProperties();
            assertEquals(300 * MIB, limits.maxDownloadBytes());
            assertEquals(8L << 30, limits.maxExtractedBytes());
            assertEquals(2000, limits.maxEntries());
            assertEquals(250, limits.maxCompressionRatio());
            assertEquals(1L << 30, DataLimits.defaults().maxDownloadBytes(), "the defaults stay");
            assertEquals(limits.maxExtractedBytes(), new Imdb().limits().maxExtractedBytes(), "loaders follow them");

            System.setProperty(DataLimits.MAX_EXTRACTED_BYTES, "lots");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, DataLimits::fromSystemProperties);
            assertEquals(
                    "-Drecurrent4j.data.maxExtractedBytes=lots: expected a positive whole number, optionally with a"
                            + " suffix k, m or g (e.g. 8g)",
                    e.getMessage());
            System.setProperty(DataLimits.MAX_EXTRACTED_BYTES, "1");
            System.setProperty(DataLimits.MAX_COMPRESSION_RATIO, "0.5");
            e = assertThrows(IllegalArgumentException.class, DataLimits::fromSystemProperties);
            assertTrue(e.getMessage().startsWith("-Drecurrent4j.data.maxCompressionRatio=0.5:"), e.getMessage());
        } finally {
            before.forEach((p, v) -> {
                if (v == null) {
                    System.clearProperty(p);
                } else {
                    System.setProperty(p, v);
                }
            });
        }
    }
}
