package org.recurrent4j.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PublicDataSetTest {

    private static final byte[] TEXT = "First Citizen:\nBefore we proceed any further, hear me speak.\n"
            .repeat(2000)
            .getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path cache;

    private LocalServer server;
    private String sha;

    @BeforeEach
    void start() throws IOException {
        server = new LocalServer();
        Path scratch = Files.createTempFile("text", ".txt");
        Files.write(scratch, TEXT);
        sha = Checksums.of(scratch).sha256();
        Files.delete(scratch);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private TinyShakespeare shakespeare(String expectedSha, URI source) {
        return new TinyShakespeare(expectedSha).source(source).cache(cache).progress(Download.Progress.NONE);
    }

    private List<Path> cacheContents() throws IOException {
        try (Stream<Path> all = Files.walk(cache)) {
            return all.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().equals(".lock"))
                    .toList();
        }
    }

    @Test
    void downloadsOnceWithProgressAndThenUsesTheCache() throws IOException {
        URI uri = server.serve("/input.txt", TEXT);
        List<long[]> updates = new ArrayList<>();
        TinyShakespeare data = shakespeare(sha, uri).progress((bytes, total) -> updates.add(new long[] {bytes, total}));

        Path text = data.text();
        assertEquals(cache.resolve("tinyshakespeare/input.txt"), text);
        assertArrayEquals(TEXT, Files.readAllBytes(text));
        assertEquals(1, server.requests());
        assertEquals(0, updates.get(0)[0]);
        assertArrayEquals(new long[] {TEXT.length, TEXT.length}, updates.get(updates.size() - 1));
        for (int i = 1; i < updates.size(); i++) {
            assertTrue(updates.get(i)[0] >= updates.get(i - 1)[0], "progress never goes back");
        }

        assertEquals(text, shakespeare(sha, uri).text());
        assertEquals(1, server.requests(), "the second use reads the cache");
        assertEquals(List.of(text), cacheContents(), "no temporary files, no pin for a published checksum");
    }

    @Test
    void aChecksumMismatchKeepsNothing() throws IOException {
        URI uri = server.serve("/input.txt", TEXT);
        String wrong = "0".repeat(64);
        IOException e =
                assertThrows(IOException.class, () -> shakespeare(wrong, uri).text());
        assertEquals(
                uri + ": SHA-256 mismatch: expected " + wrong + ", got " + sha + ". The file is damaged or was changed"
                        + " at its source; the copy was not kept. Try again, or check the source.",
                e.getMessage());
        assertEquals(List.of(), cacheContents());
    }

    @Test
    void anInterruptedDownloadKeepsNothing() throws IOException {
        URI uri = server.serveInterrupted("/input.txt", TEXT, 4000);
        IOException e =
                assertThrows(IOException.class, () -> shakespeare(sha, uri).text());
        assertTrue(e.getMessage().startsWith(uri + ": download interrupted"), e.getMessage());
        assertTrue(e.getMessage().contains("of " + TEXT.length), e.getMessage());
        assertEquals(List.of(), cacheContents());
    }

    @Test
    void aDownloadAnnouncedOverTheLimitIsRefusedBeforeItIsRead() throws IOException {
        URI uri = server.serve("/input.txt", TEXT);
        TinyShakespeare data =
                shakespeare(sha, uri).limits(DataLimits.defaults().maxDownloadBytes(1000));
        DataLimits.Exceeded e = assertThrows(DataLimits.Exceeded.class, data::text);
        assertEquals(
                uri + ": the download is announced as " + String.format("%,d", TEXT.length) + " bytes, over the limit"
                        + " of 1,000 bytes (recurrent4j.data.maxDownloadBytes); the download was stopped and nothing"
                        + " was kept. If you trust the source, raise the limit: -Drecurrent4j.data.maxDownloadBytes="
                        + TEXT.length + ", or limits(DataLimits.fromSystemProperties().maxDownloadBytes(...)) on the"
                        + " data set",
                e.getMessage());
        assertEquals(TEXT.length, e.seen());
        assertEquals(List.of(), cacheContents());
    }

    @Test
    void aDownloadThatGrowsPastTheLimitIsCutOff() throws IOException {
        URI uri = server.serveChunked("/input.txt", TEXT);
        TinyShakespeare data =
                shakespeare(sha, uri).limits(DataLimits.defaults().maxDownloadBytes(50_000));
        DataLimits.Exceeded e = assertThrows(DataLimits.Exceeded.class, data::text);
        assertTrue(e.getMessage().startsWith(uri + ": the download is more than "), e.getMessage());
        assertTrue(e.seen() > 50_000 && e.seen() < TEXT.length, "stopped as soon as it passed: " + e.seen());
        assertEquals(List.of(), cacheContents());

        assertArrayEquals(TEXT, Files.readAllBytes(shakespeare(sha, uri).text()), "the default limit lets it through");
    }

    @Test
    void anHttpErrorNamesTheStatus() {
        URI uri = server.uri("/missing.txt");
        IOException e =
                assertThrows(IOException.class, () -> shakespeare(sha, uri).text());
        assertTrue(e.getMessage().startsWith(uri + ": the server answered HTTP 404"), e.getMessage());
    }

    @Test
    void offlineItFailsFastAndSaysHowToUseALocalCopy() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        URI unreachable = URI.create("http://127.0.0.1:" + closedPort + "/input.txt");
        TinyShakespeare data =
                shakespeare(sha, unreachable).download(new Download(Duration.ofSeconds(2), Duration.ofSeconds(2)));
        IOException e = assertThrows(IOException.class, data::text);
        assertTrue(
                e.getMessage().startsWith("cannot download tinyshakespeare: " + unreachable + ": cannot connect"),
                e.getMessage());
        assertTrue(
                e.getMessage()
                        .endsWith("To use a copy you already have, put it at "
                                + cache.resolve("tinyshakespeare/input.txt") + " (or call useLocalCopy(path)), or point"
                                + " -Drecurrent4j.data.dir or RECURRENT4J_DATA_DIR at a folder that holds"
                                + " tinyshakespeare/input.txt"),
                e.getMessage());

        Path copy = Files.write(cache.resolve("my-copy.txt"), TEXT);
        assertEquals(cache.resolve("tinyshakespeare/input.txt"), data.useLocalCopy(copy));
        assertArrayEquals(TEXT, Files.readAllBytes(data.text()), "now served from the cache, offline");

        Path wrong = Files.writeString(cache.resolve("other.txt"), "not it");
        e = assertThrows(IOException.class, () -> shakespeare(sha, unreachable).useLocalCopy(wrong));
        assertTrue(e.getMessage().startsWith(wrong + ": SHA-256 mismatch"), e.getMessage());
    }

    @Test
    void aFileUrlWorksLikeAMirror() throws IOException {
        Path mirror = Files.write(cache.resolve("mirror.txt"), TEXT);
        assertArrayEquals(
                TEXT, Files.readAllBytes(shakespeare(sha, mirror.toUri()).text()));
    }

    @Test
    void aDamagedCachedCopyIsReportedNotUsed() throws IOException {
        URI uri = server.serve("/input.txt", TEXT);
        Path text = shakespeare(sha, uri).text();
        Files.writeString(text, "edited");
        IOException e =
                assertThrows(IOException.class, () -> shakespeare(sha, uri).text());
        assertTrue(e.getMessage().startsWith(text + ": SHA-256 mismatch"), e.getMessage());
        assertTrue(e.getMessage().contains("delete it to download it again"), e.getMessage());
    }

    @Test
    void theCacheFolderFollowsTheSystemProperty() {
        String before = System.getProperty(DataCache.PROPERTY);
        try {
            System.setProperty(DataCache.PROPERTY, cache.toString());
            assertEquals(cache, DataCache.directory());
            assertEquals(cache.resolve("tinyshakespeare/input.txt"), new TinyShakespeare().file());
            System.clearProperty(DataCache.PROPERTY);
            assertFalse(DataCache.directory().startsWith(cache));
        } finally {
            if (before == null) {
                System.clearProperty(DataCache.PROPERTY);
            } else {
                System.setProperty(DataCache.PROPERTY, before);
            }
        }
    }
}
