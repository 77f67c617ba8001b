package org.recurrent4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recurrent4j.examples.charrnn.CharRnnCommand;
import org.recurrent4j.examples.charrnn.TextCorpus;
import org.recurrent4j.examples.sentiment.SentimentCommand;
import org.recurrent4j.examples.sentiment.SentimentModel;
import org.recurrent4j.text.WordVocabulary;

/** The command line as a person uses it: results on stdout, one-line errors, exit codes. */
class Recurrent4jCliTest {

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

    private static void assertOneLineError(Run r, String... mustContain) {
        assertEquals(2, r.code(), r.err());
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.size(), "one line, no stack trace: " + r.err());
        assertTrue(lines.get(0).startsWith("recurrent4j: error: "), r.err());
        for (String s : mustContain) {
            assertTrue(lines.get(0).contains(s), "error should mention " + s + ": " + r.err());
        }
    }

    @Test
    void missingTextFileIsAOneLineErrorNamingThePath(@TempDir Path dir) {
        Path missing = dir.resolve("no-such-file.txt");
        assertOneLineError(run("char-rnn", "--text", missing.toString()), missing.toString(), "--text");
    }

    @Test
    void textThatIsNotUtf8IsAOneLineErrorWithTheOffset(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("latin1.txt");
        Files.write(file, new byte[] {'a', 'b', 'c', (byte) 0xE9, 'd'});
        assertOneLineError(run("char-rnn", "--text", file.toString()), "UTF-8", "byte offset 3");
    }

    @Test
    void dataSetMistakesAreOneLineErrors(@TempDir Path cache) throws Exception {
        assertOneLineError(run("char-rnn", "--dataset", "wikipedia"), "unknown data set \"wikipedia\"");
        assertOneLineError(run("char-rnn", "--text", "a.txt", "--dataset", "tinyshakespeare"), "--text", "--dataset");
        String before = System.getProperty("recurrent4j.data.dir");
        try {
            System.setProperty("recurrent4j.data.dir", cache.toString());
            Path cached = cache.resolve("tinyshakespeare/input.txt");
            Files.createDirectories(cached.getParent());
            Files.writeString(cached, "not the real file");
            assertOneLineError(run("char-rnn", "--dataset", "tinyshakespeare"), cached.toString(), "SHA-256 mismatch");
        } finally {
            if (before == null) {
                System.clearProperty("recurrent4j.data.dir");
            } else {
                System.setProperty("recurrent4j.data.dir", before);
            }
        }
    }

    /** A tiny seq2seq run prints its held-out scores and an example (the learning is tested in datavec's arch tests). */
    @Test
    void seq2seqTrainsAndReportsHeldOutExactMatch() {
        Run r = run(
                "seq2seq",
                "--task",
                "reverse",
                "--hidden",
                "8",
                "--steps",
                "3",
                "--batch",
                "8",
                "--test",
                "5",
                "--report-every",
                "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("step      2") && r.out().contains("step      3"), r.out());
        assertTrue(r.out().contains("held-out exact match after 3 steps: greedy"), r.out());
        assertTrue(r.out().contains("example: "), r.out());
    }

    @Test
    void badOptionsAreOneLineErrors() {
        assertOneLineError(run("char-rnn", "--nonsense", "1"), "--nonsense");
        assertOneLineError(run("char-rnn", "--hidden", "many"), "--hidden", "many");
        assertOneLineError(run("char-rnn", "--batch", "0"), "--batch");
        assertOneLineError(run("char-rnn", "--cell", "transformer"), "--cell", "transformer", "qrnn");
        assertOneLineError(run("seq2seq", "--task", "sorting"), "--task", "sorting");
        assertOneLineError(run("seq2seq", "--context", "sometimes"), "--context", "SOMETIMES");
        assertOneLineError(run("char-rnn", "--text"), "--text");
        assertOneLineError(run("frobnicate"), "frobnicate");
    }

    /** Sentences of neutral words and one sentiment word, which decides the label. */
    private static List<String[]> sentiment(int count, long seed) {
        String[] neutral = {"the", "film", "plot", "was", "a", "story", "and", "cast", "it", "scenes"};
        String[] positive = {"superb", "moving", "great", "fine"};
        String[] negative = {"dull", "awful", "boring", "poor"};
        Random random = new Random(seed);
        List<String[]> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            boolean good = random.nextBoolean();
            int length = 3 + random.nextInt(8);
            int at = random.nextInt(length);
            StringBuilder sb = new StringBuilder();
            for (int w = 0; w < length; w++) {
                String[] pool = w == at ? (good ? positive : negative) : neutral;
                sb.append(w == 0 ? "" : " ").append(pool[random.nextInt(pool.length)]);
            }
            rows.add(new String[] {sb.append(" .").toString(), good ? "1" : "0"});
        }
        return rows;
    }

    private static Path tsv(Path file, List<String[]> rows) throws Exception {
        StringBuilder sb = new StringBuilder("sentence\tlabel\n");
        rows.forEach(r -> sb.append(r[0]).append('\t').append(r[1]).append('\n'));
        return Files.writeString(file, sb.toString());
    }

    @Test
    void trainsASentimentClassifierOnTsvFilesAndSavesIt(@TempDir Path dir) throws Exception {
        Path train = tsv(dir.resolve("train.tsv"), sentiment(600, 1));
        Path dev = tsv(dir.resolve("dev.tsv"), sentiment(200, 2));
        Path out = dir.resolve("model");
        Run r = run(
                "sentiment",
                "--train",
                train.toString(),
                "--dev",
                dev.toString(),
                "--out",
                out.toString(),
                "--epochs",
                "4",
                "--embedding",
                "8",
                "--hidden",
                "16",
                "--batch",
                "32",
                "--learning-rate",
                "0.02",
                "--min-count",
                "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("600 training and 200 dev texts"), r.out());
        String last = r.out()
                .lines()
                .filter(l -> l.startsWith("epoch 4:"))
                .findFirst()
                .orElseThrow();
        double accuracy = Double.parseDouble(last.replaceAll(".*dev accuracy ([0-9.]+).*", "$1"));
        assertTrue(accuracy > 0.9, "dev accuracy " + accuracy + " (chance 0.5): " + r.out());

        MultiLayerNetwork loaded = ModelSerializer.restoreMultiLayerNetwork(
                out.resolve(SentimentCommand.MODEL_FILE).toFile());
        WordVocabulary words = WordVocabulary.load(out.resolve(SentimentCommand.VOCABULARY_FILE));
        double[] good = SentimentModel.predict(loaded, words, "The plot was superb .", 60);
        double[] bad = SentimentModel.predict(loaded, words, "The plot was awful .", 60);
        assertTrue(good[1] > 0.5 && bad[0] > 0.5, Arrays.toString(good) + " " + Arrays.toString(bad));
    }

    @Test
    void readsAFolderPerLabelLayout(@TempDir Path dir) throws Exception {
        for (String part : List.of("train", "test")) {
            List<String[]> rows = sentiment(part.equals("train") ? 80 : 20, part.length());
            for (int i = 0; i < rows.size(); i++) {
                Path file = dir.resolve(part)
                        .resolve(rows.get(i)[1].equals("1") ? "pos" : "neg")
                        .resolve(i + ".txt");
                Files.createDirectories(file.getParent());
                Files.writeString(file, rows.get(i)[0]);
            }
        }
        Run r = run(
                "sentiment",
                "--train",
                dir.resolve("train").toString(),
                "--dev",
                dir.resolve("test").toString(),
                "--out",
                dir.resolve("model").toString(),
                "--epochs",
                "1",
                "--hidden",
                "8",
                "--min-count",
                "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("80 training and 20 dev texts"), r.out());
    }

    @Test
    void sentimentMistakesAreOneLineErrors(@TempDir Path dir) throws Exception {
        assertOneLineError(run("sentiment", "--dataset", "yelp"), "unknown data set \"yelp\"");
        assertOneLineError(run("sentiment", "--train", "x.tsv"), "--train and --dev go together");
        Path missing = dir.resolve("none.tsv");
        assertOneLineError(
                run("sentiment", "--train", missing.toString(), "--dev", missing.toString()),
                "--train",
                missing.toString());
        Path bad = Files.writeString(dir.resolve("bad.tsv"), "sentence\tlabel\ngood film\t1\nmeh\tneutral\n");
        assertOneLineError(
                run("sentiment", "--train", bad.toString(), "--dev", bad.toString()),
                bad + ":3: unknown label \"neutral\"");
    }

    @Test
    void helpAndUsage() {
        Run help = run("char-rnn", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("--text FILE"), help.out());
        assertEquals(2, run().code());
        assertEquals(0, run("help").code());
    }

    @Test
    void trainsSamplesAndSavesFromTheCommandLine(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("text.txt");
        Files.writeString(text, "abc abd abe abf ".repeat(60));
        Path out = dir.resolve("model");
        Run r = run(
                "char-rnn",
                "--text",
                text.toString(),
                "--out",
                out.toString(),
                "--steps",
                "4",
                "--hidden",
                "16",
                "--layers",
                "1",
                "--seq-length",
                "20",
                "--tbptt",
                "10",
                "--batch",
                "4",
                "--sample-length",
                "30");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("corpus: " + text.toAbsolutePath()), r.out());
        assertTrue(r.out().contains("trained 4 steps"), r.out());
        assertTrue(
                r.out()
                        .contains("saved model: "
                                + out.resolve(CharRnnCommand.MODEL_FILE).toAbsolutePath()),
                r.out());
        assertTrue(Files.size(out.resolve(CharRnnCommand.MODEL_FILE)) > 0);
        assertTrue(Files.readString(out.resolve(CharRnnCommand.VOCABULARY_FILE))
                .startsWith("recurrent4j-char-vocabulary 1"));
        assertFalse(r.err().contains("Exception"), r.err());
    }

    @Test
    void theEmbeddedCorpusIsTheProjectsOwnSource() throws Exception {
        TextCorpus corpus = TextCorpus.embedded();
        assertTrue(corpus.text().contains("public class CellLoopLayer"), "the core sources are in the corpus");
        assertTrue(corpus.characters() > 50_000, "corpus size " + corpus.characters());
    }

    @Test
    void ciRunsTheReadmesTestCommand() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        String readme = Files.readString(root.resolve("README.md"));
        List<String> ci = Files.readAllLines(root.resolve(".ci/run"));
        String command = ci.get(ci.size() - 1).trim();
        assertEquals("./mvnw -B verify", command);
        assertTrue(readme.contains("\n" + command + "\n"), "README shows the test command " + command);
        assertTrue(readme.contains("\n./recurrent4j char-rnn\n"), "README shows the main command");
    }
}
