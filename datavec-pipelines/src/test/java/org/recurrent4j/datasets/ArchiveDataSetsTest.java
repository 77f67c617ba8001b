package org.recurrent4j.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.datavec.api.split.FileSplit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recurrent4j.text.LabelledText;
import org.recurrent4j.timeseries.RowPerSeriesRecordReader;

class ArchiveDataSetsTest {

    @TempDir
    Path dir;

    private Path cache;
    private LocalServer server;

    @BeforeEach
    void start() throws IOException {
        server = new LocalServer();
        cache = dir.resolve("cache");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private List<String> cacheContents() throws IOException {
        if (!Files.exists(cache)) {
            return List.of();
        }
        try (Stream<Path> all = Files.walk(cache)) {
            return all.filter(Files::isRegularFile)
                    .map(p -> cache.relativize(p).toString())
                    .sorted()
                    .toList();
        }
    }

    private Sst2 sst2(URI uri) {
        return new Sst2().source(uri).cache(cache).progress(Download.Progress.NONE);
    }

    @Test
    void sst2IsCheckedUnpackedAndPinnedOnFirstDownload() throws IOException {
        URI uri = server.serve("/SST-2.zip", Fixtures.sst2(Sst2.DEV_ROWS, true));
        Sst2 data = sst2(uri);
        List<LabelledText> dev = Sst2.files().read(data.dev());
        assertEquals(Sst2.DEV_ROWS, dev.size());
        assertEquals(2, Sst2.files().read(data.train()).size());
        Path pin = cache.resolve("sst2/SST-2.zip.sha256");
        assertEquals(Checksums.of(data.file()).sha256(), Files.readString(pin).trim());
        assertEquals(1, server.requests());

        // the source changes: a fresh download no longer matches the pinned checksum
        Files.delete(data.file());
        Archives.deleteTree(cache.resolve("sst2/extracted"));
        server.serve("/SST-2.zip", Fixtures.sst2(Sst2.DEV_ROWS + 1, true));
        IOException e = assertThrows(IOException.class, () -> sst2(uri).train());
        assertTrue(
                e.getMessage()
                        .contains("SHA-256 mismatch: expected "
                                + Files.readString(pin).trim()),
                e.getMessage());
        // the download was not kept; the manifest and check stamp of the extraction deleted by hand remain
        assertEquals(
                List.of("sst2/.lock", "sst2/SST-2.zip.sha256", "sst2/extracted.checked", "sst2/extracted.manifest"),
                cacheContents());
    }

    @Test
    void aFirstDownloadWithTheWrongStructureIsNotKeptOrPinned() throws IOException {
        URI uri = server.serve("/SST-2.zip", Fixtures.sst2(0, false));
        IOException e = assertThrows(IOException.class, () -> sst2(uri).train());
        assertEquals(
                cache.resolve("sst2/SST-2.zip") + " does not look like sst2: the archive has no SST-2/dev.tsv;"
                        + " nothing was kept",
                e.getMessage());
        assertEquals(List.of("sst2/.lock"), cacheContents());

        server.serve("/SST-2.zip", Fixtures.sst2(10, true));
        e = assertThrows(IOException.class, () -> sst2(uri).dev());
        assertTrue(e.getMessage().contains("dev.tsv has 10 rows, expected 872"), e.getMessage());
    }

    @Test
    void imdbUnpacksTheLabelFoldersForTheFolderReader() throws IOException {
        URI uri = server.serve("/aclImdb_v1.tar.gz", Fixtures.imdb());
        Imdb imdb = new Imdb(Checksums.NONE).source(uri).cache(cache).progress(Download.Progress.NONE);
        List<LabelledText> train = Imdb.files().readFolders(imdb.train());
        assertEquals(
                List.of(0, 0, 1, 1), train.stream().map(LabelledText::label).toList());
        assertEquals(4, Imdb.files().readFolders(imdb.test()).size());
        assertTrue(Files.exists(cache.resolve("imdb/aclImdb_v1.tar.gz.sha256")));
    }

    @Test
    void aTruncatedArchiveLeavesNoHalfExtractedFolder() throws IOException {
        byte[] whole = Fixtures.imdb();
        Path truncated = Files.write(dir.resolve("aclImdb_v1.tar.gz"), Arrays.copyOf(whole, whole.length - 40));
        Imdb imdb =
                new Imdb(Checksums.NONE).source(truncated.toUri()).cache(cache).progress(Download.Progress.NONE);
        IOException e = assertThrows(IOException.class, imdb::train);
        assertTrue(e.getMessage().contains("the archive is truncated or damaged"), e.getMessage());
        assertTrue(e.getMessage().endsWith("nothing was kept"), e.getMessage());
        try (Stream<Path> left = Files.walk(cache)) {
            assertEquals(
                    List.of(cache, cache.resolve("imdb"), cache.resolve("imdb/.lock")),
                    left.sorted().toList(),
                    "no file, no temporary folder");
        }
    }

    @Test
    void entriesThatEscapeTheTargetFolderAreRefused() throws IOException {
        Path target = dir.resolve("out/extracted");
        for (String name : List.of("../evil.txt", "a/../../evil.txt", "/tmp/recurrent4j-evil.txt")) {
            Path zip = Files.write(dir.resolve("evil.zip"), Fixtures.zip(Map.of("ok.txt", "fine", name, "evil")));
            IOException e = assertThrows(IOException.class, () -> Archives.unzip(zip, target));
            assertTrue(
                    e.getMessage().contains("entry \"" + name + "\" would be written outside the target folder"),
                    e.getMessage());
            assertFalse(Files.exists(dir.resolve("out/evil.txt")));
            assertFalse(Files.exists(dir.resolve("evil.txt")));
            assertFalse(Files.exists(target));
        }
        Path tar = Files.write(
                dir.resolve("link.tar.gz"), Fixtures.tarGz(Map.of("a.txt", "x"), Map.of("link", "/etc/passwd")));
        IOException e = assertThrows(IOException.class, () -> Archives.untarGz(tar, target));
        assertTrue(e.getMessage().contains("entry \"link\" is a link"), e.getMessage());
        try (Stream<Path> left = Files.list(dir.resolve("out"))) {
            assertEquals(0, left.count(), "no temporary folder left");
        }
    }

    // the structure checks read with Files.readAllLines, whose error for invalid UTF-8 named no file
    @Test
    void invalidUtf8InADataFileIsNamed() throws IOException {
        byte[] data = Fixtures.controlCharts(600);
        data[100] = (byte) 0xFF;
        URI uri = server.serve("/synthetic_control.data", data);
        UciSyntheticControl uci =
                new UciSyntheticControl().source(uri).cache(cache).progress(Download.Progress.NONE);
        IOException e = assertThrows(IOException.class, uci::data);
        assertEquals(
                uci.file() + " does not look like uci-synthetic-control: " + uci.file() + ": not UTF-8 text: invalid"
                        + " bytes at byte offset 100; convert the file to UTF-8; nothing was kept",
                e.getMessage());
    }

    @Test
    void uciControlChartsAreCheckedAndReadAsLabelledSeries() throws Exception {
        URI uri = server.serve("/synthetic_control.data", Fixtures.controlCharts(600));
        UciSyntheticControl uci =
                new UciSyntheticControl().source(uri).cache(cache).progress(Download.Progress.NONE);
        RowPerSeriesRecordReader reader = UciSyntheticControl.reader();
        reader.initialize(new FileSplit(uci.data().toFile()));
        assertEquals(600, reader.sequences());
        assertEquals(60, reader.series(0).length());
        assertEquals(0, reader.series(99).label());
        assertEquals(5, reader.series(599).label());
        assertEquals("increasing", UciSyntheticControl.label(250));

        Files.delete(uci.file());
        Files.delete(cache.resolve("uci-synthetic-control/synthetic_control.data.sha256"));
        server.serve("/synthetic_control.data", Fixtures.controlCharts(599));
        IOException e = assertThrows(IOException.class, uci::data);
        assertTrue(e.getMessage().contains("599 rows, expected 600"), e.getMessage());
    }
}
