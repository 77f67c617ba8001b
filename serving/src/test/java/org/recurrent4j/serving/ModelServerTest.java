package org.recurrent4j.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class ModelServerTest {

    private static ModelServer start(ServerLimits limits, int batchMillis, int tokenMillis) {
        ModelServer.Builder builder = ModelServer.builder(limits).port(0);
        builder.model("letters", new LetterModel(builder.context("letters"), batchMillis, tokenMillis));
        return builder.start();
    }

    private static ModelServer start(UnaryOperator<ServerLimits> limits, int batchMillis, int tokenMillis) {
        return start(limits.apply(ServerLimits.defaults()), batchMillis, tokenMillis);
    }

    @Test
    void servesThePageHealthTheModelListAndAnOpenApiDescriptionOfExactlyItsEndpoints() throws Exception {
        try (ModelServer server = start(l -> l, 0, 0)) {
            URI base = server.uri();
            Http.Answer page = Http.get(base);
            assertEquals(200, page.status());
            assertTrue(page.body().contains("<title>recurrent4j models</title>"), page.body());
            assertEquals(200, Http.get(base.resolve("app.js")).status());

            Http.Answer health = Http.get(base.resolve("health"));
            assertEquals(200, health.status());
            assertEquals("up", health.json().get("status").asText());
            assertEquals("letters", health.json().get("models").get("letters").asText());

            JsonNode models = Http.get(base.resolve("v1/models")).json();
            assertEquals(1, models.size());
            assertEquals(
                    "TEXT_GENERATION",
                    models.get(0).get("endpoints").get(1).get("form").asText());

            JsonNode openApi = Http.get(base.resolve("openapi.json")).json();
            assertEquals("3.0.3", openApi.get("openapi").asText());
            Set<String> paths = new TreeSet<>();
            openApi.get("paths").fieldNames().forEachRemaining(paths::add);
            assertEquals(
                    Set.of(
                            "/health",
                            "/metrics",
                            "/v1/models",
                            "/v1/models/letters/classify",
                            "/v1/models/letters/generate"),
                    paths);
            JsonNode generate =
                    openApi.get("paths").get("/v1/models/letters/generate").get("post");
            JsonNode properties = generate.get("requestBody")
                    .get("content")
                    .get("application/json")
                    .get("schema")
                    .get("properties");
            assertEquals(Set.of("prime", "length", "stream"), names(properties));
            assertNotNull(generate.get("responses").get("200").get("content").get("text/event-stream"));
            for (String status : List.of("400", "413", "429", "503")) {
                assertNotNull(generate.get("responses").get(status), status);
            }
        }
    }

    @Test
    void answersInJsonAndCountsTheRequestsAndTheirLatencyInPrometheusFormat() {
        try (ModelServer server = start(l -> l, 0, 0)) {
            Http.Answer answer = Http.post(server.uri().resolve("v1/models/letters/classify"), "{\"text\": \"aaab\"}");
            assertEquals(200, answer.status(), answer.body());
            assertEquals("vowel", answer.json().get("label").asText());
            double vowel = answer.json().get("probabilities").get("vowel").asDouble();
            assertEquals(4 / 6.0, vowel, 1e-12);
            Http.post(server.uri().resolve("v1/models/letters/classify"), "{\"txt\": 1}");

            String metrics = Http.get(server.uri().resolve("metrics")).body();
            assertTrue(
                    metrics.contains(
                            "recurrent4j_requests_total{action=\"classify\",model=\"letters\",status=\"200\"} 1"),
                    metrics);
            assertTrue(
                    metrics.contains(
                            "recurrent4j_requests_total{action=\"classify\",model=\"letters\",status=\"400\"} 1"),
                    metrics);
            assertTrue(
                    metrics.contains(
                            "recurrent4j_request_seconds{action=\"classify\",model=\"letters\",quantile=\"0.99\"}"),
                    metrics);
            assertTrue(metrics.contains("recurrent4j_queue_depth{model=\"letters\",queue=\"classify\"} 0"), metrics);
            assertTrue(metrics.contains("jvm_memory_used_bytes"), metrics);
        }
    }

    @Test
    void aBadRequestIsAnswered4xxWithAJsonErrorNamingTheField() {
        try (ModelServer server = start(l -> l.withMaxTextLength(20).withMaxBodyBytes(200), 0, 0)) {
            URI classify = server.uri().resolve("v1/models/letters/classify");
            URI generate = server.uri().resolve("v1/models/letters/generate");
            assertError(Http.post(classify, "{\"text\": "), 400, "body", "not valid JSON");
            assertError(Http.post(classify, "[1, 2]"), 400, "body", "a JSON array");
            assertError(Http.post(classify, ""), 400, "body", "empty");
            assertError(Http.post(classify, "{\"txt\": \"a\"}"), 400, "txt", "unknown field 'txt'");
            assertError(Http.post(classify, "{}"), 400, "text", "missing field 'text'");
            assertError(Http.post(classify, "{\"text\": 12}"), 400, "text", "expected a text");
            assertError(Http.post(classify, "{\"text\": \"\"}"), 400, "text", "empty");
            assertError(Http.post(classify, "{\"text\": \"" + "a".repeat(21) + "\"}"), 400, "text", "21 characters");
            assertError(Http.post(classify, "{\"text\": \"a\", \"text\": \"b\"}"), 400, "body", "Duplicate field");
            assertError(Http.post(generate, "{\"prime\": \"a\", \"length\": 0}"), 400, "length", "[1, 2000]");
            assertError(Http.post(generate, "{\"prime\": \"a\", \"length\": 1.5}"), 400, "length", "whole number");
            assertError(Http.post(generate, "{\"prime\": \"a\", \"stream\": \"yes\"}"), 400, "stream", "true or false");
            assertError(Http.post(classify, "{\"text\": \"" + "a".repeat(300) + "\"}"), 413, "body", "at most 200");
            assertError(Http.get(classify), 405, null, "GET is not allowed");
            assertError(Http.get(server.uri().resolve("v1/models/nothing/here")), 404, null, "no such endpoint");
        }
    }

    /**
     * A body refused for its size, sent whole or in chunks, small or far over the limit: the 413
     * either leaves the connection usable, or says {@code Connection: close}. A connection closed
     * without saying so is one a client reuses, and its next request gets no answer at all.
     */
    @Test
    void aBodyRefusedForItsSizeLeavesItsConnectionUsableOrSaysItCloses() throws Exception {
        try (ModelServer server = start(l -> l.withMaxBodyBytes(200), 0, 0)) {
            for (int size : new int[] {5_000, 3_000_000}) {
                for (boolean chunked : new boolean[] {false, true}) {
                    String where = size + " bytes" + (chunked ? " in chunks" : "");
                    try (Socket socket = new Socket("127.0.0.1", server.port())) {
                        socket.setSoTimeout(30_000);
                        RawExchange exchange = new RawExchange(socket);
                        Thread sender = exchange.sendInBackground("{\"text\": \"" + "a".repeat(size) + "\"}", chunked);
                        RawExchange.Response refused = exchange.read();
                        sender.join();
                        assertEquals(413, refused.status(), where + ": " + refused);
                        if (!refused.closes()) {
                            exchange.send("{\"text\": \"ab\"}", false);
                            RawExchange.Response next = exchange.read();
                            assertEquals(200, next.status(), where + ", then the next request: " + next);
                        }
                    }
                }
            }
        }
    }

    /**
     * A body refused for its size but under 2 MiB is read to its end before the 413, so that the
     * answer is not lost to a reset and the connection carries the next request; one whose client
     * waits for "100 Continue" is not asked for, and its connection closes.
     */
    @Test
    void aRefusedBodyIsReadBeforeThe413UnlessItsClientWaitsToBeAskedForIt() throws Exception {
        try (ModelServer server = start(l -> l.withMaxBodyBytes(200), 0, 0)) {
            for (boolean chunked : new boolean[] {false, true}) {
                String where = "5,000 bytes" + (chunked ? " in chunks" : "");
                try (Socket socket = new Socket("127.0.0.1", server.port())) {
                    socket.setSoTimeout(30_000);
                    RawExchange exchange = new RawExchange(socket);
                    exchange.send("{\"text\": \"" + "a".repeat(5_000) + "\"}", chunked);
                    RawExchange.Response refused = exchange.read();
                    assertEquals(413, refused.status(), where + ": " + refused);
                    assertFalse(refused.closes(), where + ": the body was read, the connection need not close");
                    exchange.send("{\"text\": \"ab\"}", false);
                    assertEquals(200, exchange.read().status(), where + ", then the next request");
                }
            }
            try (Socket socket = new Socket("127.0.0.1", server.port())) {
                socket.setSoTimeout(30_000);
                RawExchange exchange = new RawExchange(socket);
                exchange.sendHeadExpectingContinue(5_000);
                RawExchange.Response refused = exchange.read();
                assertEquals(413, refused.status(), "waiting for 100 Continue: " + refused);
                assertTrue(refused.closes(), "waiting for 100 Continue, the body unsent: " + refused);
            }
        }
    }

    private static void assertError(Http.Answer answer, int status, String field, String message) {
        assertEquals(status, answer.status(), answer.body());
        assertNotNull(answer.json(), "not JSON: " + answer.body());
        assertEquals(status, answer.json().get("status").asInt());
        if (field != null) {
            assertEquals(field, answer.json().path("field").asText(null), answer.body());
        }
        assertTrue(answer.json().get("error").asText().contains(message), answer.body());
    }

    /** Token events arrive as they are made: the first long before the last. */
    @Test
    void aGenerationStreamsItsTokensAsServerSentEventsAsTheyAreMade() throws Exception {
        try (ModelServer server = start(l -> l, 0, 40)) {
            HttpRequest request = HttpRequest.newBuilder(server.uri().resolve("v1/models/letters/generate"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"prime\": \"ab\", \"length\": 12, \"stream\": true}"))
                    .build();
            long start = System.nanoTime();
            HttpResponse<InputStream> response = Http.CLIENT.send(request, HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, response.statusCode());
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
            List<String> events = new ArrayList<>();
            List<Long> arrivals = new ArrayList<>();
            StringBuilder text = new StringBuilder();
            try (BufferedReader reader =
                    new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String name = null;
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    if (line.startsWith("event: ")) {
                        name = line.substring(7);
                    } else if (line.startsWith("data: ")) {
                        events.add(name);
                        arrivals.add(System.nanoTime() - start);
                        JsonNode data = JsonRequest.JSON.readTree(line.substring(6));
                        if (name.equals("token")) {
                            text.append(data.get("text").asText());
                        } else {
                            assertEquals(12, data.get("tokens").asInt());
                        }
                    }
                }
            }
            assertEquals(13, events.size(), events.toString());
            assertEquals("done", events.get(12));
            assertEquals("abababababab", text.toString());
            // 11 more tokens of 40 ms each came after the first (440 ms; the first ones may arrive together).
            assertTrue(arrivals.get(11) - arrivals.get(0) > 250_000_000L, arrivals.toString());
        }
    }

    @Test
    void requestsBeyondTheConcurrencyLimitAreRefusedAtOnceWith429() throws Exception {
        try (ModelServer server = start(l -> l.withMaxConcurrent(2), 0, 20)) {
            ExecutorService clients = Executors.newFixedThreadPool(2);
            try {
                URI generate = server.uri().resolve("v1/models/letters/generate");
                List<Future<Http.Answer>> slow = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    slow.add(clients.submit(() -> Http.post(generate, "{\"prime\": \"a\", \"length\": 60}")));
                }
                waitFor(() -> server.inFlight() == 2);
                Http.Answer refused =
                        Http.post(server.uri().resolve("v1/models/letters/classify"), "{\"text\": \"a\"}");
                assertError(refused, 429, null, "too many requests in flight (2)");
                assertEquals(
                        "1",
                        refused.response().headers().firstValue("Retry-After").orElse(null));
                for (Future<Http.Answer> f : slow) {
                    assertEquals(200, f.get().status());
                }
                assertTrue(Http.get(server.uri().resolve("metrics"))
                        .body()
                        .contains("recurrent4j_shed_total{model=\"letters\",reason=\"concurrency\"} 1"));
            } finally {
                clients.shutdownNow();
            }
        }
    }

    @Test
    void aFullQueueAndAWaitTooLongAreAnswered503() throws Exception {
        try (ModelServer server =
                start(l -> l.withQueueLength(1).withMaxBatch(1).withQueueTimeout(Duration.ofMillis(250)), 300, 0)) {
            URI classify = server.uri().resolve("v1/models/letters/classify");
            ExecutorService clients = Executors.newFixedThreadPool(6);
            try {
                List<Future<Http.Answer>> answers = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    answers.add(clients.submit(() -> Http.post(classify, "{\"text\": \"a\"}")));
                }
                int ok = 0;
                int full = 0;
                int waited = 0;
                for (Future<Http.Answer> f : answers) {
                    Http.Answer a = f.get();
                    if (a.status() == 200) {
                        ok++;
                    } else {
                        assertEquals(503, a.status(), a.body());
                        if (a.json().get("error").asText().contains("queue of 1 requests is full")) {
                            full++;
                        } else {
                            assertTrue(a.json().get("error").asText().contains("waited longer than 250 ms"), a.body());
                            waited++;
                        }
                    }
                }
                // One computing, one waiting (which waits 300 ms > 250 ms), the rest refused at once.
                assertTrue(ok >= 1, ok + " answered");
                assertTrue(full >= 3, full + " refused for a full queue");
                assertEquals(6, ok + full + waited);
            } finally {
                clients.shutdownNow();
            }
        }
    }

    @Test
    void concurrentRequestsAreJoinedIntoBatches() throws Exception {
        ModelServer.Builder builder =
                ModelServer.builder(ServerLimits.defaults()).port(0);
        LetterModel model = new LetterModel(builder.context("letters"), 100, 0);
        try (ModelServer server = builder.model("letters", model).start()) {
            URI classify = server.uri().resolve("v1/models/letters/classify");
            ExecutorService clients = Executors.newFixedThreadPool(8);
            try {
                List<Future<Http.Answer>> answers = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    String text = "a".repeat(i) + "b".repeat(8 - i);
                    answers.add(clients.submit(() -> Http.post(classify, "{\"text\": \"" + text + "\"}")));
                }
                for (int i = 0; i < 8; i++) {
                    Http.Answer a = answers.get(i).get();
                    assertEquals(200, a.status());
                    // Each answer is its own text's, whichever batch it went in.
                    assertEquals(
                            (i + 1) / 10.0,
                            a.json().get("probabilities").get("vowel").asDouble(),
                            1e-12);
                }
                assertTrue(model.largestBatch.get() > 1, "largest batch " + model.largestBatch.get());
            } finally {
                clients.shutdownNow();
            }
        }
    }

    /** Closing waits for a stream in flight to finish; new requests meanwhile get 503; then the port is closed. */
    @Test
    void closingFinishesTheRequestsInFlightAndRefusesNewOnes() throws Exception {
        ModelServer server = start(l -> l, 0, 25);
        URI generate = server.uri().resolve("v1/models/letters/generate");
        ExecutorService threads = Executors.newFixedThreadPool(2);
        Future<Http.Answer> inFlight = threads.submit(() -> Http.post(generate, "{\"prime\": \"xy\", \"length\": 40}"));
        waitFor(() -> server.inFlight() == 1);
        long start = System.nanoTime();
        Future<?> closing = threads.submit(server::close);
        waitFor(() -> Http.get(server.uri().resolve("health")).status() == 503);
        assertError(
                Http.post(server.uri().resolve("v1/models/letters/classify"), "{\"text\": \"a\"}"),
                503,
                null,
                "shutting down");
        Http.Answer finished = inFlight.get();
        assertEquals(200, finished.status(), finished.body());
        assertEquals(40, finished.json().get("tokens").asInt());
        closing.get();
        threads.shutdown();
        // It waited for the 40 tokens of 25 ms: about 1 s, not Jetty's timeouts.
        assertTrue(System.nanoTime() - start < 5_000_000_000L, (System.nanoTime() - start) / 1e9 + " s");
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", server.port()).close());
    }

    /**
     * An answer finished just before closing reaches its client: it is written before the request stops
     * counting as in flight, not left for Javalin to write after Jetty has stopped. Many short rounds,
     * because the gap this guards against is a few microseconds wide (it failed about 1 round in 20).
     */
    @Test
    void closingNeverCutsOffAnAnswerThatHasJustFinished() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 40; round++) {
                ModelServer server = start(l -> l, 0, 2);
                URI generate = server.uri().resolve("v1/models/letters/generate");
                Future<Http.Answer> inFlight =
                        threads.submit(() -> Http.post(generate, "{\"prime\": \"xy\", \"length\": 10}"));
                waitFor(() -> server.inFlight() == 1);
                Future<?> closing = threads.submit(server::close);
                Http.Answer finished = inFlight.get();
                assertEquals(200, finished.status(), "round " + round + ": " + finished.body());
                assertEquals(10, finished.json().get("tokens").asInt());
                closing.get();
            }
        } finally {
            threads.shutdownNow();
        }
    }

    private static Set<String> names(JsonNode object) {
        Set<String> names = new TreeSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the condition did not hold within 10 s");
            }
            Thread.sleep(5);
        }
    }
}
