package org.recurrent4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recurrent4j.examples.charrnn.CharRnnCommand;
import org.recurrent4j.examples.charrnn.TextCorpus;

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

    @Test
    void badOptionsAreOneLineErrors() {
        assertOneLineError(run("char-rnn", "--nonsense", "1"), "--nonsense");
        assertOneLineError(run("char-rnn", "--hidden", "many"), "--hidden", "many");
        assertOneLineError(run("char-rnn", "--batch", "0"), "--batch");
        assertOneLineError(run("char-rnn", "--text"), "--text");
        assertOneLineError(run("frobnicate"), "frobnicate");
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
