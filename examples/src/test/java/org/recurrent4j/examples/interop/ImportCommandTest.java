package org.recurrent4j.examples.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.recurrent4j.examples.Recurrent4jCli;
import org.recurrent4j.interop.npz.NpzFiles;

/**
 * {@code recurrent4j import}: a model from each framework becomes a model directory with a summary;
 * a Keras classifier with {@code --vocabulary} becomes one that {@code sentiment predict} reads,
 * predicting what Keras predicted; mistakes and bad files are one line with exit code 2, and leave
 * nothing behind.
 */
class ImportCommandTest {

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Recurrent4jCli.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Path fixture(String name) {
        try {
            return Path.of(ImportCommandTest.class
                    .getResource("/fixtures/interop/" + name)
                    .toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertOneLineError(Run r, String... mustContain) {
        assertEquals(2, r.code(), r.out() + r.err());
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.size(), "one line, no stack trace: " + r.err());
        assertTrue(lines.get(0).startsWith("recurrent4j: error: "), r.err());
        for (String s : mustContain) {
            assertTrue(lines.get(0).contains(s), "error should mention " + s + ": " + r.err());
        }
    }

    private static Path vocabulary(Path dir) throws IOException {
        Path words = dir.resolve("words.txt");
        Files.writeString(
                words,
                String.join(
                        "\n",
                        "recurrent4j-word-vocabulary 1",
                        "tokenizer lowercase=true punctuation=STRIP",
                        "<pad>\t0",
                        "<unk>\t0",
                        "good\t5",
                        "bad\t4",
                        "movie\t3",
                        "not\t2",
                        "great\t1",
                        "plot\t1",
                        ""));
        return words;
    }

    @Test
    void aKerasClassifierWithAVocabularyServesSentimentPredictWithKerasPredictions(@TempDir Path dir)
            throws IOException {
        Path out = dir.resolve("imported");
        Run r = run(
                "import",
                "--from",
                "keras",
                fixture("sentiment_classifier.h5").toString(),
                "--out",
                out.toString(),
                "--vocabulary",
                vocabulary(dir).toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("GRU(3, reset_after=false)"), r.out());
        assertTrue(r.out().contains("LastTimeStep(Gru"), r.out());
        assertTrue(r.out().contains("note: Embedding(mask_zero=True)"), r.out());
        for (String f : List.of("model.zip", "import.txt", "import.properties", "words.txt", "sentiment.properties")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        Run predict = run("sentiment", "predict", "--model", out.toString(), "Not a good movie.");
        assertEquals(0, predict.code(), predict.err());
        INDArray keras = NpzFiles.read(fixture("sentiment_classifier.io.npz")).get("y0");
        double p0 = keras.getDouble(0, 0);
        double p1 = keras.getDouble(0, 1);
        String expected =
                String.format("%s\t%.4f\t%s", p1 > p0 ? "positive" : "negative", Math.max(p0, p1), "Not a good movie.");
        assertEquals(expected, predict.out().strip());
    }

    @Test
    void pytorchAndOnnxFilesBecomeModelDirectories(@TempDir Path dir) throws IOException {
        Path torch = dir.resolve("torch");
        Run r = run(
                "import",
                "--from",
                "pytorch",
                fixture("rnn_relu_2layer.safetensors").toString(),
                "--relu",
                "--out",
                torch.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("nn.RNN(relu) layer 1"), r.out());
        MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(
                torch.resolve("model.zip").toFile(), false);
        assertEquals(2, net.getnLayers());
        assertTrue(Files.readString(torch.resolve("import.properties")).contains("source=pytorch"));

        Path onnx = dir.resolve("onnx");
        r = run("import", "--from", "onnx", fixture("gru_initial_state.onnx").toString(), "--out", onnx.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("note: initial state h0"), r.out());
        ComputationGraph graph = ModelSerializer.restoreComputationGraph(
                onnx.resolve("model.zip").toFile(), false);
        assertEquals(List.of("x", "h0"), graph.getConfiguration().getNetworkInputs());
    }

    @Test
    void mistakesAreOneLineAndLeaveNothing(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("never");
        assertOneLineError(
                run(
                        "import",
                        "--from",
                        "pytorch",
                        fixture("bad_lstm_proj_size.pt").toString(),
                        "--out",
                        out.toString()),
                "bad_lstm_proj_size.pt",
                "proj_size");
        assertOneLineError(
                run(
                        "import",
                        "--from",
                        "keras",
                        fixture("rnn_relu_2layer.safetensors").toString(),
                        "--out",
                        out.toString()),
                "rnn_relu_2layer.safetensors",
                "not a Keras .h5 file");
        assertOneLineError(
                run("import", "--from", "onnx", dir.resolve("missing.onnx").toString(), "--out", out.toString()),
                "missing.onnx: no such file");
        assertOneLineError(
                run(
                        "import",
                        "--from",
                        "onnx",
                        fixture("gru_initial_state.onnx").toString(),
                        "--relu",
                        "--out",
                        out.toString()),
                "--from pytorch only");
        assertOneLineError(
                run(
                        "import",
                        "--from",
                        "pytorch",
                        fixture("rnn_relu_2layer.safetensors").toString(),
                        "--out",
                        out.toString(),
                        "--vocabulary",
                        vocabulary(dir).toString()),
                "does not fit 'sentiment predict'");
        assertOneLineError(run("import", "--from", "tensorflow", "x", "--out", out.toString()), "--from");
        assertFalse(Files.exists(out), "nothing written");
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(
                    List.of("words.txt"),
                    left.map(p -> p.getFileName().toString()).toList(),
                    "no temporary directory left");
        }
        Path full = Files.createDirectories(dir.resolve("full"));
        Files.writeString(full.resolve("keep.txt"), "x");
        assertOneLineError(
                run(
                        "import",
                        "--from",
                        "pytorch",
                        fixture("rnn_relu_2layer.safetensors").toString(),
                        "--out",
                        full.toString()),
                "is not empty");
        assertEquals(0, run("import", "--help").code());
    }
}
