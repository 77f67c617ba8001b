package org.recurrent4j.synthetic;

import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * A generated task as a DL4J {@link DataSetIterator}: {@code batches} mini-batches per epoch of
 * {@code batchSize} fresh examples, reproducible from a seed ({@link #reset()} replays the same
 * epoch). Subclasses say how to make one batch.
 */
public abstract class SyntheticTask implements DataSetIterator {

    private static final long serialVersionUID = 1L;

    private final int batchSize;
    private final int batches;
    private final long seed;
    private transient Random random;
    private int produced;
    private DataSetPreProcessor preProcessor;

    protected SyntheticTask(int batchSize, int batches, long seed) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
        }
        if (batches < 1) {
            throw new IllegalArgumentException("batches (per epoch) must be at least 1, got " + batches);
        }
        this.batchSize = batchSize;
        this.batches = batches;
        this.seed = seed;
        this.random = new Random(seed);
    }

    /** Makes a batch of {@code size} examples from {@code random}. */
    protected abstract DataSet generate(int size, Random random);

    @Override
    public DataSet next(int num) {
        if (!hasNext()) {
            throw new NoSuchElementException("epoch finished after " + batches + " batches: call reset()");
        }
        produced++;
        DataSet data = generate(num, random);
        if (preProcessor != null) {
            preProcessor.preProcess(data);
        }
        return data;
    }

    @Override
    public DataSet next() {
        return next(batchSize);
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

    @Override
    public boolean resetSupported() {
        return true;
    }

    @Override
    public boolean asyncSupported() {
        return true;
    }

    @Override
    public int batch() {
        return batchSize;
    }

    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) {
        this.preProcessor = preProcessor;
    }

    @Override
    public DataSetPreProcessor getPreProcessor() {
        return preProcessor;
    }

    @Override
    public List<String> getLabels() {
        return null;
    }
}
