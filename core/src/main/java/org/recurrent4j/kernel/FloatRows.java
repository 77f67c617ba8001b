package org.recurrent4j.kernel;

/**
 * Blocks of a step's rows copied between the work arrays and heap {@code float[]}s, for the
 * float32 element-wise loops of the cells.
 *
 * <p>Why: a loop over off-heap memory (an NIO buffer) runs one element at a time, but a loop over a
 * heap array, one index and plain float arithmetic is compiled by HotSpot's C2 to AVX instructions.
 * So a float32 cell step copies a block of rows of each operand in (one bulk copy per row), runs
 * each equation as one loop over the whole block, and copies the results out. Row {@code j} of a
 * step is {@code batch} contiguous elements at {@link Rows#at}; block row {@code r} is {@code
 * values[r·batch, (r + 1)·batch)}.
 *
 * <pre>
 *   int per = FloatRows.rowsPerBlock(b);
 *   float[] x = new float[FloatRows.blockLength(b, to - from)];
 *   for (int first = from; first &lt; to; first += per) {
 *       int rows = Math.min(per, to - first);
 *       FloatRows.read(a, s.sequenceRows(0, t), first, rows, b, x);
 *       act.applyInPlace(x, 0, rows * b);
 *       FloatRows.write(a, s.sequenceRows(0, t), first, rows, b, x);
 *   }
 * </pre>
 */
public final class FloatRows {

    /** Elements per block: long enough vector loops, and a block of every operand stays in L1. */
    private static final int ELEMENTS = 256;

    private FloatRows() {}

    /** Rows per block at this batch size (at least one). */
    public static int rowsPerBlock(int batch) {
        return Math.max(1, ELEMENTS / batch);
    }

    /** The length of a block's arrays when a thread has {@code rows} rows to go through. */
    public static int blockLength(int batch, int rows) {
        return Math.min(rowsPerBlock(batch), rows) * batch;
    }

    /**
     * Where a step's rows are: row {@code j} starts at {@code base + j·stride}, e.g. {@link
     * org.recurrent4j.cell.WorkArrays#sequenceRows}. A stride equal to the batch (a single step, or
     * the [size, B] arrays) makes a block one run of memory, copied at once.
     */
    public record Rows(int base, int stride) {
        /** The offset of row {@code j}. */
        public int at(int j) {
            return base + j * stride;
        }
    }

    /** Copies rows {@code first .. first + rows − 1} of {@code array} into {@code values}. */
    public static void read(NativeArray array, Rows where, int first, int rows, int batch, float[] values) {
        if (where.stride() == batch) {
            array.read(where.at(first), values, 0, rows * batch);
        } else if (batch == 1) {
            for (int r = 0; r < rows; r++) {
                values[r] = (float) array.get(where.at(first + r));
            }
        } else {
            for (int r = 0; r < rows; r++) {
                array.read(where.at(first + r), values, r * batch, batch);
            }
        }
    }

    /** Copies {@code values} to rows {@code first .. first + rows − 1} of {@code array}. */
    public static void write(NativeArray array, Rows where, int first, int rows, int batch, float[] values) {
        if (where.stride() == batch) {
            array.write(where.at(first), values, 0, rows * batch);
        } else if (batch == 1) {
            for (int r = 0; r < rows; r++) {
                array.set(where.at(first + r), values[r]);
            }
        } else {
            for (int r = 0; r < rows; r++) {
                array.write(where.at(first + r), values, r * batch, batch);
            }
        }
    }

    /** {@code values[r·batch + k] += w[first + r]}: a per-row term such as a bias. */
    public static void addPerRow(float[] values, float[] w, int first, int rows, int batch) {
        for (int r = 0; r < rows; r++) {
            float weight = w[first + r];
            for (int k = r * batch; k < (r + 1) * batch; k++) {
                values[k] += weight;
            }
        }
    }

    /** {@code values[r·batch + k] += w[first + r] · x[r·batch + k]}: a per-row scaled term such as a peephole. */
    public static void addScaledPerRow(float[] values, float[] w, float[] x, int first, int rows, int batch) {
        for (int r = 0; r < rows; r++) {
            float weight = w[first + r];
            for (int k = r * batch; k < (r + 1) * batch; k++) {
                values[k] += weight * x[k];
            }
        }
    }

    /** A float copy of a layer's parameter values. */
    public static float[] floats(double[] values) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return f;
    }
}
