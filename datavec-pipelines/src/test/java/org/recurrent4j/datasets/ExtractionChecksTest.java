package org.recurrent4j.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recurrent4j.text.LabelledText;

class ExtractionChecksTest {

    @TempDir
    Path dir;

    private LocalServer server;
    private URI uri;
    private Path cache;

    @BeforeEach
    void start() throws IOException {
        server = new LocalServer();
        uri = server.serve("/aclImdb_v1.tar.gz", Fixtures.imdb());
        cache = dir.resolve("cache");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Imdb imdb() {
        return new Imdb(Checksums.NONE).source(uri).cache(cache).progress(Download.Progress.NONE);
    }

    private Path extracted() {
        return cache.resolve("imdb/extracted");
    }

    private Path review() {
        return extracted().resolve("aclImdb/train/pos/0_9.txt");
    }

    private String recovery() {
        return "Delete " + extracted() + " to extract it again from " + cache.resolve("imdb/aclImdb_v1.tar.gz");
    }

    private IOException refused(Imdb imdb) {
        IOException e = assertThrows(IOException.class, imdb::train);
        assertTrue(
                e.getMessage().startsWith(extracted().toAbsolutePath() + ": the extracted files differ"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith(". " + recovery()), e.getMessage());
        return e;
    }

    @Test
    void theManifestRecordsEveryFileAndItsArchive() throws IOException {
        imdb().train();
        ExtractionManifest manifest = ExtractionManifest.read(cache.resolve("imdb/extracted.manifest"));
        assertEquals(Checksums.of(cache.resolve("imdb/aclImdb_v1.tar.gz")).sha256(), manifest.archiveSha256());
        assertEquals(11, manifest.entries().size(), "4 reviews and a url file per part, and one unsup review");
        ExtractionManifest.Entry first = manifest.entries().stream()
                .filter(e -> e.path().equals("aclImdb/train/pos/0_9.txt"))
                .findFirst()
                .orElseThrow();
        assertEquals(Files.size(review()), first.size());
        assertEquals(Files.getLastModifiedTime(review()).toMillis(), first.modifiedMillis());
        assertEquals(
                java.util.HexFormat.of().formatHex(Checksums.digest("SHA-256").digest(Files.readAllBytes(review()))),
                first.sha256());
        try (Stream<Path> files = Files.list(cache.resolve("imdb"))) {
            assertEquals(
                    List.of(
                            ".lock",
                            "aclImdb_v1.tar.gz",
                            "aclImdb_v1.tar.gz.sha256",
                            "extracted",
                            "extracted.checked",
                            "extracted.manifest"),
                    files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no temporary file is left");
        }
    }

    @Test
    void anEditedFileIsAnErrorThatNamesItAndSaysHowToRecover() throws IOException {
        imdb().train();
        Files.writeString(review(), "A wonderful film!");
        IOException e = refused(imdb());
        assertTrue(
                e.getMessage().contains("(1 problem): " + review() + ": the content changed since extraction"),
                e.getMessage());

        Archives.deleteTree(extracted());
        List<LabelledText> train = Imdb.files().readFolders(imdb().train());
        assertTrue(train.stream().anyMatch(t -> t.text().equals("A wonderful film.")), "extracted again as it was");
    }

    @Test
    void truncatedExtendedAddedAndDeletedFilesAreAllListed() throws IOException {
        imdb().train();
        Path neg = extracted().resolve("aclImdb/train/neg/2_1.txt");
        Path test = extracted().resolve("aclImdb/test/pos/1_8.txt");
        Path deleted = extracted().resolve("aclImdb/test/neg/3_2.txt");
        Path added = extracted().resolve("aclImdb/train/pos/99_10.txt");
        Files.writeString(review(), "A wonder");
        Files.writeString(neg, " and more", StandardOpenOption.APPEND);
        Files.delete(deleted);
        Files.writeString(added, "smuggled in");
        Files.createSymbolicLink(extracted().resolve("aclImdb/link"), test);
        IOException e = refused(imdb());
        String m = e.getMessage();
        assertTrue(m.contains("(5 problems): "), m);
        assertTrue(m.contains(review() + ": 8 bytes, but 17 were extracted (the file was truncated or edited)"), m);
        assertTrue(m.contains(neg + ": 18 bytes, but 9 were extracted (the file was extended or edited)"), m);
        assertTrue(m.contains(deleted + ": deleted after extraction"), m);
        assertTrue(m.contains(added + ": added after extraction (not in the archive)"), m);
        assertTrue(m.contains(extracted().resolve("aclImdb/link") + ": not a regular file"), m);
    }

    @Test
    void aSameSizeEditThatKeptItsTimeIsFoundByTheFullCheck() throws IOException {
        imdb().fullCheckInterval(Duration.ofDays(7)).train();
        FileTime time = Files.getLastModifiedTime(review());
        Files.writeString(review(), "A wonderful film?");
        Files.setLastModifiedTime(review(), time);

        imdb().fullCheckInterval(Duration.ofDays(7)).train(); // the quick check cannot see it, by design
        IOException e = refused(imdb().fullCheckInterval(Duration.ZERO));
        assertTrue(e.getMessage().contains(review() + ": the content changed since extraction"), e.getMessage());

        // a full check is due once the last one is older than the interval
        Files.writeString(cache.resolve("imdb/extracted.checked"), Instant.now().minus(Duration.ofDays(8)) + "\n");
        refused(imdb().fullCheckInterval(Duration.ofDays(7)));
    }

    @Test
    void aTouchedButUnchangedFileIsHashedOnceAndTheManifestFollows() throws IOException {
        imdb().train();
        Path manifestFile = cache.resolve("imdb/extracted.manifest");
        FileTime later = FileTime.from(Instant.now().plusSeconds(3600));
        Files.setLastModifiedTime(review(), later);

        ExtractionManifest before = ExtractionManifest.read(manifestFile);
        ExtractionManifest.Check check = before.verify(extracted(), false, manifestFile, "");
        assertEquals(1, check.hashed());
        assertTrue(check.refreshed());
        ExtractionManifest after = ExtractionManifest.read(manifestFile);
        assertEquals(
                later.toMillis(),
                after.entries().stream()
                        .filter(e -> e.path().equals("aclImdb/train/pos/0_9.txt"))
                        .findFirst()
                        .orElseThrow()
                        .modifiedMillis());
        ExtractionManifest.Check again = after.verify(extracted(), false, manifestFile, "");
        assertEquals(0, again.hashed());
        assertFalse(again.refreshed());
    }

    @Test
    void anExtractionFromAnotherArchiveIsExtractedAgain() throws IOException {
        imdb().train();
        String old = ExtractionManifest.read(cache.resolve("imdb/extracted.manifest"))
                .archiveSha256();
        // a new upstream version, accepted by deleting the pin and the archive; the old extraction stays
        Files.delete(cache.resolve("imdb/aclImdb_v1.tar.gz"));
        Files.delete(cache.resolve("imdb/aclImdb_v1.tar.gz.sha256"));
        server.serve("/aclImdb_v1.tar.gz", Fixtures.imdb("A wonderful film, revised."));

        List<LabelledText> train = Imdb.files().readFolders(imdb().train());
        assertTrue(train.stream().anyMatch(t -> t.text().equals("A wonderful film, revised.")), "the new files");
        ExtractionManifest manifest = ExtractionManifest.read(cache.resolve("imdb/extracted.manifest"));
        assertNotEquals(old, manifest.archiveSha256());
        assertEquals(Checksums.of(cache.resolve("imdb/aclImdb_v1.tar.gz")).sha256(), manifest.archiveSha256());
        try (Stream<Path> files = Files.list(cache.resolve("imdb"))) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "the old copy is gone");
        }
    }

    @Test
    void aMissingOrDamagedManifestIsAnError() throws IOException {
        imdb().train();
        Path manifestFile = cache.resolve("imdb/extracted.manifest");
        List<String> lines = Files.readAllLines(manifestFile);
        Files.writeString(manifestFile, lines.get(0) + "\n" + lines.get(1) + "\nnot a line\n");
        IOException e = assertThrows(IOException.class, imdb()::train);
        assertEquals(manifestFile + ":3: expected \"<sha256> <size> <mtime> <path>\"", e.getMessage());

        Files.delete(manifestFile);
        e = assertThrows(IOException.class, imdb()::train);
        assertEquals(
                extracted() + ": there is no manifest (" + manifestFile + ") to check the extracted files against (the"
                        + " folder was made by hand or by an older recurrent4j). " + recovery(),
                e.getMessage());
    }

    @Test
    void theImdbArchiveIsCheckedAgainstItsPublishedMd5() throws IOException {
        Checksums fixture = Checksums.of(Files.write(dir.resolve("fixture.tar.gz"), Fixtures.imdb()));
        IOException e = assertThrows(IOException.class, () -> new Imdb()
                .source(uri)
                .cache(cache)
                .progress(Download.Progress.NONE)
                .train());
        assertEquals(
                uri + ": MD5 mismatch: expected 7c2ac02c03563afcf9b574c7e56c153a, got " + fixture.md5()
                        + ". The file is damaged or was changed at its source; the copy was not kept. Try again, or"
                        + " check the source.",
                e.getMessage());
        try (Stream<Path> files = Files.list(cache.resolve("imdb"))) {
            assertEquals(
                    List.of(".lock"), files.map(p -> p.getFileName().toString()).toList());
        }

        Imdb published =
                new Imdb(Checksums.md5(fixture.md5())).source(uri).cache(cache).progress(Download.Progress.NONE);
        assertEquals(4, Imdb.files().readFolders(published.train()).size());
        assertFalse(Files.exists(cache.resolve("imdb/aclImdb_v1.tar.gz.sha256")), "no pin: the MD5 is published");

        byte[] archive = Files.readAllBytes(published.file());
        archive[archive.length / 2] ^= 1;
        Files.write(published.file(), archive);
        e = assertThrows(IOException.class, published::train);
        assertTrue(
                e.getMessage().startsWith(published.file() + ": MD5 mismatch: expected " + fixture.md5()),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("delete it to download it again"), e.getMessage());
    }
}
