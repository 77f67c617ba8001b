package org.recurrent4j.examples.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.statistics.Statistics;
import org.recurrent4j.serving.JsonRequest;
import org.recurrent4j.serving.ModelServer;

/**
 * Fuzzes every endpoint of every kind of model, as the readers are fuzzed: bodies made of the
 * endpoint's own fields with values of every JSON type and size, unknown fields, and valid bodies
 * cut short or with bytes changed. Whatever comes, the answer is 200, or a 4xx whose JSON names the
 * field at fault; never a 5xx, a hang or a dropped connection.
 */
class ServedEndpointsFuzzTest {

    private static ModelServer server;

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    /** Each endpoint's fields, and a valid body of it to mutate. */
    private static final Map<String, List<String>> ENDPOINTS = Map.of(
            "sentiment/classify", List.of("{\"text\": \"a fine film\"}", "text", "texts"),
            "char-rnn/generate",
                    List.of(
                            "{\"prime\": \"the \", \"length\": 20, \"temperature\": 0.8, \"top_k\": 5, \"top_p\": 0.9,"
                                    + " \"seed\": 1, \"stream\": false}",
                            "prime",
                            "length",
                            "temperature",
                            "top_k",
                            "top_p",
                            "seed",
                            "stream"),
            "seq2seq/decode", List.of("{\"source\": \"12+34\", \"beam\": 2}", "source", "beam"),
            "charts/classify", List.of("{\"values\": [1, 2, 3, 4, 5]}", "values"),
            "forecast/forecast", List.of("{\"values\": [0.5, 0.25, 1e3]}", "values"));

    private static synchronized ModelServer server() throws Exception {
        if (server == null) {
            Path runs = Files.createTempDirectory("recurrent4j-fuzz-models-");
            server = ServeCommandTest.start(
                    "--port",
                    "0",
                    "--max-tokens",
                    "64",
                    "--max-text-length",
                    "200",
                    "--max-series-length",
                    "300",
                    "--max-body-bytes",
                    "4096",
                    "--model",
                    TinyModels.sentiment(runs.resolve("sentiment")).toString(),
                    "--model",
                    TinyModels.charRnn(runs.resolve("char-rnn")).toString(),
                    "--model",
                    TinyModels.seq2seq(runs.resolve("seq2seq")).toString(),
                    "--model",
                    "charts=" + TinyModels.timeSeriesClassifier(runs.resolve("classify")),
                    "--model",
                    TinyModels.forecaster(runs.resolve("forecast")).toString());
        }
        return server;
    }

    @AfterContainer
    static void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    @Property(tries = 400)
    void anyBodyOfAnEndpointsFieldsIsAnsweredOrRefusedNamingTheField(
            @ForAll("endpoints") String endpoint, @ForAll("fieldValues") Map<String, String> values) throws Exception {
        List<String> fields =
                ENDPOINTS.get(endpoint).subList(1, ENDPOINTS.get(endpoint).size());
        StringBuilder body = new StringBuilder("{");
        int i = 0;
        for (Map.Entry<String, String> value : values.entrySet()) {
            // The generated keys stand for the endpoint's fields (or, past its count, for unknown ones).
            int index = Math.floorMod(value.getKey().hashCode(), fields.size() + 1);
            String field = index < fields.size() ? fields.get(index) : value.getKey();
            if (body.indexOf("\"" + field + "\"") >= 0) {
                continue;
            }
            body.append(i++ == 0 ? "" : ", ")
                    .append(JsonRequest.JSON.writeValueAsString(field))
                    .append(": ")
                    .append(value.getValue());
        }
        check(endpoint, body.append("}").toString().getBytes(StandardCharsets.UTF_8));
    }

    @Property(tries = 300)
    void aValidBodyCutShortOrWithBytesChangedIsAnsweredOrRefused(
            @ForAll("endpoints") String endpoint,
            @ForAll("positions") List<Integer> positions,
            @ForAll("bytes") List<Byte> bytes,
            @ForAll boolean cut)
            throws Exception {
        byte[] body = ENDPOINTS.get(endpoint).get(0).getBytes(StandardCharsets.UTF_8);
        for (int k = 0; k < Math.min(positions.size(), bytes.size()); k++) {
            body[positions.get(k) % body.length] = bytes.get(k);
        }
        if (cut) {
            body = java.util.Arrays.copyOf(body, positions.get(0) % body.length);
        }
        check(endpoint, body);
    }

    private static void check(String endpoint, byte[] body) throws Exception {
        HttpResponse<String> response = CLIENT.send(
                HttpRequest.newBuilder(server().uri().resolve("v1/models/" + endpoint))
                        .timeout(Duration.ofSeconds(60))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        int status = response.statusCode();
        String shown = new String(body, StandardCharsets.UTF_8) + " -> " + response.body();
        Statistics.label("status").collect(status);
        assertTrue(Set.of(200, 400, 413).contains(status), status + ": " + shown);
        if (response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
            // A valid request with "stream": true: events, each a name and its JSON data, the last "done".
            assertEquals(200, status, shown);
            String[] events = response.body().strip().split("\n\n");
            for (String event : events) {
                String[] lines = event.split("\n");
                assertEquals(2, lines.length, shown);
                assertTrue(lines[0].startsWith("event: ") && lines[1].startsWith("data: "), shown);
                assertNotNull(JsonRequest.JSON.readTree(lines[1].substring("data: ".length())), shown);
            }
            assertEquals("event: done", events[events.length - 1].split("\n")[0], shown);
            return;
        }
        JsonNode answer = JsonRequest.JSON.readTree(response.body());
        assertNotNull(answer, shown);
        if (status != 200) {
            assertEquals(status, answer.get("status").asInt(), shown);
            assertTrue(answer.hasNonNull("field"), "no field named: " + shown);
            assertTrue(!answer.get("error").asText().isBlank(), shown);
        }
    }

    @Provide
    Arbitrary<String> endpoints() {
        return Arbitraries.of(ENDPOINTS.keySet().stream().sorted().toList());
    }

    @Provide
    Arbitrary<Map<String, String>> fieldValues() {
        Arbitrary<String> texts = Arbitraries.strings().all().ofMaxLength(260).map(s -> {
            try {
                return JsonRequest.JSON.writeValueAsString(s);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Arbitrary<String> numbers = Arbitraries.oneOf(
                Arbitraries.integers().between(-3, 70).map(String::valueOf),
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.doubles().between(-2, 12).map(String::valueOf),
                Arbitraries.of("1e400", "-0", "0.0", "123456789012345678901234567890", "1.5e-300"));
        Arbitrary<String> scalars =
                Arbitraries.oneOf(texts, numbers, Arbitraries.of("true", "false", "null", "{}", "[]", "{\"a\": 1}"));
        Arbitrary<String> arrays = scalars.list().ofMaxSize(320).map(l -> "[" + String.join(", ", l) + "]");
        Arbitrary<String> nested = Combinators.combine(arrays, arrays).as((a, b) -> "[" + a + ", " + b + "]");
        return Arbitraries.maps(
                        Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8),
                        Arbitraries.frequencyOf(
                                net.jqwik.api.Tuple.of(4, scalars),
                                net.jqwik.api.Tuple.of(2, arrays),
                                net.jqwik.api.Tuple.of(1, nested)))
                .ofMaxSize(5);
    }

    @Provide
    Arbitrary<List<Integer>> positions() {
        return Arbitraries.integers().between(0, 10_000).list().ofMinSize(1).ofMaxSize(4);
    }

    @Provide
    Arbitrary<List<Byte>> bytes() {
        return Arbitraries.bytes().list().ofMaxSize(4);
    }
}
