package org.recurrent4j.kernel;

import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The portable path's GEMM: ND4J's own matrix product ({@link Nd4j#gemm}) on views of the operands'
 * buffers, so it runs on whatever backend ND4J has (CPU or CUDA), at the cost of an ND4J operation
 * and a result array per call.
 *
 * <p>Memory location: the cells' loops read and write the host copy of a buffer (through {@link
 * DataBuffer}'s element access, which the backend keeps coherent). Around the product this kernel
 * says so to ND4J's {@link AffinityManager}: the operands are tagged as current on the host before
 * the device operation reads them, and the result is brought back to the host after it. On the CPU
 * backend both are no-ops.
 */
final class Nd4jGemm implements GemmKernel {

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
        if (m == 0 || n == 0) {
            return;
        }
        AffinityManager memory = Nd4j.getAffinityManager();
        DataBuffer cData = c.array().data();
        memory.tagLocation(a.array().data(), AffinityManager.Location.HOST);
        memory.tagLocation(b.array().data(), AffinityManager.Location.HOST);
        memory.tagLocation(cData, AffinityManager.Location.HOST);
        INDArray out = view(cData, cOffset, m, n, ldc);
        if (k == 0) {
            out.muli(beta);
        } else {
            // As stored: op(A) is m×k, so A itself is m×k, or k×m when transposed (likewise B).
            INDArray left = view(a.array().data(), aOffset, transA ? k : m, transA ? m : k, lda);
            INDArray right = view(b.array().data(), bOffset, transB ? n : k, transB ? k : n, ldb);
            INDArray product = Nd4j.gemm(left, right, transA, transB);
            if (alpha != 1.0) {
                product.muli(alpha);
            }
            if (beta == 0.0) {
                out.assign(product);
            } else {
                if (beta != 1.0) {
                    out.muli(beta);
                }
                out.addi(product);
            }
        }
        memory.ensureLocation(out, AffinityManager.Location.HOST);
    }

    /** A row-major {@code [rows, columns]} view of {@code data} from {@code offset}, rows {@code ld} apart. */
    private static INDArray view(DataBuffer data, long offset, int rows, int columns, int ld) {
        return Nd4j.create(data, new long[] {rows, columns}, new long[] {ld, 1}, offset, 'c', data.dataType());
    }
}
