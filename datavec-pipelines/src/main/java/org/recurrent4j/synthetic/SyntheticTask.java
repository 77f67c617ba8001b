package org.recurrent4j.synthetic;

import java.util.Random;
import org.nd4j.linalg.dataset.DataSet;
import org.recurrent4j.data.BatchIterator;

/**
 * A generated task as a DL4J {@link org.nd4j.linalg.dataset.api.iterator.DataSetIterator}:
 * {@code batches} mini-batches per epoch of {@code batchSize} fresh examples, reproducible from a
 * seed ({@link #reset()} replays the same epoch). Subclasses say how to make one batch.
 */
public abstract class SyntheticTask extends BatchIterator {

    private static final long serialVersionUID = 1L;

    private final int batches;
    private final long seed;
    private transient Random random;
    private int produced;

    protected SyntheticTask(int batchSize, int batches, long seed) {
        super(batchSize);
        if (batches < 1) {
            throw new IllegalArgumentException("batches (per epoch) must be at least 1, got " + batches);
        }
        this.batches = batches;
        this.seed = seed;
        this.random = new Random(seed);
    }

    /** Makes a batch of {@code size} examples from {@code random}. */
    protected abstract DataSet generate(int size, Random random);

    @Override
    protected DataSet nextBatch(int size) {
        produced++;
        return generate(size, random);
    }

    @Override
    protected String exhausted() {
        return "epoch finished after " + batches + " batches: call reset()";
    }

    @Override
    public boolean hasNext() {
        return produced < batches;
    }

    @Override
    public void reset() {
        random = new Random(seed);
        produced = 0;
    }
}
