package org.recurrent4j.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.PatternSyntaxException;
import net.jqwik.api.statistics.Statistics;

/**
 * Runs a reader on a fuzzed input and sorts what happened: a result, or the documented kind of
 * error — an {@link IOException} or {@link IllegalArgumentException} whose message names the
 * input — and nothing else: not a hang (each run has a time limit), an {@link OutOfMemoryError},
 * or an unrelated exception such as a {@link NullPointerException}, an {@link
 * ArrayIndexOutOfBoundsException} or a {@link NumberFormatException} leaking out (which is an
 * {@code IllegalArgumentException} by type, but not a documented error).
 */
public final class Fuzz {

    /** The longest a reader may take on one fuzzed input (generous: the machine may be busy). */
    public static final long TIME_LIMIT_SECONDS = 20;

    private static final ExecutorService RUNNER = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fuzz-run");
        t.setDaemon(true);
        return t;
    });

    private Fuzz() {}

    /** What a run gave: a value, or a documented error. */
    public record Outcome<T>(T value, Exception error) {
        public boolean succeeded() {
            return error == null;
        }
    }

    /**
     * Runs {@code action} within the time limit.
     *
     * @param mustName what a documented error's message must contain (the input's file name)
     * @throws AssertionError for a hang, an {@code Error} or an undocumented exception, with the
     *     input described by {@code input}
     */
    public static <T> Outcome<T> run(String mustName, Callable<T> action) {
        Future<T> future = RUNNER.submit(action);
        try {
            return new Outcome<>(future.get(TIME_LIMIT_SECONDS, TimeUnit.SECONDS), null);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new AssertionError("no answer within " + TIME_LIMIT_SECONDS + " s: a hang");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (!isDocumented(cause)) {
                throw new AssertionError("an undocumented failure: " + cause, cause);
            }
            if (cause.getMessage() == null || !cause.getMessage().contains(mustName)) {
                throw new AssertionError("the error does not name \"" + mustName + "\": " + cause, cause);
            }
            return new Outcome<>(null, (Exception) cause);
        }
    }

    /**
     * Counts the outcome for jqwik's statistics and requires, over all tries of the property, at
     * least {@code minPercent} of inputs read and of inputs refused: a fuzz whose inputs are all
     * refused (or all read) would test one path only.
     */
    public static void count(Outcome<?> outcome, double minPercent) {
        Statistics.label("outcome").collect(outcome.succeeded() ? "read" : "refused");
        Statistics.label("outcome").coverage(coverage -> {
            coverage.check("read").percentage(p -> p >= minPercent);
            coverage.check("refused").percentage(p -> p >= minPercent);
        });
    }

    /** Whether an exception is of the documented kinds. */
    public static boolean isDocumented(Throwable e) {
        if (e instanceof IOException) {
            return !(e instanceof java.nio.charset.CharacterCodingException) && !(e instanceof UncheckedIOException);
        }
        return e instanceof IllegalArgumentException
                && !(e instanceof NumberFormatException)
                && !(e instanceof PatternSyntaxException)
                && !(e instanceof java.nio.file.InvalidPathException);
    }

    /** The number of lines of a text as the readers count them: split at \n or \r\n, a final empty piece not counted. */
    public static int lines(String text) {
        if (text.isEmpty()) {
            return 0;
        }
        String[] lines = text.split("\r?\n", -1);
        return lines.length - (lines[lines.length - 1].isEmpty() ? 1 : 0);
    }

    /** A fresh temporary folder for one property. */
    public static Path temporaryFolder(String prefix) {
        try {
            return Files.createTempDirectory("recurrent4j-fuzz-" + prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes a folder and what is in it. */
    public static void delete(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
