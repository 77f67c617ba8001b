package org.recurrent4j.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The server under load, briefly (seconds; the long measurement is {@code serving/scripts/load.sh}):
 * offered twice the rate it can sustain, it sheds the excess with 503 at once and keeps answering the
 * rest within its queue timeout; after thousands of requests its heap is where it started.
 */
class ModelServerLoadTest {

    /** One worker, one request per 10 ms pass: 100 requests a second at most. */
    private static final int SERVICE_MILLIS = 10;

    @Test
    void atTwiceTheSustainableRateTheExcessIsShedAndTheRestAnsweredInTime() throws Exception {
        ServerLimits limits =
                ServerLimits.defaults().withMaxBatch(1).withQueueLength(10).withQueueTimeout(Duration.ofMillis(400));
        ModelServer.Builder builder = ModelServer.builder(limits).port(0);
        builder.model("letters", new LetterModel(builder.context("letters"), SERVICE_MILLIS, 0));
        try (ModelServer server = builder.start()) {
            URI classify = server.uri().resolve("v1/models/letters/classify");
            int rate = 2 * 1000 / SERVICE_MILLIS;
            double seconds = 3;
            // Synchronous clients on a pool, so that connections are kept and reused as a real client's are.
            ExecutorService clients = Executors.newFixedThreadPool(64);
            List<Future<?>> warmUp = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                warmUp.add(clients.submit(() -> Http.get(server.uri().resolve("health"))));
            }
            for (Future<?> f : warmUp) {
                f.get();
            }
            List<Future<long[]>> answers = new ArrayList<>();
            long start = System.nanoTime();
            long interval = TimeUnit.SECONDS.toNanos(1) / rate;
            for (int i = 0; i < rate * seconds; i++) {
                LockSupport.parkNanos(start + i * interval - System.nanoTime());
                answers.add(clients.submit(() -> {
                    long sent = System.nanoTime();
                    int status = Http.post(classify, "{\"text\": \"load\"}").status();
                    return new long[] {status, System.nanoTime() - sent};
                }));
            }
            clients.shutdown();
            Map<Long, Integer> statuses = new TreeMap<>();
            List<Long> answered = new ArrayList<>();
            List<Long> shed = new ArrayList<>();
            for (Future<long[]> answer : answers) {
                long[] a = answer.get(60, TimeUnit.SECONDS);
                statuses.merge(a[0], 1, Integer::sum);
                (a[0] == 200 ? answered : shed).add(a[1]);
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            // Only answers and refusals for load: no failure, no connection refused.
            assertEquals(java.util.Set.of(200L, 503L), statuses.keySet(), statuses.toString());
            // It cannot answer more than its capacity (and what its queue held), and sheds about half.
            assertTrue(answered.size() <= 1000 / SERVICE_MILLIS * elapsed + 10, statuses + " in " + elapsed + " s");
            assertTrue(shed.size() >= answers.size() / 4, statuses.toString());
            // An answered request waited at most the queue timeout (400 ms), plus its pass and the transport's
            // time (generous: the machine may be busy); an unbounded queue would have made the last ones wait
            // for the whole backlog, about 3 s.
            Collections.sort(answered);
            long p90 = answered.get((int) (answered.size() * 0.90) - 1);
            assertTrue(
                    p90 < TimeUnit.MILLISECONDS.toNanos(1500),
                    "p90 " + p90 / 1e6 + " ms; median " + answered.get(answered.size() / 2) / 1e6 + " ms");
            // A refusal is quick: it does not wait in a queue.
            Collections.sort(shed);
            assertTrue(
                    shed.get(shed.size() / 2) < TimeUnit.MILLISECONDS.toNanos(400),
                    "median refusal " + shed.get(shed.size() / 2) / 1e6 + " ms");
            assertEquals(200, Http.get(server.uri().resolve("health")).status());
            assertTrue(Http.get(server.uri().resolve("metrics")).body().contains("recurrent4j_shed_total"));
        }
    }

    /** Heap in use (after a collection) before and after 4,000 requests: within a few megabytes. */
    @Test
    void memoryStaysFlatOverThousandsOfRequests() throws Exception {
        ModelServer.Builder builder =
                ModelServer.builder(ServerLimits.defaults()).port(0);
        builder.model("letters", new LetterModel(builder.context("letters"), 0, 0));
        try (ModelServer server = builder.start()) {
            URI classify = server.uri().resolve("v1/models/letters/classify");
            run(classify, 1_000);
            long before = usedHeapAfterGc();
            run(classify, 4_000);
            long after = usedHeapAfterGc();
            assertTrue(after - before < 16L << 20, "heap grew from " + before / 1e6 + " MB to " + after / 1e6 + " MB");
        }
    }

    private static void run(URI uri, int requests) throws Exception {
        List<CompletableFuture<HttpResponse<String>>> window = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            window.add(Http.CLIENT.sendAsync(
                    HttpRequest.newBuilder(uri)
                            .POST(HttpRequest.BodyPublishers.ofString("{\"text\": \"text " + i + "\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
            if (window.size() == 16) {
                for (CompletableFuture<HttpResponse<String>> f : window) {
                    assertEquals(200, f.get(30, TimeUnit.SECONDS).statusCode());
                }
                window.clear();
            }
        }
        for (CompletableFuture<HttpResponse<String>> f : window) {
            assertEquals(200, f.get(30, TimeUnit.SECONDS).statusCode());
        }
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
            least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
        }
        return least;
    }
}
