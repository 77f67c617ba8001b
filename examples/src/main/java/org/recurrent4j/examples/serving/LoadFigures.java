package org.recurrent4j.examples.serving;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.recurrent4j.serving.ModelServer;
import org.recurrent4j.serving.ServerLimits;

/**
 * The load figures of docs/serving.md ({@code serving/scripts/load.sh} runs it): a server of a
 * sentiment and a char-RNN model on loopback; for each, {@code clients} concurrent clients for
 * {@code seconds} (throughput, p50 and p99 latency), then requests offered at twice the throughput
 * measured (what is answered, what is shed, the answered ones' p99); and the heap in use before and
 * after {@code requests} classifications. Every phase is bounded in time or count and addresses
 * 127.0.0.1 only.
 */
public final class LoadFigures {

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    private static final String[] SENTENCES = {
        "a gripping, funny and moving film", "dull and far too long", "the best thing I have seen this year",
        "an utter waste of two hours", "it is not bad, but it is not good either", "a warm and clever story"
    };

    private LoadFigures() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new TreeMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        int clients = Integer.parseInt(options.getOrDefault("--clients", "8"));
        int seconds = Integer.parseInt(options.getOrDefault("--seconds", "20"));
        int requests = Integer.parseInt(options.getOrDefault("--requests", "10000"));
        ServerLimits limits = ServerLimits.defaults();
        ModelServer.Builder builder = ModelServer.builder(limits).port(0);
        builder.model(
                "sentiment",
                ServedKinds.open(
                        Path.of(options.getOrDefault("--sentiment", "runs/sentiment")), builder.context("sentiment")));
        builder.model(
                "char-rnn",
                ServedKinds.open(
                        Path.of(options.getOrDefault("--char-rnn", "runs/char-rnn")), builder.context("char-rnn")));
        try (ModelServer server = builder.start()) {
            URI classify = server.uri().resolve("v1/models/sentiment/classify");
            URI generate = server.uri().resolve("v1/models/char-rnn/generate");
            System.out.printf("server: %s, limits %s%n%n", server.uri(), limits);
            System.out.println("| model | load | requests/s | p50 ms | p99 ms | answered | shed (503/429) | other |");
            System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- |");
            closedLoop(
                    classify, "sentiment", clients, 2, i -> "{\"text\": \"" + SENTENCES[i % SENTENCES.length] + "\"}");
            Result sentiment = closedLoop(
                    classify,
                    "sentiment",
                    clients,
                    seconds,
                    i -> "{\"text\": \"" + SENTENCES[i % SENTENCES.length] + "\"}");
            openLoop(
                    classify,
                    "sentiment",
                    2 * sentiment.perSecond(),
                    seconds,
                    i -> "{\"text\": \"" + SENTENCES[i % SENTENCES.length] + "\"}");
            String generation = "{\"prime\": \"public \", \"length\": 100, \"seed\": ";
            closedLoop(generate, "char-rnn", clients, 2, i -> generation + i + "}");
            Result charRnn = closedLoop(generate, "char-rnn", clients, seconds, i -> generation + i + "}");
            openLoop(generate, "char-rnn", 2 * charRnn.perSecond(), seconds, i -> generation + i + "}");

            long before = usedHeapAfterGc();
            Result many = count(
                    classify,
                    clients,
                    requests,
                    i -> "{\"text\": \"" + SENTENCES[i % SENTENCES.length] + " " + i + "\"}");
            long after = usedHeapAfterGc();
            System.out.printf(
                    "%nheap in use after a collection: %.1f MB before, %.1f MB after %,d classifications (%,d answered,"
                            + " %.0f requests/s)%n",
                    before / 1e6, after / 1e6, requests, many.answered(), many.perSecond());
        }
    }

    /** What a phase gave. */
    record Result(double perSecond, long answered) {}

    @FunctionalInterface
    interface Body {
        String of(int i);
    }

    private static Result closedLoop(URI uri, String model, int clients, int seconds, Body body) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime();
        List<Future<?>> running = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            running.add(pool.submit(() -> {
                for (int i = client; System.nanoTime() < end; i += clients) {
                    long sent = System.nanoTime();
                    int status = send(uri, body.of(i));
                    statuses.merge(status, 1, Integer::sum);
                    if (status == 200) {
                        latencies.add(System.nanoTime() - sent);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : running) {
            f.get();
        }
        pool.shutdown();
        double elapsed = (System.nanoTime() - start) / 1e9;
        return report(model, clients + " clients, " + seconds + " s", latencies, statuses, elapsed);
    }

    private static Result openLoop(URI uri, String model, double rate, int seconds, Body body) throws Exception {
        long interval = (long) (1e9 / rate);
        long start = System.nanoTime();
        // Synchronous clients on a pool, so that connections are kept and reused as a real client's are.
        ExecutorService pool = Executors.newFixedThreadPool(128);
        List<Future<long[]>> answers = new ArrayList<>();
        for (int i = 0; i < rate * seconds; i++) {
            LockSupport.parkNanos(start + i * interval - System.nanoTime());
            String text = body.of(i);
            answers.add(pool.submit(() -> {
                long sent = System.nanoTime();
                int status = send(uri, text);
                return new long[] {status, System.nanoTime() - sent};
            }));
        }
        pool.shutdown();
        List<Long> latencies = new ArrayList<>();
        Map<Integer, Integer> statuses = new TreeMap<>();
        for (Future<long[]> answer : answers) {
            long[] a = answer.get(120, TimeUnit.SECONDS);
            statuses.merge((int) a[0], 1, Integer::sum);
            if (a[0] == 200) {
                latencies.add(a[1]);
            }
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        return report(model, String.format("offered %.0f/s (2x)", rate), latencies, statuses, elapsed);
    }

    private static Result count(URI uri, int clients, int requests, Body body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime();
        List<Future<Integer>> results = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            int n = i;
            results.add(pool.submit(() -> send(uri, body.of(n))));
        }
        long answered = 0;
        for (Future<Integer> f : results) {
            answered += f.get() == 200 ? 1 : 0;
        }
        pool.shutdown();
        return new Result(requests / ((System.nanoTime() - start) / 1e9), answered);
    }

    private static Result report(
            String model, String load, List<Long> latencies, Map<Integer, Integer> statuses, double elapsed) {
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        int shed = statuses.getOrDefault(503, 0) + statuses.getOrDefault(429, 0);
        int other = statuses.values().stream().mapToInt(Integer::intValue).sum() - shed - sorted.size();
        double perSecond = sorted.size() / elapsed;
        System.out.printf(
                "| %s | %s | %.1f | %.1f | %.1f | %,d | %,d | %,d |%n",
                model, load, perSecond, percentile(sorted, 0.50), percentile(sorted, 0.99), sorted.size(), shed, other);
        return new Result(perSecond, sorted.size());
    }

    private static double percentile(List<Long> sorted, double q) {
        return sorted.isEmpty() ? Double.NaN : sorted.get((int) Math.ceil(q * sorted.size()) - 1) / 1e6;
    }

    private static int send(URI uri, String body) {
        try {
            return CLIENT.send(request(uri, body), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (java.io.IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static HttpRequest request(URI uri, String body) {
        return HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
            least = Math.min(
                    least,
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return least;
    }
}
