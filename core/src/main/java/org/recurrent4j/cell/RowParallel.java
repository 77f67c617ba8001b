package org.recurrent4j.cell;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/**
 * Runs a step's element-wise loop over hidden units on all cores: the rows of a step are
 * independent, and with the matrix products already parallel in BLAS, this loop is what is left
 * on one core. Small steps run on the calling thread, where splitting costs more than it saves.
 */
final class RowParallel {

    /** A loop over rows {@code [from, to)}. */
    interface Rows {
        void run(int from, int to);
    }

    /** Below this many elements a step runs on one thread. */
    static final int MIN_ELEMENTS = 8192;

    private static final int THREADS = Runtime.getRuntime().availableProcessors();

    private RowParallel() {}

    static void run(int rows, int columns, Rows body) {
        int chunks = Math.min(THREADS, rows);
        if (chunks < 2 || (long) rows * columns < MIN_ELEMENTS) {
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
