package org.recurrent4j.examples.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recurrent4j.examples.Recurrent4jCli;
import org.recurrent4j.examples.charrnn.CharRnnCommand;
import org.recurrent4j.serving.JsonRequest;
import org.recurrent4j.serving.ModelServer;
import picocli.CommandLine;

/** {@code recurrent4j serve} with a model of every kind: what each endpoint answers, and the directories refused. */
class ServeCommandTest {

    @TempDir
    static Path runs;

    private static ModelServer server;

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    @BeforeAll
    static void serveAModelOfEveryKind() throws Exception {
        server = start(
                "--port", "0",
                "--model", TinyModels.sentiment(runs.resolve("sentiment")).toString(),
                "--model", TinyModels.charRnn(runs.resolve("char-rnn")).toString(),
                "--model", TinyModels.seq2seq(runs.resolve("seq2seq")).toString(),
                "--model", "charts=" + TinyModels.timeSeriesClassifier(runs.resolve("classify")),
                "--model", TinyModels.forecaster(runs.resolve("forecast")).toString());
    }

    static ModelServer start(String... args) throws Exception {
        ServeCommand command = new ServeCommand();
        new CommandLine(command).parseArgs(args);
        return command.start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static JsonNode post(String path, String body, int status) throws Exception {
        HttpResponse<String> response = CLIENT.send(
                HttpRequest.newBuilder(server.uri().resolve(path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(status, response.statusCode(), response.body());
        return JsonRequest.JSON.readTree(response.body());
    }

    @Test
    void listsEveryModelWithItsKind() throws Exception {
        JsonNode health = JsonRequest.JSON.readTree(CLIENT.send(
                        HttpRequest.newBuilder(server.uri().resolve("health")).build(),
                        HttpResponse.BodyHandlers.ofString())
                .body());
        assertEquals("sentiment", health.get("models").get("sentiment").asText());
        assertEquals("char-rnn", health.get("models").get("char-rnn").asText());
        assertEquals("seq2seq", health.get("models").get("seq2seq").asText());
        assertEquals("timeseries-classify", health.get("models").get("charts").asText());
        assertEquals("timeseries-forecast", health.get("models").get("forecast").asText());
    }

    /** Texts of different lengths batched together get exactly what each gets alone: the mask works. */
    @Test
    void sentimentOfATextAndOfABatchPaddedWithAMask() throws Exception {
        List<String> texts = List.of("a fine film", "a dull and tedious mess of a film", "moving", "the year");
        JsonNode batch = post(
                "v1/models/sentiment/classify",
                JsonRequest.JSON.writeValueAsString(
                        JsonRequest.JSON.createObjectNode().set("texts", JsonRequest.JSON.valueToTree(texts))),
                200);
        assertEquals(texts.size(), batch.get("results").size());
        for (int i = 0; i < texts.size(); i++) {
            JsonNode alone = post(
                    "v1/models/sentiment/classify",
                    JsonRequest.JSON
                            .createObjectNode()
                            .put("text", texts.get(i))
                            .toString(),
                    200);
            JsonNode inBatch = batch.get("results").get(i);
            double negative = alone.get("probabilities").get("negative").asDouble();
            double positive = alone.get("probabilities").get("positive").asDouble();
            assertEquals(1.0, negative + positive, 1e-5);
            assertEquals(negative, inBatch.get("probabilities").get("negative").asDouble(), 1e-5, texts.get(i));
            assertEquals(alone.get("label"), inBatch.get("label"));
            assertEquals(alone.get("tokens"), inBatch.get("tokens"));
        }
        assertEquals(
                "text",
                post("v1/models/sentiment/classify", "{\"text\": \" \\t \"}", 400)
                        .get("field")
                        .asText());
        assertEquals(
                "texts",
                post("v1/models/sentiment/classify", "{\"text\": \"a\", \"texts\": [\"b\"]}", 400)
                        .get("field")
                        .asText());
        assertEquals(
                "texts[1]",
                post("v1/models/sentiment/classify", "{\"texts\": [\"a\", 3]}", 400)
                        .get("field")
                        .asText());
    }

    /** The stream's tokens, joined, are the text a request without streaming gets for the same seed. */
    @Test
    void charRnnGeneratesAndStreamsTheSameTextForTheSameSeed() throws Exception {
        String body = "{\"prime\": \"the \", \"length\": 40, \"temperature\": 0.9, \"top_k\": 10, \"seed\": 11";
        JsonNode whole = post("v1/models/char-rnn/generate", body + "}", 200);
        String text = whole.get("text").asText();
        assertEquals(40, text.length());
        for (char c : text.toCharArray()) {
            assertTrue(TinyModels.CHARACTERS.indexOf(c) >= 0, "'" + c + "' is not in the vocabulary");
        }
        HttpResponse<String> stream = CLIENT.send(
                HttpRequest.newBuilder(server.uri().resolve("v1/models/char-rnn/generate"))
                        .POST(HttpRequest.BodyPublishers.ofString(body + ", \"stream\": true}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, stream.statusCode(), stream.body());
        StringBuilder streamed = new StringBuilder();
        int tokens = 0;
        String event = null;
        for (String line : stream.body().split("\n")) {
            if (line.startsWith("event: ")) {
                event = line.substring(7);
            } else if (line.startsWith("data: ") && "token".equals(event)) {
                streamed.append(
                        JsonRequest.JSON.readTree(line.substring(6)).get("text").asText());
                tokens++;
            } else if (line.startsWith("data: ")) {
                assertEquals("done", event);
                assertEquals(
                        text,
                        JsonRequest.JSON.readTree(line.substring(6)).get("text").asText());
            }
        }
        assertEquals(40, tokens);
        assertEquals(text, streamed.toString());

        JsonNode unknown = post("v1/models/char-rnn/generate", "{\"prime\": \"the Zoo\"}", 400);
        assertEquals("prime", unknown.get("field").asText());
        assertTrue(unknown.get("error").asText().contains("'Z'"), unknown.toString());
        assertEquals(
                "top_k",
                post("v1/models/char-rnn/generate", "{\"top_k\": -1}", 400)
                        .get("field")
                        .asText());
        assertEquals(
                "temperature",
                post("v1/models/char-rnn/generate", "{\"temperature\": 0}", 400)
                        .get("field")
                        .asText());
        assertEquals(
                "length",
                post("v1/models/char-rnn/generate", "{\"length\": 2001}", 400)
                        .get("field")
                        .asText());
    }

    @Test
    void seq2seqDecodesASumGreedilyAndByBeamSearch() throws Exception {
        for (int beam : new int[] {1, 3}) {
            JsonNode answer = post("v1/models/seq2seq/decode", "{\"source\": \"12+34\", \"beam\": " + beam + "}", 200);
            assertEquals("12+34", answer.get("source").asText());
            assertEquals("46", answer.get("expected").asText());
            assertEquals(
                    answer.get("output").asText().equals("46"),
                    answer.get("correct").asBoolean());
        }
        assertEquals(
                "source",
                post("v1/models/seq2seq/decode", "{\"source\": \"1a+2\"}", 400)
                        .get("field")
                        .asText());
        assertEquals(
                "source",
                post("v1/models/seq2seq/decode", "{\"source\": \"123456+7\"}", 400)
                        .get("field")
                        .asText());
        assertEquals(
                "beam",
                post("v1/models/seq2seq/decode", "{\"source\": \"1+2\", \"beam\": 17}", 400)
                        .get("field")
                        .asText());
    }

    @Test
    void timeSeriesAreClassifiedAndForecast() throws Exception {
        StringBuilder values = new StringBuilder("[");
        for (int t = 0; t < 30; t++) {
            values.append(t == 0 ? "" : ", ").append(30 + Math.sin(t));
        }
        values.append("]");
        JsonNode classified = post("v1/models/charts/classify", "{\"values\": " + values + "}", 200);
        double total = 0;
        for (JsonNode p : classified.get("probabilities")) {
            total += p.asDouble();
        }
        assertEquals(1.0, total, 1e-5);
        assertEquals(6, classified.get("probabilities").size());
        assertTrue(classified.get("probabilities").has(classified.get("label").asText()));

        JsonNode forecast = post("v1/models/forecast/forecast", "{\"values\": " + values + "}", 200);
        assertEquals(2, forecast.get("forecast").size());
        assertTrue(Double.isFinite(forecast.get("forecast").get(0).asDouble()));
        assertEquals(
                "values[1]",
                post("v1/models/forecast/forecast", "{\"values\": [1, \"x\"]}", 400)
                        .get("field")
                        .asText());
    }

    /** A damaged, foreign or mismatched directory stops the command at start: one line, exit status 2. */
    @Test
    void aDamagedOrForeignModelDirectoryIsRefusedAtStartWithOneLine(@TempDir Path dir) throws Exception {
        Path damaged = TinyModels.charRnn(dir.resolve("damaged"));
        try (RandomAccessFile file =
                new RandomAccessFile(damaged.resolve(CharRnnCommand.MODEL_FILE).toFile(), "rw")) {
            file.setLength(file.length() / 2);
        }
        assertRefused(damaged, "not a usable char-rnn model", "model.zip is not a readable model file");

        Path foreign = Files.createDirectories(dir.resolve("photos"));
        Files.writeString(foreign.resolve("cat.jpg"), "not a model");
        assertRefused(foreign, "not a recurrent4j model directory", "sentiment.properties (sentiment)");

        Path mixed = TinyModels.charRnn(dir.resolve("mixed"));
        Files.writeString(mixed.resolve(CharRnnCommand.VOCABULARY_FILE), "", StandardCharsets.UTF_8);
        assertRefused(mixed, "not a usable char-rnn model");

        assertRefused(dir.resolve("nowhere"), "no such directory");
    }

    private static void assertRefused(Path model, String... expected) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Recurrent4jCli.run(
                new String[] {"serve", "--port", "0", "--model", model.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String message = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, status, message);
        assertEquals(1, message.strip().lines().count(), message);
        assertTrue(message.startsWith("recurrent4j: error: --model " + model), message);
        for (String part : expected) {
            assertTrue(message.contains(part), "'" + part + "' not in: " + message);
        }
        assertFalse(out.toString(StandardCharsets.UTF_8).contains("serving at"));
    }
}
