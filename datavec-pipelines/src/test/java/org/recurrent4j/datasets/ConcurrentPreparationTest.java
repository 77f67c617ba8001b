package org.recurrent4j.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two real JVM processes prepare the same data set at once, from a server slow enough to make them overlap. */
class ConcurrentPreparationTest {

    private static final String PATH = "/aclImdb_v1.tar.gz";

    @TempDir
    Path dir;

    private LocalServer server;
    private Path cache;

    @BeforeEach
    void start() throws IOException {
        server = new LocalServer();
        cache = dir.resolve("cache");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static String read(Path log, String suffix) throws IOException {
        Path file = log.resolveSibling(log.getFileName() + suffix);
        return Files.exists(file) ? Files.readString(file) : "";
    }

    private static void awaitExit(Process process, Path log) throws Exception {
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the child did not finish");
        assertEquals(0, process.exitValue(), "the child failed: " + read(log, ".err"));
    }

    private List<String> cacheNames() throws IOException {
        try (Stream<Path> files = Files.list(cache.resolve("imdb"))) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void twoProcessesPreparingAtOnceBothSucceedAndTheDataIsFetchedOnce() throws Exception {
        URI uri = server.serveSlowly(PATH, Fixtures.imdb(), Duration.ofSeconds(4));
        Path log1 = dir.resolve("child1");
        Path log2 = dir.resolve("child2");
        Process first = PrepareInChildProcess.start(cache, uri, log1);
        Process second = PrepareInChildProcess.start(cache, uri, log2);
        awaitExit(first, log1);
        awaitExit(second, log2);

        String out1 = read(log1, ".out");
        assertTrue(out1.startsWith("read 4: 0=Dreadful. | 0=A waste of time. | 1=A wonderful film."), out1);
        assertEquals(out1, read(log2, ".out"), "both read the same data");
        assertEquals(1, server.requests(), "one downloaded, the other waited and used its work");
        String waited = read(log1, ".err") + read(log2, ".err");
        long pid = waited.contains("(pid " + first.pid() + ")") ? first.pid() : second.pid();
        assertTrue(
                waited.contains("imdb: waiting for another process (pid " + pid + ") to finish preparing it (lock"
                        + " file " + cache.resolve("imdb/.lock") + ")"),
                "the two overlapped: " + waited);
        assertEquals(
                List.of(
                        ".lock",
                        "aclImdb_v1.tar.gz",
                        "aclImdb_v1.tar.gz.sha256",
                        "extracted",
                        "extracted.checked",
                        "extracted.manifest"),
                cacheNames(),
                "no temporary file or folder is left");
    }

    @Test
    void aLockHeldByAProcessThatDiedDoesNotBlock() throws Exception {
        byte[] archive = Fixtures.imdb();
        URI uri = server.serveStalling(PATH, archive, archive.length / 2);
        Path log = dir.resolve("child");
        Process child = PrepareInChildProcess.start(cache, uri, log);
        server.awaitBodiesStarted(1, Duration.ofSeconds(60));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (cacheNames().stream().noneMatch(Archives::isTemporary)) {
            assertTrue(System.nanoTime() < deadline, "the child's download never started: " + read(log, ".err"));
            Thread.sleep(20);
        }
        child.destroyForcibly();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        assertTrue(cacheNames().stream().anyMatch(Archives::isTemporary), "the dead child left its partial download");

        server.serve(PATH, archive);
        long start = System.nanoTime();
        Imdb imdb = new Imdb(Checksums.NONE)
                .source(uri)
                .cache(cache)
                .progress(Download.Progress.NONE)
                .lockTimeout(Duration.ofSeconds(20));
        assertEquals(4, Imdb.files().readFolders(imdb.train()).size());
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(10).toNanos(), "the dead child's lock was free");
        assertTrue(cacheNames().stream().noneMatch(Archives::isTemporary), "its leftovers were removed");
    }

    @Test
    @SuppressWarnings("try") // the resource is a scope, opened for its effect on the code inside
    void aLiveHolderMakesOthersWaitUntilTheirTimeout() throws Exception {
        Path lockFile = cache.resolve("imdb/.lock");
        Files.createDirectories(lockFile.getParent());
        URI uri = server.serve(PATH, Fixtures.imdb());
        Imdb imdb = new Imdb(Checksums.NONE)
                .source(uri)
                .cache(cache)
                .progress(Download.Progress.NONE)
                .lockTimeout(Duration.ofMillis(500));
        try (CacheLock held = CacheLock.acquire(lockFile, "imdb", Duration.ofSeconds(1))) {
            Thread other = new Thread(() -> {
                IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, imdb::train);
                assertTrue(
                        e.getMessage()
                                .startsWith("imdb: gave up after waiting 500 ms for another thread of this process"),
                        e.getMessage());
            });
            other.start();
            other.join();
        }
        assertEquals(0, server.requests());
        assertEquals(4, Imdb.files().readFolders(imdb.train()).size(), "free again once released");
    }
}
