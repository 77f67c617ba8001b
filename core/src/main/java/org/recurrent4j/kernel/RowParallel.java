package org.recurrent4j.kernel;

/**
 * Runs a loop over independent rows (hidden units) on all cores: a cell's element-wise loop, and,
 * inside a {@link CoreScope}, the blocks of {@link Blas#gemm}'s products (one single-threaded product
 * per core), on {@link RowTeam}'s threads. Small loops run on the calling thread, where splitting
 * costs more than it saves.
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
     * Runs {@code body} over {@code [0, rows)} in one contiguous chunk per core, whatever the size,
     * on the calling thread and {@link RowTeam}'s workers; on the calling thread alone while the
     * team is taken (by another thread's loop, or by the loop that this one runs inside).
     */
    public static void split(int rows, Rows body) {
        int chunks = Math.min(THREADS, rows);
        RowTeam team = chunks < 2 ? null : Team.INSTANCE;
        if (team == null || !team.claim()) {
            body.run(0, rows);
            return;
        }
        team.run(rows, chunks, body);
    }

    /** The team, started when a loop first splits. */
    private static final class Team {
        static final RowTeam INSTANCE = new RowTeam(THREADS - 1);
    }
}
