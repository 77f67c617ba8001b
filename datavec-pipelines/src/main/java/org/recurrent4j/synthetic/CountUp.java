package org.recurrent4j.synthetic;

import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Counting up from a seed vector (1→N): one feed-forward vector says where to start and how far to
 * step, and the network writes the whole count,
 *
 * <pre>
 *   y_t = (s + k·t) mod V,   t = 0 .. L-1,
 * </pre>
 *
 * with the start {@code s} uniform in [0, V) and the stride {@code k} uniform in 1..K, drawn per
 * example.
 *
 * <p>Seed encoding, {@code F = V + K} columns: column {@code s} is 1 (the start, one-hot over the V
 * values), then column {@code V + k − 1} is 1 (the stride, one-hot over the K strides), all others
 * 0. Shapes: features {@code [batch, V + K]}, labels {@code [batch, V, L]} one-hot. Feed the vector
 * at the first step only or at every step (for example through DL4J's {@code RepeatVector}).
 *
 * <p>Baseline: as the start is uniform, every step's value is uniform over V whatever the stride, so
 * a model that ignores the seed cannot beat a cross-entropy of {@code ln V} per step ({@link
 * #baselineCrossEntropy()}), nor an accuracy of {@code 1/V}. DL4J's {@code score()} with an {@code
 * RnnOutputLayer} sums over the steps and averages over the examples: compare it with {@code L ln V}.
 *
 * <pre>{@code
 * CountUp task = new CountUp(10, 3, 8, 32, 100, 1);   // V = 10, K = 3, L = 8
 * INDArray seed = task.seedVector(7, 2);              // expects 7 9 1 3 5 7 9 1
 * }</pre>
 */
public class CountUp extends SyntheticTask {

    private static final long serialVersionUID = 1L;

    private final int values;
    private final int maxStride;
    private final int length;

    /**
     * @param values V, the count runs modulo V (at least 2)
     * @param maxStride K, strides are 1..K (at least 1, below V: a stride of V or more repeats a
     *     smaller one)
     * @param length L, the steps of the count
     */
    public CountUp(int values, int maxStride, int length, int batchSize, int batches, long seed) {
        super(batchSize, batches, seed);
        if (values < 2) {
            throw new IllegalArgumentException("values must be at least 2, got " + values);
        }
        if (maxStride < 1 || maxStride >= values) {
            throw new IllegalArgumentException("maxStride must be in 1.." + (values - 1)
                    + " (below values, as stride k + values counts like k), got " + maxStride);
        }
        if (length < 1) {
            throw new IllegalArgumentException("length must be at least 1, got " + length);
        }
        this.values = values;
        this.maxStride = maxStride;
        this.length = length;
    }

    /** The seed vector {@code [1, V + K]} of a start and a stride. */
    public INDArray seedVector(int start, int stride) {
        INDArray seed = Nd4j.zeros(DataType.FLOAT, 1, inputColumns());
        writeSeed(seed, 0, start, stride);
        return seed;
    }

    private void writeSeed(INDArray features, int example, int start, int stride) {
        if (start < 0 || start >= values) {
            throw new IllegalArgumentException("start must be in 0.." + (values - 1) + ", got " + start);
        }
        if (stride < 1 || stride > maxStride) {
            throw new IllegalArgumentException("stride must be in 1.." + maxStride + ", got " + stride);
        }
        features.putScalar(example, start, 1.0);
        features.putScalar(example, values + stride - 1, 1.0);
    }

    /** The value at step {@code t} of the count from {@code start} by {@code stride}. */
    public int value(int start, int stride, int t) {
        return (int) ((start + (long) stride * t) % values);
    }

    /** {@code ln V}: the cross-entropy per step of any model that ignores the seed. */
    public double baselineCrossEntropy() {
        return Math.log(values);
    }

    @Override
    protected DataSet generate(int size, Random random) {
        INDArray features = Nd4j.zeros(DataType.FLOAT, size, inputColumns());
        INDArray labels = Nd4j.zeros(DataType.FLOAT, size, values, length);
        for (int b = 0; b < size; b++) {
            int start = random.nextInt(values);
            int stride = 1 + random.nextInt(maxStride);
            writeSeed(features, b, start, stride);
            for (int t = 0; t < length; t++) {
                labels.putScalar(b, value(start, stride, t), t, 1.0);
            }
        }
        return new DataSet(features, labels);
    }

    public int length() {
        return length;
    }

    @Override
    public int inputColumns() {
        return values + maxStride;
    }

    @Override
    public int totalOutcomes() {
        return values;
    }
}
