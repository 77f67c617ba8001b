package org.recurrent4j.interop.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.jqwik.api.statistics.Statistics;
import org.recurrent4j.interop.InteropException;

/**
 * Runs a reader on a damaged model file and sorts what happened: a result, or the one documented
 * error, an {@link InteropException} whose message names the file, and nothing else: not a hang
 * (each run has a time limit), an {@link OutOfMemoryError} or any other exception leaking out.
 */
public final class FileFuzz {

    /** The longest one read may take (generous: the machine may be busy). */
    static final long TIME_LIMIT_SECONDS = 30;

    private static final ExecutorService RUNNER = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "interop-fuzz");
        t.setDaemon(true);
        return t;
    });

    private FileFuzz() {}

    /** Writes {@code bytes} to a new file named {@code name} in a new temporary folder. */
    public static Path write(String name, byte[] bytes) {
        try {
            Path dir = Files.createTempDirectory("recurrent4j-interop-fuzz");
            return Files.write(dir.resolve(name), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes a file {@link #write} made and its folder. */
    public static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
            Files.deleteIfExists(file.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs {@code read} on {@code file} within the time limit and counts the outcome for jqwik's
     * statistics ("read" or "refused").
     *
     * @throws AssertionError for a hang, an {@code Error}, an undocumented exception, or an error
     *     that does not name the file
     */
    public static void check(Path file, Callable<?> read) {
        Future<?> future = RUNNER.submit(read);
        try {
            future.get(TIME_LIMIT_SECONDS, TimeUnit.SECONDS);
            Statistics.label("outcome").collect("read");
            requireBothOutcomes();
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new AssertionError("no answer within " + TIME_LIMIT_SECONDS + " s: a hang");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (!(cause instanceof InteropException)) {
                throw new AssertionError("an undocumented failure: " + cause, cause);
            }
            if (cause.getMessage() == null || !cause.getMessage().contains(file.toString())) {
                throw new AssertionError("the error does not name " + file + ": " + cause.getMessage(), cause);
            }
            Statistics.label("outcome").collect("refused");
            requireBothOutcomes();
        }
    }

    /**
     * Over all tries of a property, at least 5% of the damaged files must be read and 5% refused: a
     * fuzz whose files are all refused (or all read) tests one path only.
     */
    private static void requireBothOutcomes() {
        Statistics.label("outcome").coverage(coverage -> {
            coverage.check("read").percentage(p -> p >= 5);
            coverage.check("refused").percentage(p -> p >= 5);
        });
    }
}
