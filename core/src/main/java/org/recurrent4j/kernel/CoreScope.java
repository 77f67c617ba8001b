package org.recurrent4j.kernel;

/**
 * A stretch of work in which the calling thread drives every core itself: inside it, {@link
 * Blas#gemm} splits each product of enough work into one block of rows (or columns) per core on
 * {@link RowParallel}'s threads, and the direct path's OpenBLAS runs single-threaded.
 *
 * <p>Why: a recurrent pass is a sequence of small products (one per step, {@code [G·H × H] · [H ×
 * B]}) between element-wise loops that already run on every core. OpenBLAS threads each small
 * product itself, and on two cores its threads and the loop's take turns badly: the per-step
 * products of an LSTM at batch 32, H 256 ran 1.4× (H 512: 1.6×) slower that way than split into
 * one single-threaded product per core (docs/benchmarks.md). The layers open a scope for each pass; the
 * count of open scopes is process-wide, and OpenBLAS goes back to its thread count when the last
 * one closes, so that other code (DL4J's own layers, between the passes) keeps multi-threaded BLAS.
 * While a scope is open anywhere, a product called from another thread runs single-threaded: with
 * several networks in parallel (DL4J's {@code ParallelInference}), which is what they need anyway.
 *
 * <pre>{@code
 * try (CoreScope scope = CoreScope.open()) {
 *     ... Blas.gemm(...) ... RowParallel.run(...) ...
 * }
 * }</pre>
 */
public final class CoreScope implements AutoCloseable {

    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);
    private static int open;

    private final GemmKernel kernel;
    private boolean closed;

    private CoreScope(GemmKernel kernel) {
        this.kernel = kernel;
    }

    /** Opens a scope on the calling thread (scopes nest). */
    public static CoreScope open() {
        GemmKernel kernel = KernelPath.gemm();
        synchronized (CoreScope.class) {
            if (open++ == 0) {
                kernel.threads(1);
            }
        }
        DEPTH.get()[0]++;
        return new CoreScope(kernel);
    }

    /** Whether the calling thread is inside a scope. */
    static boolean active() {
        return DEPTH.get()[0] > 0;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        DEPTH.get()[0]--;
        synchronized (CoreScope.class) {
            if (--open == 0) {
                kernel.threads(0);
            }
        }
    }
}
