package org.recurrent4j.cell;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * The arrays one pass over a batch of sequences works in, shared by the loop and the cell.
 *
 * <p>Layout: rows outermost, then time, then the batch, in C order: {@code z [G·H, T, B]} and
 * {@code h, c [H, T+1, B]}. Row {@code r}, step {@code t}, example {@code b} of {@code z} is
 * element {@code r·T·B + t·B + b}. So a step is a row-major {@code [rows, B]} matrix at offset
 * {@code t·B} with leading dimension {@code T·B} (BLAS takes it as is), and the matrix of all
 * steps {@code [rows, T·B]} is the array itself: the input projection, the input gradient and the
 * weight gradients are each one GEMM with no reshuffling of memory.
 *
 * <ul>
 *   <li>{@code z}: the input projections {@code W_ih x_t + b_ih}; a cell's forward step replaces
 *       step t by what its backward step needs (its gate activations), and its backward step
 *       replaces that by {@code dL/dz_t};
 *   <li>{@code h, c}: the states, step 0 being the initial state; {@code c} is null for cells
 *       without a memory cell;
 *   <li>{@code dh, dc [H, B]}: set by the loop before a backward step, the gradient with respect
 *       to the step's new state; {@code dhPrev, dcPrev [H, B]}: written by the cell, the gradient
 *       with respect to the state before the step.
 * </ul>
 */
public final class SequenceState {
    public final int steps;
    public final int batch;
    public final int hidden;
    public final int gates;
    public final DataType type;
    public final Buffers buffers;
    public final NativeArray z;
    public final NativeArray h;
    public final NativeArray c;
    public final NativeArray dh;
    public final NativeArray dc;
    public final NativeArray dhPrev;
    public final NativeArray dcPrev;

    /**
     * Takes the layer's reusable arrays for a pass; {@code z} has unspecified contents, the states
     * are zero.
     */
    public SequenceState(
            Buffers buffers, DataType type, int gates, int hidden, int steps, int batch, boolean hasCellState) {
        this.steps = steps;
        this.batch = batch;
        this.hidden = hidden;
        this.gates = gates;
        this.type = type;
        this.buffers = buffers;
        this.z = buffers.get("z", type, (long) gates * hidden, steps, batch);
        this.h = buffers.zeros("h", type, hidden, steps + 1, batch);
        this.c = hasCellState ? buffers.zeros("c", type, hidden, steps + 1, batch) : null;
        this.dh = buffers.get("dh", type, hidden, batch);
        this.dc = hasCellState ? buffers.get("dc", type, hidden, batch) : null;
        this.dhPrev = buffers.get("dhPrev", type, hidden, batch);
        this.dcPrev = hasCellState ? buffers.get("dcPrev", type, hidden, batch) : null;
    }

    /** Leading dimension of {@code z}: {@code T·B}. */
    public int zStride() {
        return steps * batch;
    }

    /** Leading dimension of {@code h} and {@code c}: {@code (T+1)·B}. */
    public int stateStride() {
        return (steps + 1) * batch;
    }

    /** Index of row {@code row}, step {@code t}, example 0 in {@code z} (or any {@code [rows, T, B]} array). */
    public int zAt(int row, int t) {
        return row * zStride() + t * batch;
    }

    /** Index of row {@code j}, step {@code t}, example 0 in {@code h} or {@code c}. */
    public int stateAt(int j, int t) {
        return j * stateStride() + t * batch;
    }

    /** A per-pass {@code [rows, T, B]} array of the cell's, reused across passes. */
    public NativeArray sequenceBuffer(String name, int rows) {
        return buffers.get(name, type, rows, steps, batch);
    }

    /** Adds {@code bias[r]} to row {@code r} of every step of {@code z}, for rows {@code [from, to)}. */
    public void addRowBias(double[] bias, int from, int to) {
        int n = zStride();
        for (int r = from; r < to; r++) {
            int at = r * n;
            double v = bias[r];
            for (int k = 0; k < n; k++) {
                z.add(at + k, v);
            }
        }
    }

    /**
     * {@code Σ_{t ≥ from, b} a[r, t, b]} for every row of a {@code [rows, T, B]} array: the bias
     * gradients.
     */
    public double[] rowSums(NativeArray a, int rows, int from) {
        double[] sums = new double[rows];
        int n = zStride();
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int k = from * batch; k < n; k++) {
                s += a.get(r * n + k);
            }
            sums[r] = s;
        }
        return sums;
    }
}
