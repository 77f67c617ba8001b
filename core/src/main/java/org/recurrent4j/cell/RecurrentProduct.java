package org.recurrent4j.cell;

import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.recurrent4j.kernel.Blas;
import org.recurrent4j.kernel.NativeArray;
import org.recurrent4j.kernel.RowParallel;

/**
 * The recurrent matrix product of a step and its gradients, for cells with recurrent weights
 * {@code W_hh [rows, H]}: forward {@code a_t[rows] += W_hh · h_{t−1}}, backward {@code ∂L/∂h_{t−1}
 * += W_hh^T · ∂L/∂a_t}, and {@code ∂L/∂W_hh = Σ_t ∂L/∂a_t · h_{t−1}^T} as one product over all
 * steps. Each is one {@link Blas#gemm} call at an offset into the pass's arrays, on the weights
 * read in place ({@link #of}; {@link #ofCopy} copies them, scratch array {@code "weights." + key}).
 * From 16 steps a pass, the backward products read a copy of {@code
 * W_hh^T} taken at the first of them (scratch array {@code "weights.transposed." + key}).
 *
 * <p>Rows: every method takes a block of rows {@code [first, first + count)} of {@code W_hh}, so a
 * gated cell can multiply its gate blocks separately (a GRU's reset-before form, a minimal gated
 * unit's candidate on {@code f_t ⊙ h_{t−1}}).
 *
 * <p>Layouts ({@link WorkArrays}): the product's result goes to {@code gatesAndGradients}
 * (sequence layout {@code [rows, T, B]}). Its operand is read at "index t": {@link #addTo(WorkArrays,
 * int, NativeArray, int, int)} takes an array in <em>state layout</em> {@code [H, T + 1, B]}
 * ({@code s.h}, {@code s.state(name)}), whose index t is the state before step t; {@link
 * #addTo(WorkArrays, int, NativeArray, long, int, int, int)} takes any operand with its offset and
 * leading dimension, e.g. a {@link WorkArrays#sequenceBuffer} ({@code s.sequenceAt(0, t)}, {@code
 * s.sequenceStride()}) holding what step t computed before its product. {@link #accumulate} takes
 * the operand's leading dimension for the same reason.
 *
 * <pre>{@code
 * RecurrentProduct whh = RecurrentProduct.of(params, CellKeys.RECURRENT_WEIGHT, s);   // in begin()
 * whh.addTo(s, t);                       // forward:  a_t += W_hh h_{t−1}
 * whh.backprop(s, t);                    // backward: s.dhPrev = W_hh^T ∂L/∂a_t
 * RecurrentProduct.accumulate(s, from, s.gatesAndGradients, 0, rows, s.h, s.stateStride(),
 *         s.gradient(CellKeys.RECURRENT_WEIGHT));   // parameterGradients: ∂L/∂W_hh
 * }</pre>
 */
public final class RecurrentProduct {

    /**
     * From this many steps a pass, the backward products read a transposed copy of the weights. A
     * product with the stored transpose ({@code W^T} as {@code A^T}) ran 20–30% slower than with a
     * copy in row order (at {@code [1024 × 256]}, batch 32: about 130 against 100 µs a step), and the
     * copy costs about as much as ten steps gain.
     */
    static final int TRANSPOSE_FROM_STEPS = 16;

    /** Rows of the weights per tile of the float32 transposition. */
    private static final int TILE = 64;

    private final NativeArray weights;
    private final int rows;
    private final String name;
    /** {@code W^T [H, rows]}, taken at the first backward product of the pass; null before. */
    private NativeArray transposed;

    private RecurrentProduct(NativeArray weights, int rows, String name) {
        this.weights = weights;
        this.rows = rows;
        this.name = name;
    }

    /**
     * The product with the parameter {@code key} ({@code [rows, H]}), read in place (a C-order view
     * of the network's parameters): no copy per call, which at one step per call (sampling,
     * decoding) costs more than the product.
     */
    public static RecurrentProduct of(Map<String, INDArray> params, String key, WorkArrays s) {
        INDArray w = params.get(key).castTo(s.type);
        return new RecurrentProduct(NativeArray.of(w), (int) w.size(0), key);
    }

    /**
     * The product with a copy of the parameter {@code key} ({@code [rows, H]}) in a buffer reused
     * across passes, for a cell that changes the weights it multiplies (DropConnect's mask).
     */
    public static RecurrentProduct ofCopy(Map<String, INDArray> params, String key, WorkArrays s) {
        INDArray w = params.get(key);
        NativeArray copy = s.buffer("weights." + key, w.shape());
        copy.array().assign(w);
        return new RecurrentProduct(copy, (int) w.size(0), key);
    }

    /** The weights. */
    public NativeArray weights() {
        return weights;
    }

    /**
     * {@code a_t[first : first + count] += W[first : first + count] · state_t}: the product of step
     * {@code t} on the state before it (index {@code t} of {@code state}, an array in state layout
     * {@code [H, T + 1, B]}, usually {@code s.h}).
     */
    public void addTo(WorkArrays s, int t, NativeArray state, int first, int count) {
        addTo(s, t, state, s.stateAt(0, t), s.stateStride(), first, count);
    }

    /**
     * {@code a_t[first : first + count] += W[first : first + count] · v}, with {@code v} the
     * {@code [H, B]} matrix of {@code operand} at {@code offset} with leading dimension {@code ld}:
     * for a sequence buffer's step t, {@code s.sequenceAt(0, t)} and {@code s.sequenceStride()}.
     */
    public void addTo(WorkArrays s, int t, NativeArray operand, long offset, int ld, int first, int count) {
        int h = s.hidden;
        Blas.gemm(
                false,
                false,
                count,
                s.batch,
                h,
                1.0,
                weights,
                (long) first * h,
                h,
                operand,
                offset,
                ld,
                1.0,
                s.gatesAndGradients,
                s.sequenceAt(first, t),
                s.sequenceStride());
    }

    /** {@code a_t += W_hh · h_{t−1}}, all rows, on {@code s.h}. */
    public void addTo(WorkArrays s, int t) {
        addTo(s, t, s.h, 0, rows);
    }

    /**
     * {@code out = beta · out + W[first : first + count]^T · grad_t[first : first + count]}, with
     * {@code grad} a {@code [rows, T, B]} array (usually {@code s.gatesAndGradients} holding {@code ∂L/∂a}) and
     * {@code out} an {@code [H, B]} array (usually {@code s.dhPrev}).
     */
    public void backprop(WorkArrays s, int t, NativeArray grad, int first, int count, double beta, NativeArray out) {
        int h = s.hidden;
        // W^T as a row-order copy (A = W^T [H, rows]), or the stored W read transposed (A^T).
        boolean copied = s.steps >= TRANSPOSE_FROM_STEPS;
        Blas.gemm(
                !copied,
                false,
                h,
                s.batch,
                count,
                1.0,
                copied ? transposed(s) : weights,
                copied ? first : (long) first * h,
                copied ? rows : h,
                grad,
                s.sequenceAt(first, t),
                s.sequenceStride(),
                beta,
                out,
                0,
                s.batch);
    }

    /** The weights' transpose, copied on first use in the pass (the weights do not change within one). */
    private NativeArray transposed(WorkArrays s) {
        if (transposed == null) {
            int h = (int) (weights.length() / rows);
            NativeArray copy = s.buffer("weights.transposed." + name, h, rows);
            if (s.type == DataType.FLOAT) {
                transposeFloats(copy, h);
            } else {
                copy.array().assign(weights.array().transpose());
            }
            transposed = copy;
        }
        return transposed;
    }

    /**
     * {@code W [rows, H]} into {@code copy [H, rows]}, a tile of {@link #TILE} rows at a time on
     * each core: the tile's rows are one run of memory, read at once; its transpose is written as
     * {@code H} runs of the tile's length.
     */
    private void transposeFloats(NativeArray copy, int h) {
        int tiles = (rows + TILE - 1) / TILE;
        RowParallel.run(tiles, (long) TILE * h, (fromTile, toTile) -> {
            float[] tile = new float[TILE * h];
            float[] transposedTile = new float[TILE * h];
            for (int t = fromTile; t < toTile; t++) {
                int first = t * TILE;
                int count = Math.min(TILE, rows - first);
                weights.read(first * h, tile, 0, count * h);
                for (int r = 0; r < count; r++) {
                    for (int j = 0; j < h; j++) {
                        transposedTile[j * count + r] = tile[r * h + j];
                    }
                }
                for (int j = 0; j < h; j++) {
                    copy.write(j * rows + first, transposedTile, j * count, count);
                }
            }
        });
    }

    /** {@code s.dhPrev = W^T · ∂L/∂a_t}, all rows. */
    public void backprop(WorkArrays s, int t) {
        backprop(s, t, s.gatesAndGradients, 0, rows, 0.0, s.dhPrev);
    }

    /**
     * Adds {@code Σ_{t ≥ from} grad_t[first : first + count] · state_t^T} to rows {@code [first,
     * first + count)} of {@code out} ({@code [rows, H]}); {@code state} is a {@code [H, ·, B]}
     * array with leading dimension {@code ld} whose step t holds what the weights multiplied at
     * step t (index t of {@code s.h}: {@code h_{t−1}}).
     */
    public static void accumulate(
            WorkArrays s,
            int from,
            NativeArray grad,
            int first,
            int count,
            NativeArray state,
            int ld,
            NativeArray out) {
        int h = s.hidden;
        int columns = (s.steps - from) * s.batch;
        if (columns == 0) {
            return;
        }
        Blas.gemm(
                false,
                true,
                count,
                h,
                columns,
                1.0,
                grad,
                s.sequenceAt(first, from),
                s.sequenceStride(),
                state,
                (long) from * s.batch,
                ld,
                1.0,
                out,
                (long) first * h,
                h);
    }
}
