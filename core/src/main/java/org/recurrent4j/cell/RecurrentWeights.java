package org.recurrent4j.cell;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The recurrent weight matrix of a pass, and its gradient as one product over all steps. */
final class RecurrentWeights {

    private RecurrentWeights() {}

    /** {@code Whh} as a dense array for BLAS, copied into a buffer reused across passes. */
    static NativeArray of(Map<String, INDArray> params, SequenceState s) {
        INDArray w = params.get(CellKeys.RECURRENT_WEIGHT);
        NativeArray dense = s.buffers.get("Whh", s.type, w.shape());
        dense.array().assign(w);
        return dense;
    }

    /**
     * {@code z_t[0:rows] += W_hh[0:rows] · h_{t-1}}: the recurrent product of step {@code t} for
     * the first {@code rows} rows of {@code z}, straight into BLAS.
     */
    static void addProduct(SequenceState s, int t, NativeArray wHh, int rows) {
        int h = s.hidden;
        Blas.gemm(
                false,
                false,
                rows,
                s.batch,
                h,
                1.0,
                wHh,
                0,
                h,
                s.h,
                s.stateAt(0, t),
                s.stateStride(),
                1.0,
                s.z,
                s.zAt(0, t),
                s.zStride());
    }

    /**
     * {@code dhPrev = beta · dhPrev + W_hh[0:rows]^T · dz_t[0:rows]}: the recurrent product of step
     * {@code t} back-propagated to the state before it.
     */
    static void backpropProduct(SequenceState s, int t, NativeArray wHh, int rows, double beta) {
        int h = s.hidden;
        Blas.gemm(
                true,
                false,
                h,
                s.batch,
                rows,
                1.0,
                wHh,
                0,
                h,
                s.z,
                s.zAt(0, t),
                s.zStride(),
                beta,
                s.dhPrev,
                0,
                s.batch);
    }

    /**
     * A zeroed {@code [G·H, H]} buffer for {@code dWhh}, filled by {@link #accumulate} and then
     * assigned to the gradient view in one piece. (Writing rows of a gradient view through ND4J
     * indexing is not safe: in ND4J 1.0.0-M2.1, {@code get(interval(..), all())} on some views
     * returns an empty array.)
     */
    static NativeArray gradientBuffer(SequenceState s) {
        return s.buffers.zeros("dWhh", s.type, (long) s.gates * s.hidden, s.hidden);
    }

    /**
     * Writes rows {@code [row0, row0 + rows)} of {@code out}: {@code Σ_{t ≥ from} dz_t · state_t^T}.
     * {@code dz} holds those gradients in its rows {@code [dzRow0, dzRow0 + rows)}, laid out {@code
     * [·, T, B]}; {@code state} is a {@code [H, ·, B]} array with leading dimension {@code ld} whose
     * step t holds what the weights multiplied at step t (usually {@code h_{t-1}}, which is step t
     * of {@code s.h}).
     */
    static void accumulate(
            SequenceState s,
            int from,
            NativeArray dz,
            int dzRow0,
            int rows,
            NativeArray state,
            int ld,
            NativeArray out,
            int row0) {
        int h = s.hidden;
        int columns = (s.steps - from) * s.batch;
        Blas.gemm(
                false,
                true,
                rows,
                h,
                columns,
                1.0,
                dz,
                s.zAt(dzRow0, from),
                s.zStride(),
                state,
                (long) from * s.batch,
                ld,
                0.0,
                out,
                (long) row0 * h,
                h);
    }
}
