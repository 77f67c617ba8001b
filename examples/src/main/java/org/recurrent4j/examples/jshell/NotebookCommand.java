package org.recurrent4j.examples.jshell;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.recurrent4j.examples.cli.HelpOption;
import org.recurrent4j.examples.cli.UsageException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code recurrent4j jshell NOTEBOOK}: runs one of the JShell notebooks ({@code examples/jshell/*.jsh})
 * non-interactively with {@link NotebookRunner}; exit code 0 if every snippet and check passed, 1
 * if one failed. (Without a notebook, the {@code ./recurrent4j} script opens the interactive
 * {@code jshell} tool on the same class path instead.)
 *
 * <p>A notebook is named by its file name without {@code .jsh} (looked up in the directory of the
 * system property {@code recurrent4j.notebooks}, by default {@code examples/jshell} under the
 * working directory, where the launcher runs) or by the path of any {@code .jsh} file.
 */
@Command(
        name = "jshell",
        description = {
            "Runs a notebook of examples/jshell and exits with its status (0: every check passed; 1: a snippet or"
                    + " check failed). Without NOTEBOOK, the ./recurrent4j launcher opens JShell with recurrent4j on"
                    + " the class path."
        })
public final class NotebookCommand implements Callable<Integer> {

    /** The system property naming the notebooks' directory. */
    public static final String DIRECTORY_PROPERTY = "recurrent4j.notebooks";

    private static final String SUFFIX = ".jsh";

    private final PrintStream out;
    private final PrintStream err;

    @Mixin
    private HelpOption help;

    @Parameters(
            arity = "0..1",
            paramLabel = "NOTEBOOK",
            description =
                    "a notebook's name (rnn-step-by-hand, structures, vanishing-gradients, sample-char-rnn, rnn-over-images)"
                            + " or the path of a .jsh file")
    private String notebook;

    /** A notebook runner printing snippets' output to {@code out} and their errors to {@code err}. */
    public NotebookCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws UsageException {
        Path directory = Path.of(System.getProperty(DIRECTORY_PROPERTY, "examples/jshell"));
        if (notebook == null) {
            throw new UsageException("jshell takes one notebook to run (" + known(directory)
                    + "); the ./recurrent4j launcher opens JShell itself when given none");
        }
        Path file = resolve(notebook, directory);
        NotebookRunner.Result result;
        try {
            result = new NotebookRunner(NotebookRunner.optionsLikeThisJvm(), out, err).run(file);
        } catch (IOException e) {
            throw new UsageException("cannot read " + file + ": " + e.getMessage());
        }
        return result.passed() ? 0 : 1;
    }

    /**
     * The notebook file for a name ({@code rnn-step-by-hand}, {@code rnn-step-by-hand.jsh}) in
     * {@code directory}, or a path to a {@code .jsh} file.
     */
    public static Path resolve(String nameOrPath, Path directory) throws UsageException {
        Path asPath = Path.of(nameOrPath);
        if (nameOrPath.endsWith(SUFFIX) && Files.isRegularFile(asPath)) {
            return asPath;
        }
        String file = nameOrPath.endsWith(SUFFIX) ? nameOrPath : nameOrPath + SUFFIX;
        Path inDirectory = directory.resolve(file);
        if (!nameOrPath.contains("/") && Files.isRegularFile(inDirectory)) {
            return inDirectory;
        }
        throw new UsageException(
                "unknown notebook '" + nameOrPath + "' (" + known(directory) + "; or give the path of a .jsh file)");
    }

    private static String known(Path directory) {
        List<String> names = names(directory);
        return names.isEmpty()
                ? "no notebooks in " + directory + ": run from the repository root"
                : "notebooks in " + directory + ": " + String.join(", ", names);
    }

    /** The notebooks' names in a directory, sorted; empty if there is no such directory. */
    public static List<String> names(Path directory) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(SUFFIX))
                    .map(n -> n.substring(0, n.length() - SUFFIX.length()))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
