package org.recurrent4j.examples.jshell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.recurrent4j.examples.Recurrent4jCli;

/**
 * Every JShell notebook in {@code examples/jshell} runs to its end with all its checks passing, in
 * a JVM started like this one (the test class path, the same heap and ND4J settings); and the
 * runner fails on a false check, a snippet that does not compile, an unresolved reference and an
 * early exit, so a notebook cannot pass by accident.
 */
class NotebooksTest {

    /** The notebooks' directory: surefire runs in the module's directory, {@code examples}. */
    private static final Path NOTEBOOKS = Path.of("jshell");

    static Stream<Path> notebooks() throws IOException {
        try (Stream<Path> files = Files.list(NOTEBOOKS)) {
            return files.filter(p -> p.toString().endsWith(".jsh")).sorted().toList().stream();
        }
    }

    private record Run(NotebookRunner.Result result, String out, String err) {}

    private static Run run(List<String> options, Path notebook) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        NotebookRunner.Result result = new NotebookRunner(
                        options,
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8))
                .run(notebook);
        return new Run(result, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theNotebooksAreThere() {
        assertEquals(
                List.of(
                        "image-captioning",
                        "rnn-over-images",
                        "rnn-step-by-hand",
                        "sample-char-rnn",
                        "structures",
                        "training-run",
                        "vanishing-gradients"),
                NotebookCommand.names(NOTEBOOKS));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notebooks")
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void runsToTheEndWithEveryCheckPassing(Path notebook) throws IOException {
        long start = System.nanoTime();
        Run r = run(NotebookRunner.optionsLikeThisJvm(), notebook);
        // The notebook's own output, for the test log: its tables and results.
        System.out.printf(
                "---- %s (%.0f s) ----%n%s%s",
                notebook.getFileName(), (System.nanoTime() - start) / 1e9, r.out(), r.err());
        assertTrue(r.result().passed(), notebook + ": " + r.result().failure() + "\n" + r.out() + r.err());
        assertTrue(r.out().contains("ok: "), notebook + " ran no check:\n" + r.out());
        assertFalse(r.out().contains("CHECK FAILED"), r.out());
    }

    /** A script with the notebooks' check helper, then the given lines, then a line that must not run. */
    private static Run runScript(Path dir, String... lines) throws IOException {
        Path file = dir.resolve("broken.jsh");
        String source = String.join(
                "\n",
                "void check(boolean ok, String what) {",
                "    if (!ok) {",
                "        throw new AssertionError(\"CHECK FAILED: \" + what);",
                "    }",
                "    System.out.println(\"ok: \" + what);",
                "}",
                String.join("\n", lines),
                "System.out.println(\"reached the end\");",
                "");
        Files.writeString(file, source);
        // No class path: these scripts need only the JDK, and the JVM starts faster without it.
        return run(List.of(), file);
    }

    private static void assertFailsAt(Run r, String expected) {
        assertFalse(r.result().passed(), "the runner passed a broken script:\n" + r.out());
        assertTrue(
                r.result().failure().contains(expected),
                "failure should say " + expected + ": " + r.result().failure());
        assertFalse(r.out().contains("reached the end"), "the runner went on after the failure:\n" + r.out());
    }

    @Test
    void aFalseCheckFailsTheRun(@TempDir Path dir) throws IOException {
        Run r = runScript(dir, "int answer = 41;", "check(answer == 42, \"the answer\");");
        assertFailsAt(r, "broken.jsh:8: threw java.lang.AssertionError: CHECK FAILED: the answer");
    }

    @Test
    void aSnippetThatDoesNotCompileFailsTheRun(@TempDir Path dir) throws IOException {
        assertFailsAt(runScript(dir, "String s = 42;"), "broken.jsh:7: does not compile");
    }

    @Test
    void aMethodWithAnUndefinedReferenceFailsTheRun(@TempDir Path dir) throws IOException {
        assertFailsAt(runScript(dir, "double f() { return notDefinedAnywhere(); }"), "refers to something not defined");
    }

    @Test
    void exitingBeforeTheEndFailsTheRun(@TempDir Path dir) throws IOException {
        assertFailsAt(runScript(dir, "System.exit(0);"), "exited before the end");
    }

    @Test
    void anUnfinishedSnippetFailsTheRun(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("unfinished.jsh");
        Files.writeString(file, "int x = 1;\nint y = (x +\n");
        assertFailsAt(run(List.of(), file), "ends inside an unfinished snippet");
    }

    @Test
    void anUnknownNotebookIsAOneLineErrorWithExitCode2() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Recurrent4jCli.run(
                new String[] {"jshell", "no-such-notebook"},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String message = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, code, message);
        assertEquals(1, message.lines().count(), message);
        assertTrue(message.startsWith("recurrent4j: error: unknown notebook 'no-such-notebook'"), message);
    }

    @Test
    void theCommandLineHelpNamesTheJshellCommand() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Recurrent4jCli.run(
                new String[] {"help"},
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("jshell [NOTEBOOK]"), out.toString());
    }
}
