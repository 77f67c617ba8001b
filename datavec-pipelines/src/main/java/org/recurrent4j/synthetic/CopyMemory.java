package org.recurrent4j.synthetic;

import java.util.Random;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The copy-memory task for long time lags (Hochreiter &amp; Schmidhuber 1997; in this form Arjovsky,
 * Shah &amp; Bengio 2016): remember {@code n} symbols over a delay of {@code T} steps, then write them
 * back.
 *
 * <p>Alphabet of 10: 0 = blank, 1..8 = data symbols, 9 = delimiter. Each example has {@code T + 2n}
 * steps:
 *
 * <pre>
 *   input:   d_1 .. d_n   0 × (T−1)   9   0 × n
 *   target:  0 × (T+n)                    d_1 .. d_n
 * </pre>
 *
 * with the data symbols {@code d_i} uniform in 1..8. Shapes: features and labels {@code [batch,
 * 10, T + 2n]}, one-hot, every step labelled (N→N).
 *
 * <p>Baseline: a memoryless strategy that writes blanks for the first {@code T + n} steps and a
 * uniform guess over the 8 data symbols for the last {@code n} has a cross-entropy per step of
 *
 * <pre>
 *   n · ln(8) / (T + 2n)
 * </pre>
 *
 * ({@link #baselineCrossEntropy()}); only a model that carries the symbols across the delay gets
 * below it. DL4J's {@code score()} with an {@code RnnOutputLayer} sums the cross-entropy over the
 * steps and averages over the examples, so compare it with {@code length() ×} this, {@code n·ln 8}.
 *
 * <pre>{@code
 * CopyMemory task = new CopyMemory(100, 10, 32, 500, 1);   // T = 100, n = 10: 120 steps
 * double baseline = task.baselineCrossEntropy();            // 10·ln 8 / 120 ≈ 0.173
 * }</pre>
 */
public class CopyMemory extends SyntheticTask {

    private static final long serialVersionUID = 1L;

    /** Symbols in the alphabet: blank, 8 data symbols, delimiter. */
    public static final int SYMBOLS = 10;

    /** The blank, input and target filler. */
    public static final int BLANK = 0;

    /** The marker that asks for the symbols back. */
    public static final int DELIMITER = 9;

    /** Kinds of data symbol (1 to 8): a model that remembers nothing is wrong 7 times in 8. */
    public static final int DATA_SYMBOLS = 8;

    private final int delay;
    private final int dataLength;

    /**
     * @param delay T, at least 1
     * @param dataLength n, the symbols to remember, at least 1
     */
    public CopyMemory(int delay, int dataLength, int batchSize, int batches, long seed) {
        super(batchSize, batches, seed);
        if (delay < 1) {
            throw new IllegalArgumentException("delay must be at least 1, got " + delay);
        }
        if (dataLength < 1) {
            throw new IllegalArgumentException("dataLength must be at least 1, got " + dataLength);
        }
        this.delay = delay;
        this.dataLength = dataLength;
    }

    /** Steps per example, {@code T + 2n}. */
    public int length() {
        return delay + 2 * dataLength;
    }

    /** {@code n · ln(8) / (T + 2n)}: the cross-entropy per step of the memoryless strategy. */
    public double baselineCrossEntropy() {
        return baselineCrossEntropy(delay, dataLength);
    }

    /** The memoryless baseline for delay {@code T} and {@code n} data symbols. */
    public static double baselineCrossEntropy(int delay, int dataLength) {
        return dataLength * Math.log(DATA_SYMBOLS) / (delay + 2.0 * dataLength);
    }

    @Override
    protected DataSet generate(int size, Random random) {
        int steps = length();
        // Filled in Java and handed over once: a putScalar per element costs far more at T = 1000.
        float[] x = new float[size * SYMBOLS * steps];
        float[] y = new float[size * SYMBOLS * steps];
        int recallFrom = delay + dataLength;
        int delimiterAt = delay + dataLength - 1;
        for (int b = 0; b < size; b++) {
            int example = b * SYMBOLS * steps;
            for (int t = 0; t < steps; t++) {
                int inputSymbol = t == delimiterAt ? DELIMITER : BLANK;
                x[example + inputSymbol * steps + t] = 1f;
                if (t < recallFrom) {
                    y[example + BLANK * steps + t] = 1f;
                }
            }
            for (int i = 0; i < dataLength; i++) {
                int symbol = 1 + random.nextInt(DATA_SYMBOLS);
                x[example + BLANK * steps + i] = 0f;
                x[example + symbol * steps + i] = 1f;
                y[example + symbol * steps + recallFrom + i] = 1f;
            }
        }
        long[] shape = {size, SYMBOLS, steps};
        return new DataSet(Nd4j.create(x, shape, 'c'), Nd4j.create(y, shape, 'c'));
    }

    @Override
    public int inputColumns() {
        return SYMBOLS;
    }

    @Override
    public int totalOutcomes() {
        return SYMBOLS;
    }
}
