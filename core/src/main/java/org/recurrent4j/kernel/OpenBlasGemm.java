package org.recurrent4j.kernel;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_dgemm;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_dgemv;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemv;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.presets.openblas_nolapack;

/**
 * The direct path's GEMM: straight into OpenBLAS (the BLAS that ND4J's CPU backend itself calls) at
 * pointers into host memory, so a recurrent step's product costs the product and not the creation
 * of ND4J views and ops around it. The only class of recurrent4j that names OpenBLAS; {@link
 * KernelPath} loads it only when the direct path is chosen.
 *
 * <p>A product with one row or one column (a step at batch 1: {@code [G·H × H] · [H × 1]}) goes to
 * GEMV instead: OpenBLAS's GEMM packs both operands into blocks first, which for a matrix–vector
 * product costs 3.5–4× the product itself (a 1024×256 float matrix: 45 µs as GEMM, 13 µs as GEMV,
 * one thread, docs/benchmarks.md).
 */
final class OpenBlasGemm implements GemmKernel {

    /**
     * OpenBLAS's {@code openblas_set_num_threads}, called through its address: the presets'
     * {@code blas_set_num_threads} looks up four symbols on every call (about 200 µs here), this
     * costs a native call (tens of ns).
     */
    private static final class SetThreads extends openblas_nolapack.SetNumThreads {
        SetThreads(Pointer function) {
            super();
            put(function);
        }
    }

    private final SetThreads setThreads;

    OpenBlasGemm() {
        Loader.load(openblas_nolapack.class);
        Pointer function = Loader.addressof("openblas_set_num_threads");
        this.setThreads = function == null || function.isNull() ? null : new SetThreads(function);
    }

    @Override
    public boolean splits() {
        return setThreads != null;
    }

    /**
     * 1, or back to the count ND4J set (read when it is restored, so that a change made through
     * ND4J's {@code setMaxThreads} in between is kept; all cores if none was set).
     */
    @Override
    public void threads(int count) {
        if (setThreads == null) {
            return;
        }
        int configured = openblas_nolapack.blas_get_num_threads();
        setThreads.call(
                count > 0
                        ? count
                        : configured > 0 ? configured : Runtime.getRuntime().availableProcessors());
    }

    @Override
    public void gemm(
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
        if (n == 1) {
            // y[m] (stride ldc) = alpha · op(A) · x + beta · y, x = op(B)'s one column.
            int incX = transB ? 1 : ldb;
            if (transA) {
                gemv(true, k, m, alpha, a, aOffset, lda, b, bOffset, incX, beta, c, cOffset, ldc);
            } else {
                gemv(false, m, k, alpha, a, aOffset, lda, b, bOffset, incX, beta, c, cOffset, ldc);
            }
            return;
        }
        if (m == 1) {
            // yᵀ[n] = alpha · xᵀ · op(B) + beta · yᵀ, that is y = alpha · op(B)ᵀ · x + beta · y.
            int incX = transA ? lda : 1;
            if (transB) {
                gemv(false, n, k, alpha, b, bOffset, ldb, a, aOffset, incX, beta, c, cOffset, 1);
            } else {
                gemv(true, k, n, alpha, b, bOffset, ldb, a, aOffset, incX, beta, c, cOffset, 1);
            }
            return;
        }
        int ta = transA ? CblasTrans : CblasNoTrans;
        int tb = transB ? CblasTrans : CblasNoTrans;
        if (c instanceof NativeArray.Floats fc) {
            cblas_sgemm(
                    CblasRowMajor,
                    ta,
                    tb,
                    m,
                    n,
                    k,
                    (float) alpha,
                    ((NativeArray.Floats) a).at(aOffset),
                    lda,
                    ((NativeArray.Floats) b).at(bOffset),
                    ldb,
                    (float) beta,
                    fc.at(cOffset),
                    ldc);
        } else {
            cblas_dgemm(
                    CblasRowMajor,
                    ta,
                    tb,
                    m,
                    n,
                    k,
                    alpha,
                    ((NativeArray.Doubles) a).at(aOffset),
                    lda,
                    ((NativeArray.Doubles) b).at(bOffset),
                    ldb,
                    beta,
                    ((NativeArray.Doubles) c).at(cOffset),
                    ldc);
        }
    }

    /**
     * {@code y = alpha · op(M) · x + beta · y} for a row-major {@code rows × cols} matrix M with
     * leading dimension {@code ld} ({@code op(M) = Mᵀ} when {@code trans}), x and y at strides.
     */
    private static void gemv(
            boolean trans,
            int rows,
            int cols,
            double alpha,
            NativeArray matrix,
            long matrixOffset,
            int ld,
            NativeArray x,
            long xOffset,
            int incX,
            double beta,
            NativeArray y,
            long yOffset,
            int incY) {
        int t = trans ? CblasTrans : CblasNoTrans;
        if (y instanceof NativeArray.Floats fy) {
            cblas_sgemv(
                    CblasRowMajor,
                    t,
                    rows,
                    cols,
                    (float) alpha,
                    ((NativeArray.Floats) matrix).at(matrixOffset),
                    ld,
                    ((NativeArray.Floats) x).at(xOffset),
                    incX,
                    (float) beta,
                    fy.at(yOffset),
                    incY);
        } else {
            cblas_dgemv(
                    CblasRowMajor,
                    t,
                    rows,
                    cols,
                    alpha,
                    ((NativeArray.Doubles) matrix).at(matrixOffset),
                    ld,
                    ((NativeArray.Doubles) x).at(xOffset),
                    incX,
                    beta,
                    ((NativeArray.Doubles) y).at(yOffset),
                    incY);
        }
    }
}
