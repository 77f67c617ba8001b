package org.recurrent4j.kernel;

/**
 * One implementation of {@link Blas#gemm}: OpenBLAS called directly on host memory ({@code
 * OpenBlasGemm}, the direct path) or ND4J's own matrix product on views ({@link Nd4jGemm}, the
 * portable path). An interface, so that naming the direct implementation never loads its class
 * (and OpenBLAS's) where the portable one runs.
 */
interface GemmKernel {

    /** {@code C = alpha · op(A) · op(B) + beta · C}, as {@link Blas#gemm} describes. */
    void gemm(
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
            int ldc);

    /**
     * Sets how many threads the kernel's own BLAS may use for one product: 1 inside a {@link
     * CoreScope}, 0 for the BLAS's own setting. A kernel without threads of its own ignores it.
     */
    default void threads(int count) {}

    /**
     * Whether {@link Blas#gemm} may split this kernel's products over the cores inside a {@link
     * CoreScope}: only where {@link #threads} makes each part single-threaded.
     */
    default boolean splits() {
        return false;
    }
}
