package org.recurrent4j.kernel;

/**
 * Row-major GEMM at element offsets into {@link NativeArray}s: the matrix product a cell calls for
 * its step (directly, or through {@link org.recurrent4j.cell.RecurrentProduct}).
 *
 * <p>{@code C[m×n] = alpha · op(A)[m×k] · op(B)[k×n] + beta · C}, each matrix stored row-major from
 * its offset with the given leading dimension (row stride). It runs on the {@link KernelPath}
 * chosen for the process: OpenBLAS at pointers into host memory (the direct path, ND4J's CPU
 * backend), or ND4J's own {@code Nd4j.gemm} on views (the portable path, any backend). A call costs
 * one field read on top of the product. Inside a {@link CoreScope} (every pass of the recurrent
 * layers), a product of at least {@value #SPLIT_WORK} multiply–adds is split into one block of
 * rows (or of columns, when C is wider than tall) per core, each a single-threaded product. That
 * includes a matrix–vector product (one row or one column: a step at batch 1): it is bound by
 * reading the matrix, and each core reading its half, which then stays in its own cache, took
 * 0.6–0.7× one core's time at 512×512 and 1,024×256 floats, and 0.25–0.3× at 1,536×512 and
 * 2,048×512, whose whole matrix does not fit one core's cache (docs/benchmarks.md).
 *
 * <pre>{@code
 * // a_t[rows, B] += W[rows, H] · h_{t−1}[H, B], both steps of [·, T(+1), B] arrays
 * Blas.gemm(false, false, rows, s.batch, s.hidden, 1.0, w, 0, s.hidden,
 *         s.h, s.stateAt(0, t), s.stateStride(), 1.0, s.gatesAndGradients, s.sequenceAt(0, t), s.sequenceStride());
 * }</pre>
 */
public final class Blas {

    /**
     * Below this many multiply–adds ({@code m·n·k}) a product inside a {@link CoreScope} runs on
     * the calling thread: handing half of it to another core costs more than it saves.
     */
    static final long SPLIT_WORK = 1L << 17;

    private Blas() {}

    /**
     * Whether {@link #gemm} would split a product of this size across the cores when called here:
     * a caller with work of its own on the same rows (a cell's element-wise step after its product)
     * can then split both together, one block of rows per core, and hand work over once, not twice.
     */
    public static boolean splits(int m, int n, int k) {
        return splits(KernelPath.gemm(), m, n, k);
    }

    private static boolean splits(GemmKernel kernel, int m, int n, int k) {
        return (long) m * n * k >= SPLIT_WORK && kernel.splits() && CoreScope.active();
    }

    /** {@code C = alpha · op(A) · op(B) + beta · C}; {@code op(X)} is {@code X} or its transpose. */
    public static void gemm(
            boolean transA,
            boolean transB,
            int m,
            int n,
            int k,
            double alpha,
            NativeArray a,
            long aOffset,
            int lda,
            NativeArray b,
            long bOffset,
            int ldb,
            double beta,
            NativeArray c,
            long cOffset,
            int ldc) {
        GemmKernel kernel = KernelPath.gemm();
        if (!splits(kernel, m, n, k)) {
            kernel.gemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
        } else {
            // One block per core: rows of C (rows of A, or columns of its stored transpose) when C
            // is taller than wide, else columns of C (columns of B, or rows of its stored transpose).
            boolean byRows = m >= n;
            RowParallel.split(
                    byRows ? m : n,
                    (from, to) -> kernel.gemm(
                            transA,
                            transB,
                            byRows ? to - from : m,
                            byRows ? n : to - from,
                            k,
                            alpha,
                            a,
                            aOffset + (byRows ? (transA ? from : (long) from * lda) : 0),
                            lda,
                            b,
                            bOffset + (byRows ? 0 : (transB ? (long) from * ldb : from)),
                            ldb,
                            beta,
                            c,
                            cOffset + (byRows ? (long) from * ldc : from),
                            ldc));
        }
    }
}
