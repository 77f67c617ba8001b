package org.recurrent4j.synthetic;

import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The delayed-recall (copy) task: a sequence of uniformly random symbols, one-hot; at every step
 * the target is the symbol seen {@code delay} steps earlier. Steps before the delay have no target
 * (label mask 0). Symbols are independent, so a model without memory cannot beat chance, {@code
 * 1/symbols}.
 *
 * <p>Shapes: features and labels {@code [batch, symbols, length]} (N→N), label mask {@code [batch,
 * length]}.
 */
public class DelayedRecall extends SyntheticTask {

    private static final long serialVersionUID = 1L;
    private final int symbols;
    private final int length;
    private final int delay;

    public DelayedRecall(int symbols, int length, int delay, int batchSize, int batches, long seed) {
        super(batchSize, batches, seed);
        if (symbols < 2 || delay < 0 || delay >= length) {
            throw new IllegalArgumentException("need at least 2 symbols and 0 <= delay < length; got symbols " + symbols
                    + ", length " + length + ", delay " + delay);
        }
        this.symbols = symbols;
        this.length = length;
        this.delay = delay;
    }

    @Override
    protected DataSet generate(int size, Random random) {
        INDArray x = Nd4j.zeros(DataType.FLOAT, size, symbols, length);
        INDArray y = Nd4j.zeros(DataType.FLOAT, size, symbols, length);
        INDArray mask = Nd4j.ones(DataType.FLOAT, size, length);
        int[] seen = new int[length];
        for (int b = 0; b < size; b++) {
            for (int t = 0; t < length; t++) {
                seen[t] = random.nextInt(symbols);
                x.putScalar(b, seen[t], t, 1.0);
                if (t >= delay) {
                    y.putScalar(b, seen[t - delay], t, 1.0);
                } else {
                    mask.putScalar(b, t, 0.0);
                }
            }
        }
        return new DataSet(x, y, null, mask);
    }

    @Override
    public int inputColumns() {
        return symbols;
    }

    @Override
    public int totalOutcomes() {
        return symbols;
    }
}
