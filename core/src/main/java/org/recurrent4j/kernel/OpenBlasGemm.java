package org.recurrent4j.kernel;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_dgemm;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.presets.openblas_nolapack;

/**
 * The direct path's GEMM: straight into OpenBLAS (the BLAS that ND4J's CPU backend itself calls) at
 * pointers into host memory, so a recurrent step's product costs the product and not the creation
 * of ND4J views and ops around it. The only class of recurrent4j that names OpenBLAS; {@link
 * KernelPath} loads it only when the direct path is chosen.
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
}
