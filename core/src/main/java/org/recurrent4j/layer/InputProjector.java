package org.recurrent4j.layer;

import java.util.Arrays;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.recurrent4j.cell.CellKeys;
import org.recurrent4j.cell.InputProjection;
import org.recurrent4j.cell.WorkArrays;
import org.recurrent4j.kernel.Blas;
import org.recurrent4j.kernel.NativeArray;
import org.recurrent4j.kernel.RowParallel;

/**
 * Computes a cell's {@link InputProjection} for all steps of a pass, its parameter gradients and
 * its input gradient.
 *
 * <p>{@code x} holds {@code W = k − 1} history steps before the pass's steps. Without padding,
 * window block {@code j} (multiplying {@code x_{t−k+1+j}}) is one matrix product of the block's
 * columns of {@code W_ih} with {@code x} from step {@code j}, shifted by {@code j·B} columns. A
 * training pass stacks these shifts into one {@code [k·nIn, T, B]} copy and multiplies all blocks
 * at once (forward and for {@code ∂L/∂W_ih}); the input gradient is always one product, folded
 * back onto the shifts. With padding and {@code k > 1}, a real step's window must skip the padded
 * steps before it, so each lag {@code ℓ = 1 … k−1} is first gathered per example into a {@code
 * [nIn, T, B]} array (and scattered back for the input gradient).
 */
final class InputProjector {

    private final InputProjection projection;
    private final int width;
    private final int history;
    /** Per lag ℓ (index ℓ − 1), the x step each (t, b) reads; null when no gathering is needed. */
    private int[][] sources;
    /** Per example, the x steps of the final window, oldest first. */
    private int[][] finalWindow;

    InputProjector(InputProjection projection) {
        this.projection = projection;
        this.width = projection.width();
        this.history = width - 1;
    }

    /**
     * Computes {@code s.gatesAndGradients}: every bias term, then the window products accumulated
     * onto it. The summed biases start the pre-activations, each row filled with its bias on all
     * cores (a rank-1 product {@code b · 1ᵀ} in the BLAS did the same, at several times the cost:
     * OpenBLAS packs its operands even for an inner dimension of 1).
     */
    void forward(WorkArrays s, Map<String, INDArray> params, NativeArray wIh) {
        planWindows(s);
        int rows = s.rows;
        int nIn = s.nIn;
        int columns = s.steps * s.batch;
        int ldw = width * nIn;
        boolean biased = !projection.biases().isEmpty();
        if (biased) {
            double[] bias = new double[rows];
            for (InputProjection.BiasTerm term : projection.biases()) {
                // In place: at one step a call, copying the bias out would cost more than the fill.
                NativeArray values = NativeArray.of(params.get(term.key()));
                for (int i = 0; i < term.rows(); i++) {
                    bias[term.firstRow() + i] += values.get(i);
                }
            }
            NativeArray pre = s.gatesAndGradients;
            RowParallel.run(rows, columns, (from, to) -> {
                for (int i = from; i < to; i++) {
                    pre.fill((long) i * columns, columns, bias[i]);
                }
            });
        }
        if (stacksWindow(s)) {
            NativeArray window = stackedWindow(s);
            RowParallel.run(width * nIn, columns, (from, to) -> {
                for (int r = from; r < to; r++) {
                    s.x.copyTo((r % nIn) * s.xStride() + (r / nIn) * s.batch, window, r * columns, columns);
                }
            });
            Blas.gemm(
                    false,
                    false,
                    rows,
                    columns,
                    width * nIn,
                    1.0,
                    wIh,
                    0,
                    ldw,
                    window,
                    0,
                    columns,
                    biased ? 1.0 : 0.0,
                    s.gatesAndGradients,
                    0,
                    columns);
            return;
        }
        for (int j = 0; j < width; j++) {
            int lag = history - j;
            NativeArray in = lag == 0 || sources == null ? s.x : lagged(s, lag);
            long inOffset = lag == 0 || sources == null ? (long) j * s.batch : 0;
            int ld = lag == 0 || sources == null ? s.xStride() : columns;
            Blas.gemm(
                    false,
                    false,
                    rows,
                    columns,
                    nIn,
                    1.0,
                    wIh,
                    (long) j * nIn,
                    ldw,
                    in,
                    inOffset,
                    ld,
                    biased || j > 0 ? 1.0 : 0.0,
                    s.gatesAndGradients,
                    0,
                    columns);
        }
    }

    /**
     * Decides which x step each window lag reads: the previous real steps of each example (the
     * history counts as real). Gathers the lagged inputs when padding makes them differ from a
     * plain shift.
     */
    private void planWindows(WorkArrays s) {
        int b = s.batch;
        int steps = s.steps;
        finalWindow = new int[b][history];
        sources = null;
        if (history == 0) {
            return;
        }
        if (s.mask == null) {
            for (int k = 0; k < b; k++) {
                for (int i = 0; i < history; i++) {
                    finalWindow[k][i] = steps + i;
                }
            }
            return;
        }
        sources = new int[history][steps * b];
        for (int k = 0; k < b; k++) {
            // The last `history` real x steps so far, as a ring; the history steps start it.
            int[] ring = new int[history];
            for (int i = 0; i < history; i++) {
                ring[i] = i;
            }
            int next = 0;
            for (int t = 0; t < steps; t++) {
                for (int lag = 1; lag <= history; lag++) {
                    sources[lag - 1][t * b + k] = ring[Math.floorMod(next - lag, history)];
                }
                if (s.real(t, k)) {
                    ring[next] = history + t;
                    next = (next + 1) % history;
                }
            }
            for (int i = 0; i < history; i++) {
                finalWindow[k][i] = ring[(next + i) % history];
            }
        }
        for (int lag = 1; lag <= history; lag++) {
            NativeArray g = lagged(s, lag);
            int[] src = sources[lag - 1];
            int columns = steps * b;
            for (int f = 0; f < s.nIn; f++) {
                int xRow = f * s.xStride();
                int gRow = f * columns;
                for (int i = 0; i < columns; i++) {
                    g.set(gRow + i, s.x.get(xRow + src[i] * b + i % b));
                }
            }
        }
    }

    /**
     * Whether a training pass multiplies the window's blocks as one product over a stacked copy of
     * {@code x} ({@link #stackedWindow}), forward and for {@code ∂L/∂W_ih}: a product with {@code k}
     * times the inner size runs at a higher rate than {@code k} products, and the copy costs less
     * than the difference of the two. At inference the copy would take what the one product saves.
     * Not with gathering.
     */
    private boolean stacksWindow(WorkArrays s) {
        return s.training && foldsWindow();
    }

    /** Whether the window's blocks are shifts of {@code x} (more than one block, no gathering). */
    private boolean foldsWindow() {
        return width > 1 && sources == null;
    }

    /** {@code [k·nIn, T, B]}: row {@code j·nIn + f} is feature f of {@code x} from step {@code j}, the block's input. */
    private static NativeArray stackedWindow(WorkArrays s) {
        return s.buffer("window.x", (long) (s.history + 1) * s.nIn, s.steps, s.batch);
    }

    private static NativeArray lagged(WorkArrays s, int lag) {
        return s.buffer("window.lag" + lag, s.nIn, s.steps, s.batch);
    }

    /** The x step (index into {@code x}'s W + T steps) of window slot {@code i} of example {@code k} after the pass. */
    int finalWindowStep(int k, int i) {
        return finalWindow[k][i];
    }

    /** {@code ∂L/∂W_ih} and the bias gradients from {@code ∂L/∂a} in {@code s.gatesAndGradients}. */
    void parameterGradients(WorkArrays s, int from) {
        int nIn = s.nIn;
        int columns = s.steps * s.batch;
        NativeArray dW = s.gradient(CellKeys.INPUT_WEIGHT);
        if (stacksWindow(s)) {
            Blas.gemm(
                    false,
                    true,
                    s.rows,
                    width * nIn,
                    columns,
                    1.0,
                    s.gatesAndGradients,
                    0,
                    columns,
                    stackedWindow(s),
                    0,
                    columns,
                    0.0,
                    dW,
                    0,
                    width * nIn);
        } else {
            for (int j = 0; j < width; j++) {
                int lag = history - j;
                boolean shifted = lag == 0 || sources == null;
                Blas.gemm(
                        false,
                        true,
                        s.rows,
                        nIn,
                        columns,
                        1.0,
                        s.gatesAndGradients,
                        0,
                        columns,
                        shifted ? s.x : lagged(s, lag),
                        shifted ? (long) j * s.batch : 0,
                        shifted ? s.xStride() : columns,
                        0.0,
                        dW,
                        (long) j * nIn,
                        width * nIn);
            }
        }
        for (InputProjection.BiasTerm term : projection.biases()) {
            s.addRowSums(s.gatesAndGradients, term.firstRow(), term.rows(), from, s.gradient(term.key()), 0);
        }
    }

    /**
     * Writes {@code s.dx()}: {@code W_ih^T ∂L/∂a} placed at the steps each window block read.
     * Without gathering, all blocks are one product {@code [k·nIn, T·B]} (inner size {@code G·H}: a
     * product with {@code k} times the rows runs at a higher rate than {@code k} of them), then
     * folded onto {@code x}'s steps, each block shifted by its lag.
     */
    NativeArray inputGradient(WorkArrays s, NativeArray wIh) {
        int nIn = s.nIn;
        int columns = s.steps * s.batch;
        NativeArray dx = s.dx();
        if (foldsWindow()) {
            NativeArray blocks = s.buffer("window.dx", (long) width * nIn, s.steps, s.batch);
            Blas.gemm(
                    true,
                    false,
                    width * nIn,
                    columns,
                    s.rows,
                    1.0,
                    wIh,
                    0,
                    width * nIn,
                    s.gatesAndGradients,
                    0,
                    columns,
                    0.0,
                    blocks,
                    0,
                    columns);
            RowParallel.run(nIn, (long) s.xStride() * width, (from, to) -> foldWindow(s, blocks, dx, from, to));
            return dx;
        }
        if (width > 1) {
            dx.clear();
        }
        for (int j = 0; j < width; j++) {
            int lag = history - j;
            if (lag == 0 || sources == null) {
                Blas.gemm(
                        true,
                        false,
                        nIn,
                        columns,
                        s.rows,
                        1.0,
                        wIh,
                        (long) j * nIn,
                        width * nIn,
                        s.gatesAndGradients,
                        0,
                        columns,
                        width > 1 ? 1.0 : 0.0,
                        dx,
                        (long) j * s.batch,
                        s.xStride());
            } else {
                NativeArray part = s.buffer("window.dlag", nIn, s.steps, s.batch);
                Blas.gemm(
                        true,
                        false,
                        nIn,
                        columns,
                        s.rows,
                        1.0,
                        wIh,
                        (long) j * nIn,
                        width * nIn,
                        s.gatesAndGradients,
                        0,
                        columns,
                        0.0,
                        part,
                        0,
                        columns);
                int[] src = sources[lag - 1];
                int b = s.batch;
                for (int f = 0; f < nIn; f++) {
                    int xRow = f * s.xStride();
                    int pRow = f * columns;
                    for (int i = 0; i < columns; i++) {
                        dx.add(xRow + src[i] * b + i % b, part.get(pRow + i));
                    }
                }
            }
        }
        return dx;
    }

    /**
     * Rows {@code [from, to)} of {@code dx [nIn, W + T, B]} as the sum of the window blocks of {@code
     * blocks [k·nIn, T, B]}: block {@code j} (which multiplied {@code x} from step {@code j}) lands
     * {@code j·B} columns on.
     */
    private void foldWindow(WorkArrays s, NativeArray blocks, NativeArray dx, int from, int to) {
        int columns = s.steps * s.batch;
        int length = s.xStride();
        if (s.type == DataType.FLOAT) {
            float[] row = new float[length];
            float[] block = new float[columns];
            for (int f = from; f < to; f++) {
                Arrays.fill(row, 0f);
                for (int j = 0; j < width; j++) {
                    blocks.read((j * s.nIn + f) * columns, block, 0, columns);
                    int shift = j * s.batch;
                    for (int i = 0; i < columns; i++) {
                        row[shift + i] += block[i];
                    }
                }
                dx.write(f * length, row, 0, length);
            }
        } else {
            for (int f = from; f < to; f++) {
                dx.fill((long) f * length, length, 0.0);
                for (int j = 0; j < width; j++) {
                    int source = (j * s.nIn + f) * columns;
                    int target = f * length + j * s.batch;
                    for (int i = 0; i < columns; i++) {
                        dx.add(target + i, blocks.get(source + i));
                    }
                }
            }
        }
    }
}
