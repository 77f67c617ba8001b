package org.recurrent4j.training;

import java.nio.DoubleBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The state of a recurrent cell layer and its sensitivity to every parameter of the layer,
 * carried forward in time (real-time recurrent learning, Williams &amp; Zipser 1989): for each
 * example b, {@code P_t = ∂h_t/∂θ [H, nθ]}, where θ lists the layer's parameters in the order
 * {@code Wih, bih, Whh, bhh} (each row-major), {@code nθ = G·H·(nIn + H + 2)}.
 *
 * <p>Storage: {@code P} is one float64 matrix {@code [H, B·nθ]} (row i holds unit i of every
 * example), so the product of a recurrent weight matrix with the sensitivities of the whole batch
 * is one matrix product. Memory is {@code 2·H·B·nθ} numbers plus the cell's scratch, whatever the
 * length of the stream.
 *
 * <p>Masks: a step whose mask is m blends {@code h_t = m·h'_t + (1 − m)·h_{t-1}} and {@code P_t =
 * m·P'_t + (1 − m)·P_{t-1}}, as the layer does with its state, so a padded step (m = 0) leaves no
 * trace.
 */
abstract class StateSensitivities {

    final int nIn;
    final int hidden;
    final int gates;
    final int batch;
    /** {@code nθ}, the number of parameters of the layer. */
    final int count;

    final int offsetInputBias;
    final int offsetRecurrentWeight;
    final int offsetRecurrentBias;

    /** {@code h_{t}} as {@code [B, H]} row-major. */
    double[] h;

    INDArray p;
    DoubleBuffer pData;
    INDArray pNext;
    DoubleBuffer pNextData;

    StateSensitivities(int nIn, int hidden, int gates, int batch, int scratchRows) {
        this.nIn = nIn;
        this.hidden = hidden;
        this.gates = gates;
        this.batch = batch;
        long gh = (long) gates * hidden;
        long params = gh * (nIn + hidden + 2L);
        long perMatrix = hidden * (long) batch * params;
        long scratch = scratchRows * (long) batch * params;
        if (perMatrix > Integer.MAX_VALUE || scratch > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("RTRL for " + hidden + " hidden units, nIn " + nIn + " and batch "
                    + batch
                    + " needs " + perMatrix + " sensitivities per copy (" + (8 * (2 * perMatrix + scratch) >> 20)
                    + " MiB): more than one array can index. RTRL costs O(H^3) memory per example: use fewer"
                    + " hidden units or parallel streams, or train with BPTT.");
        }
        this.count = (int) params;
        this.offsetInputBias = (int) (gh * nIn);
        this.offsetRecurrentWeight = offsetInputBias + (int) gh;
        this.offsetRecurrentBias = offsetRecurrentWeight + (int) (gh * hidden);
        this.h = new double[batch * hidden];
        this.p = Nd4j.zeros(DataType.DOUBLE, hidden, (long) batch * count);
        this.pData = p.data().asNioDouble();
        this.pNext = Nd4j.zeros(DataType.DOUBLE, hidden, (long) batch * count);
        this.pNextData = pNext.data().asNioDouble();
    }

    /** A float64 matrix of {@code rows} sensitivity rows, {@code [rows, B·nθ]}, for a cell's scratch. */
    final INDArray scratch(int rows) {
        return Nd4j.zeros(DataType.DOUBLE, rows, (long) batch * count);
    }

    /** Where unit i of example b starts in a {@code [rows, B·nθ]} sensitivity matrix. */
    final int rowStart(int i, int b) {
        return (i * batch + b) * count;
    }

    /**
     * One step: {@code x [B, nIn]} row-major; {@code mask} per example (null: all 1); {@code
     * resets} per example (null: none) starts that example from a zero state and zero
     * sensitivities before the step.
     */
    final void step(double[] x, double[] mask, boolean[] resets, RecurrentParameters weights) {
        if (resets != null) {
            for (int b = 0; b < batch; b++) {
                if (resets[b]) {
                    reset(b);
                }
            }
        }
        double[] next = advance(x, weights);
        if (mask != null) {
            for (int b = 0; b < batch; b++) {
                double m = mask[b];
                if (m == 1.0) {
                    continue;
                }
                for (int i = 0; i < hidden; i++) {
                    int at = b * hidden + i;
                    next[at] = m * next[at] + (1.0 - m) * h[at];
                    int start = rowStart(i, b);
                    for (int k = start; k < start + count; k++) {
                        pNextData.put(k, m * pNextData.get(k) + (1.0 - m) * pData.get(k));
                    }
                }
            }
        }
        h = next;
        INDArray swap = p;
        p = pNext;
        pNext = swap;
        DoubleBuffer swapData = pData;
        pData = pNextData;
        pNextData = swapData;
    }

    /**
     * Computes {@code h_t} (returned, {@code [B, H]} row-major) and writes {@code P'_t} into {@code
     * pNext} for every example, from {@code h} and {@code p} ({@code h_{t-1}}, {@code P_{t-1}}).
     */
    abstract double[] advance(double[] x, RecurrentParameters weights);

    /**
     * Adds {@code Σ_b (∂L/∂h_t[b])ᵀ P_t[b]} to {@code gradient [nθ]}: the part of the loss gradient
     * that flows through the state after this step. {@code dLdh} is {@code [B, H]} row-major.
     */
    final void accumulate(double[] dLdh, double[] gradient) {
        for (int i = 0; i < hidden; i++) {
            for (int b = 0; b < batch; b++) {
                double e = dLdh[b * hidden + i];
                if (e == 0.0) {
                    continue;
                }
                int start = rowStart(i, b);
                for (int k = 0; k < count; k++) {
                    gradient[k] += e * pData.get(start + k);
                }
            }
        }
    }

    /** Example b starts again from a zero state and zero sensitivities. */
    final void reset(int b) {
        for (int i = 0; i < hidden; i++) {
            h[b * hidden + i] = 0.0;
            int start = rowStart(i, b);
            for (int k = start; k < start + count; k++) {
                pData.put(k, 0.0);
            }
        }
    }

    /** Every example starts again from a zero state and zero sensitivities. */
    final void resetAll() {
        Arrays.fill(h, 0.0);
        p.assign(0.0);
    }

    /** The current state {@code h_t}, {@code [B, H]} row-major (a copy). */
    final double[] state() {
        return h.clone();
    }

    /** Numbers held per example: the two sensitivity copies, the cell's scratch and the state. */
    abstract long numbersPerExample();

    /**
     * Adds the explicit derivative of one gate row's output to a sensitivity row: for gate row
     * {@code r} (= g·H + i), {@code cIn·x_j} at {@code Wih[r, j]}, {@code cIn} at {@code bih[r]},
     * {@code cRec·v_j} at {@code Whh[r, j]} and {@code cRec} at {@code bhh[r]}, where {@code cIn}
     * and {@code cRec} are the derivatives of the row's output with respect to its input side and
     * its recurrent side, and {@code v} what the recurrent weights multiply.
     */
    final void addExplicit(
            DoubleBuffer target, int start, int r, double cIn, double[] x, int b, double cRec, double[] v) {
        int wi = start + r * nIn;
        int xi = b * nIn;
        for (int j = 0; j < nIn; j++) {
            target.put(wi + j, target.get(wi + j) + cIn * x[xi + j]);
        }
        int bi = start + offsetInputBias + r;
        target.put(bi, target.get(bi) + cIn);
        int wh = start + offsetRecurrentWeight + r * hidden;
        int vi = b * hidden;
        for (int j = 0; j < hidden; j++) {
            target.put(wh + j, target.get(wh + j) + cRec * v[vi + j]);
        }
        int bh = start + offsetRecurrentBias + r;
        target.put(bh, target.get(bh) + cRec);
    }

    /** {@code c = a · b} for float64 matrices, c dense. */
    static void product(INDArray a, INDArray b, INDArray c) {
        Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
    }
}
