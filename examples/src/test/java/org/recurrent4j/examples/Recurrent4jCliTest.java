package org.recurrent4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recurrent4j.examples.charrnn.CharRnnCommand;
import org.recurrent4j.examples.charrnn.TextCorpus;
import org.recurrent4j.examples.diagnostics.CurvesChart;
import org.recurrent4j.training.LearningCurves;

/** The command line as a person uses it: results on stdout, one-line errors, exit codes. */
class Recurrent4jCliTest {

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Recurrent4jCli.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static void assertOneLineError(Run r, String... mustContain) {
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
    void aTextTooShortForOneTrainingWindowIsAOneLineError(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("short.txt");
        Files.writeString(file, "to be or not to be, that is the question");
        assertOneLineError(
                run("char-rnn", "train", "--text", file.toString(), "--seq-length", "40", "--out", dir.toString()),
                "the text has 40 characters, 36 of them in its first 90%",
                "needs at least 41",
                "--seq-length");
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
    void seq2seqTrainsAndReportsHeldOutExactMatch(@TempDir Path dir) {
        Run r = run(
                "seq2seq",
                "--out",
                dir.toString(),
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
        assertOneLineError(run("char-rnn", "--batch", "0"), "--batch must be between 1 and 8192, got 0");
        assertOneLineError(run("char-rnn", "train", "--minutes", "-1"), "--minutes must be between 0 and 1440, got -1");
        assertOneLineError(run("char-rnn", "sample", "--model", "m", "--top-p", "2"), "--top-p", "got 2.0");
        assertOneLineError(run("char-rnn", "--cell", "transformer"), "--cell", "transformer", "qrnn");
        assertOneLineError(run("seq2seq", "--task", "sorting"), "--task", "sorting");
        assertOneLineError(run("seq2seq", "--context", "sometimes"), "--context", "sometimes");
        assertOneLineError(run("seq2seq", "decode", "--beam", "3"), "--model");
        assertOneLineError(run("char-rnn", "--text"), "--text");
        assertOneLineError(run("frobnicate"), "frobnicate");
        assertOneLineError(run("char-rnn", "frobnicate"), "frobnicate");
        assertOneLineError(run(), "missing command", "char-rnn");
    }

    @Test
    void aMissingModelIsAOneLineErrorNamingTheFile(@TempDir Path dir) {
        assertOneLineError(run("char-rnn", "sample", "--model", dir.toString()), "--model", CharRnnCommand.MODEL_FILE);
        assertOneLineError(run("seq2seq", "decode", "--model", dir.toString(), "1+2"), "task.properties");
        assertOneLineError(run("sentiment", "predict", "--model", dir.toString(), "fine"), "sentiment.properties");
    }

    @Test
    void everyCommandHasHelp() {
        List<List<String>> commands = List.of(
                List.of(),
                List.of("char-rnn"),
                List.of("char-rnn", "train"),
                List.of("char-rnn", "sample"),
                List.of("sentiment"),
                List.of("sentiment", "train"),
                List.of("sentiment", "eval"),
                List.of("sentiment", "predict"),
                List.of("seq2seq"),
                List.of("seq2seq", "train"),
                List.of("seq2seq", "decode"),
                List.of("timeseries"),
                List.of("timeseries", "classify"),
                List.of("timeseries", "forecast"),
                List.of("tree-induction"),
                List.of("jshell"),
                List.of("long-range-study"));
        for (List<String> command : commands) {
            List<String> args = new ArrayList<>(command);
            args.add("--help");
            Run help = run(args.toArray(String[]::new));
            assertEquals(0, help.code(), command + ": " + help.err());
            assertTrue(help.out().startsWith("Usage: recurrent4j"), command + ": " + help.out());
            assertTrue(help.out().contains("--help"), command + ": " + help.out());
            assertEquals("", help.err(), command.toString());
        }
        assertTrue(run("char-rnn", "--help").out().contains("--minutes=M"));
        assertTrue(run("char-rnn", "--help").out().contains("(default: 3.0)"), "defaults are shown");
        assertTrue(run("sentiment", "predict", "--help").out().contains("[TEXT...]"));
        assertEquals(0, run("help", "seq2seq").code());
    }

    /** Sentences of neutral words and one sentiment word, which decides the label. */
    static List<String[]> sentiment(int count, long seed) {
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

    static Path tsv(Path file, List<String[]> rows) throws Exception {
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
                "train",
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

        assertFalse(r.out().contains("some dev texts"), "train only trains and saves: " + r.out());
        LearningCurves curves = LearningCurves.read(out.resolve(CurvesChart.CSV));
        assertEquals(List.of("dev_loss", "dev_accuracy"), curves.metrics());
        assertEquals(
                1 + 4,
                Arrays.stream(curves.column("dev_accuracy"))
                        .filter(Double::isFinite)
                        .count(),
                "the untrained network and each epoch measured: " + curves.csv());

        Run predicted = run("sentiment", "predict", "--model", out.toString(), "The plot was superb .", "awful film");
        assertEquals(0, predicted.code(), predicted.err());
        List<String> lines = predicted.out().lines().toList();
        assertEquals(2, lines.size(), predicted.out());
        assertTrue(lines.get(0).matches("positive\t(0\\.[5-9]|1\\.0)[0-9]*\tThe plot was superb \\."), lines.get(0));
        assertTrue(lines.get(1).startsWith("negative\t"), lines.get(1));

        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream("a great film\n".getBytes(StandardCharsets.UTF_8)));
            Run piped = run("sentiment", "predict", "--model", out.toString());
            assertTrue(piped.out().startsWith("positive\t"), piped.out() + piped.err());
        } finally {
            System.setIn(stdin);
        }

        Run evaluated = run("sentiment", "eval", "--model", out.toString(), "--dev", dev.toString());
        assertEquals(0, evaluated.code(), evaluated.err());
        assertTrue(evaluated.out().contains("on 200 texts"), evaluated.out());
    }

    @Test
    void trainsABidirectionalPooledSentimentClassifier(@TempDir Path dir) throws Exception {
        Path train = tsv(dir.resolve("train.tsv"), sentiment(600, 1));
        Path dev = tsv(dir.resolve("dev.tsv"), sentiment(200, 2));
        Path out = dir.resolve("model");
        Run r = run(
                "sentiment",
                "train",
                "--train",
                train.toString(),
                "--dev",
                dev.toString(),
                "--out",
                out.toString(),
                "--epochs",
                "3",
                "--embedding",
                "8",
                "--hidden",
                "12",
                "--batch",
                "32",
                "--lr",
                "0.02",
                "--min-count",
                "1",
                "--pooling",
                "max",
                "--bidirectional",
                "--dropout",
                "0.1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("bidirectional recurrent4j gru(12) -> max pooling"), r.out());
        String last = r.out()
                .lines()
                .filter(l -> l.startsWith("epoch 3:"))
                .findFirst()
                .orElseThrow();
        double accuracy = Double.parseDouble(last.replaceAll(".*dev accuracy ([0-9.]+).*", "$1"));
        assertTrue(accuracy > 0.9, "dev accuracy " + accuracy + " (chance 0.5): " + r.out());

        Run evaluated = run("sentiment", "eval", "--model", out.toString(), "--dev", dev.toString());
        assertEquals(0, evaluated.code(), evaluated.err());
        double reloaded = Double.parseDouble(evaluated.out().replaceAll("(?s).*accuracy ([0-9.]+) on.*", "$1"));
        assertEquals(accuracy, reloaded, 1e-4, "the saved model scores as the trained one: " + evaluated.out());
        Run predicted = run("sentiment", "predict", "--model", out.toString(), "The plot was superb .", "awful film");
        assertEquals(0, predicted.code(), predicted.err());
        List<String> lines = predicted.out().lines().toList();
        assertTrue(lines.get(0).startsWith("positive\t"), predicted.out());
        assertTrue(lines.get(1).startsWith("negative\t"), predicted.out());

        assertOneLineError(run("sentiment", "--pooling", "median"), "--pooling", "median");
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
        assertTrue(help.out().contains("--text=FILE"), help.out());
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
        assertTrue(r.out().contains("trained to step 4 in"), r.out());
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
    void trainsThenSamplesFromTheSavedModel(@TempDir Path dir) throws Exception {
        Path text = Files.writeString(dir.resolve("text.txt"), "abc abd abe abf ".repeat(60));
        Path out = dir.resolve("model");
        Run trained = run(
                "char-rnn",
                "train",
                "--text",
                text.toString(),
                "--out",
                out.toString(),
                "--steps",
                "3",
                "--hidden",
                "8",
                "--layers",
                "1",
                "--seq-length",
                "20",
                "--tbptt",
                "10",
                "--batch",
                "4");
        assertEquals(0, trained.code(), trained.err());
        assertFalse(trained.out().contains("---- sample"), "train does not sample: " + trained.out());
        assertTrue(trained.out().contains("held-out loss (the whole last 10% of the text)"), trained.out());
        List<String> curves = Files.readAllLines(out.resolve(CurvesChart.CSV));
        assertEquals("step,seconds,train_loss,heldout_loss", curves.get(0));
        assertTrue(curves.get(curves.size() - 1).startsWith("3,"), curves.toString());
        assertTrue(Files.size(out.resolve(CurvesChart.PNG)) > 0);

        String[] sample = {
            "char-rnn", "sample", "--model", out.toString(), "--length", "25", "--prime", "ab", "--seed", "5"
        };
        Run sampled = run(sample);
        assertEquals(0, sampled.code(), sampled.err());
        String generated = sampled.out().lines().skip(1).findFirst().orElseThrow();
        assertTrue(generated.startsWith("ab") && generated.length() <= 27, sampled.out());
        assertTrue(generated.chars().allMatch(c -> "abcdef ".indexOf(c) >= 0), generated);
        assertEquals(sampled.out(), run(sample).out(), "the same seed samples the same text");
        assertOneLineError(run("char-rnn", "sample", "--model", out.toString(), "--prime", "xyz"), "--prime", "'x'");
    }

    @Test
    void seq2seqTrainsThenDecodesFromTheSavedModel(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("model");
        Run trained = run(
                "seq2seq",
                "train",
                "--hidden",
                "8",
                "--steps",
                "2",
                "--batch",
                "8",
                "--test",
                "4",
                "--report-every",
                "1",
                "--out",
                out.toString());
        assertEquals(0, trained.code(), trained.err());
        assertEquals(
                List.of(1L, 2L),
                Arrays.stream(LearningCurves.read(out.resolve(CurvesChart.CSV)).steps())
                        .boxed()
                        .toList(),
                "measured after each of the two steps");

        Run decoded = run("seq2seq", "decode", "--model", out.toString(), "--beam", "2", "12+345", "7+8");
        assertEquals(0, decoded.code(), decoded.err());
        List<String> lines = decoded.out().lines().toList();
        assertEquals(2, lines.size(), decoded.out());
        assertTrue(lines.get(0).startsWith("12+345 → "), lines.get(0));
        assertTrue(lines.get(1).startsWith("7+8 → "), lines.get(1));
        assertOneLineError(run("seq2seq", "decode", "--model", out.toString(), "12-3"), "12-3");
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
