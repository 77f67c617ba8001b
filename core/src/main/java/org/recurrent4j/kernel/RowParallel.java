package org.recurrent4j.kernel;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/**
 * Runs a loop over independent rows (hidden units) on all cores: a cell's element-wise loop, and,
 * inside a {@link CoreScope}, the blocks of {@link Blas#gemm}'s products (one single-threaded product
 * per core). Small loops run on the calling thread, where splitting costs more than it saves.
 */
public final class RowParallel {

    /** A loop over rows {@code [from, to)}. */
    @FunctionalInterface
    public interface Rows {
        void run(int from, int to);
    }

    /** Below this many elements ({@code rows × columns}) a loop runs on one thread. */
    public static final int MIN_ELEMENTS = 8192;

    private static final int THREADS = Runtime.getRuntime().availableProcessors();

    private RowParallel() {}

    /**
     * Runs {@code body} over {@code [0, rows)}, split into one contiguous chunk per core when the
     * loop has at least {@link #MIN_ELEMENTS} elements.
     *
     * @param columns the elements per row, to judge whether splitting pays
     */
    public static void run(int rows, long columns, Rows body) {
        if (rows * columns < MIN_ELEMENTS) {
            body.run(0, rows);
            return;
        }
        split(rows, body);
    }

    /**
     * Runs {@code body} over {@code [0, rows)} in one contiguous chunk per core, whatever the size;
     * on the calling thread alone when it is itself one of the pool's workers (a loop inside a
     * chunk of another), where waiting on the pool would only queue behind the outer loop.
     */
    static void split(int rows, Rows body) {
        int chunks = Math.min(THREADS, rows);
        if (chunks < 2 || ForkJoinTask.inForkJoinPool()) {
            body.run(0, rows);
            return;
        }
        ForkJoinTask<?>[] others = new ForkJoinTask<?>[chunks - 1];
        for (int c = 1; c < chunks; c++) {
            int from = (int) ((long) rows * c / chunks);
            int to = (int) ((long) rows * (c + 1) / chunks);
            others[c - 1] = ForkJoinPool.commonPool().submit(() -> body.run(from, to));
        }
        body.run(0, (int) ((long) rows / chunks));
        for (ForkJoinTask<?> task : others) {
            task.join();
        }
    }
}
