package org.recurrent4j.examples.jshell;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import jdk.jshell.DeclarationSnippet;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.UnresolvedReferenceException;

/**
 * Runs a JShell script ({@code .jsh}) snippet by snippet through the {@code jdk.jshell} API and
 * stops at the first one that fails.
 *
 * <p>The {@code jshell} tool itself carries on after a snippet that does not compile or throws, and
 * its exit status does not report it: a notebook whose checks fail would look like one that passed. Here every
 * snippet is evaluated on its own and its events inspected; the run fails, naming the line, when a
 * snippet is rejected (a compile error), is declared but not usable (an unresolved reference), or
 * throws (a failed check), or when the notebook's JVM exits early.
 *
 * <p>The snippets run in a separate JVM (JShell's default remote execution), started with the
 * given options: ND4J's native libraries load there exactly as in a plain {@code java} process,
 * and a notebook cannot take the runner's JVM down with it. A notebook prints to {@code out}; the
 * runner's own report of a failure goes to {@code err}.
 */
public final class NotebookRunner {

    /**
     * The outcome of a run.
     *
     * @param passed whether every snippet ran without error
     * @param snippets how many snippets were evaluated (the failing one included)
     * @param failure what went wrong and at which line, or null
     */
    public record Result(boolean passed, int snippets, String failure) {}

    private static final String LOG_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

    private final List<String> remoteOptions;
    private final PrintStream out;
    private final PrintStream err;

    /**
     * @param remoteOptions the options of the JVM the snippets run in (its class path among them:
     *     see {@link #optionsLikeThisJvm()})
     */
    public NotebookRunner(List<String> remoteOptions, PrintStream out, PrintStream err) {
        this.remoteOptions = List.copyOf(remoteOptions);
        this.out = out;
        this.err = err;
    }

    /**
     * Options that start the notebook's JVM like the running one: its class path (entries made
     * absolute), its heap and system-property flags ({@code -Xmx}, {@code -Xss}, {@code -D}: the
     * launcher's and the test runner's settings for ND4J's off-heap memory), and warnings-only
     * logging unless a log level is set.
     */
    public static List<String> optionsLikeThisJvm() {
        List<String> options = new ArrayList<>();
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.isEmpty())
                .map(entry -> Path.of(entry).toAbsolutePath().toString())
                .collect(Collectors.joining(File.pathSeparator));
        options.add("--class-path");
        options.add(classPath);
        boolean logLevel = false;
        for (String argument : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (argument.startsWith("-Xmx") || argument.startsWith("-Xss") || argument.startsWith("-D")) {
                options.add(argument);
                logLevel |= argument.startsWith("-D" + LOG_LEVEL + "=");
            }
        }
        if (!logLevel) {
            options.add("-D" + LOG_LEVEL + "=" + System.getProperty(LOG_LEVEL, "warn"));
        }
        return options;
    }

    /** Runs a notebook file to its end or its first failure. */
    public Result run(Path notebook) throws IOException {
        return run(
                Files.readString(notebook, StandardCharsets.UTF_8),
                notebook.getFileName().toString());
    }

    /**
     * Runs a script's source.
     *
     * @param name how failures name the script
     */
    public Result run(String source, String name) {
        AtomicBoolean exited = new AtomicBoolean();
        try (JShell shell = JShell.builder()
                .in(InputStream.nullInputStream())
                .out(out)
                .err(out)
                .remoteVMOptions(remoteOptions.toArray(String[]::new))
                .build()) {
            shell.onShutdown(s -> exited.set(true));
            SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
            String remaining = source;
            int snippets = 0;
            while (true) {
                // Blanks and comments are skipped here, so that what JShell analyses starts with code.
                int skip = leadingBlank(remaining);
                int line = lineOf(source, source.length() - remaining.length() + skip);
                remaining = remaining.substring(skip);
                if (remaining.isEmpty()) {
                    break;
                }
                SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
                switch (info.completeness()) {
                    case DEFINITELY_INCOMPLETE:
                    case CONSIDERED_INCOMPLETE:
                        return fail(snippets, name, line, "the script ends inside an unfinished snippet");
                    case EMPTY:
                        return fail(snippets, name, line, "JShell finds no snippet in what follows");
                    default:
                        break;
                }
                snippets++;
                String problem = problem(shell, shell.eval(info.source()));
                if (problem == null && exited.get()) {
                    problem = "the notebook's JVM exited before the end of the script";
                }
                if (problem != null) {
                    return fail(snippets, name, line, problem);
                }
                remaining = info.remaining();
            }
            return new Result(true, snippets, null);
        } catch (IllegalStateException e) {
            // JShell throws this when its JVM cannot be started (a bad option) or is gone.
            return fail(0, name, 0, "no JVM to run the notebook in: " + e.getMessage());
        }
    }

    private Result fail(int snippets, String name, int line, String problem) {
        String failure = name + (line > 0 ? ":" + line : "") + ": " + problem;
        err.println("notebook failed: " + failure);
        return new Result(false, snippets, failure);
    }

    /** What went wrong in one snippet's evaluation, or null if nothing did. */
    private String problem(JShell shell, List<SnippetEvent> events) {
        for (SnippetEvent event : events) {
            JShellException exception = event.exception();
            if (exception != null) {
                return describe(exception);
            }
            if (event.causeSnippet() != null) {
                // A consequence for an earlier snippet (e.g. one replaced by a redefinition).
                continue;
            }
            Snippet snippet = event.snippet();
            switch (event.status()) {
                case REJECTED:
                    return "does not compile: "
                            + shell.diagnostics(snippet)
                                    .map(d -> d.getMessage(null))
                                    .collect(Collectors.joining("; "))
                            + " in: " + firstLine(snippet.source());
                case RECOVERABLE_DEFINED:
                case RECOVERABLE_NOT_DEFINED:
                    String missing = snippet instanceof DeclarationSnippet declaration
                            ? String.join(
                                    ", ",
                                    shell.unresolvedDependencies(declaration).toList())
                            : "?";
                    return "refers to something not defined (" + missing + ") in: " + firstLine(snippet.source());
                default:
                    break;
            }
        }
        return null;
    }

    private String describe(JShellException exception) {
        if (exception instanceof UnresolvedReferenceException unresolved) {
            return "calls " + firstLine(unresolved.getSnippet().source()) + ", which refers to something not defined";
        }
        exception.printStackTrace(err);
        String type = exception instanceof EvalException eval
                ? eval.getExceptionClassName()
                : exception.getClass().getName();
        return "threw " + type + (exception.getMessage() == null ? "" : ": " + exception.getMessage());
    }

    private static String firstLine(String source) {
        String trimmed = source.strip();
        int end = trimmed.indexOf('\n');
        return end < 0 ? trimmed : trimmed.substring(0, end) + " ...";
    }

    /** Length of the blanks and comments a text starts with (an unclosed comment runs to the end). */
    private static int leadingBlank(String s) {
        int i = 0;
        while (i < s.length()) {
            if (Character.isWhitespace(s.charAt(i))) {
                i++;
            } else if (s.startsWith("//", i)) {
                int end = s.indexOf('\n', i);
                i = end < 0 ? s.length() : end + 1;
            } else if (s.startsWith("/*", i)) {
                int end = s.indexOf("*/", i + 2);
                i = end < 0 ? s.length() : end + 2;
            } else {
                break;
            }
        }
        return i;
    }

    private static int lineOf(String source, int offset) {
        int line = 1;
        for (int i = 0; i < offset && i < source.length(); i++) {
            if (source.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
