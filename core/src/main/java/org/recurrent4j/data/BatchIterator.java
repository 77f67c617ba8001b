package org.recurrent4j.data;

import java.util.List;
import java.util.NoSuchElementException;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * The part of DL4J's {@code DataSetIterator} contract that every iterator of mini-batches writes the
 * same way: the batch size, {@code next()} as {@code next(batch())}, the pre-processor applied to
 * every batch, an exhausted iterator's exception, resettable and usable asynchronously. A subclass
 * says how to make a batch, when the pass is over, how to reset, and its shapes.
 *
 * <pre>{@code
 * final class Noise extends BatchIterator {
 *     private int given;
 *     Noise() { super(32); }
 *     protected DataSet nextBatch(int size) { given++; return new DataSet(Nd4j.rand(size, 4), Nd4j.rand(size, 1)); }
 *     public boolean hasNext() { return given < 10; }
 *     public void reset() { given = 0; }
 *     public int inputColumns() { return 4; }
 *     public int totalOutcomes() { return 1; }
 * }
 * }</pre>
 */
public abstract class BatchIterator implements DataSetIterator {

    private static final long serialVersionUID = 1L;

    private final int batchSize;
    private DataSetPreProcessor preProcessor;

    /** @throws IllegalArgumentException if {@code batchSize} is below 1 */
    protected BatchIterator(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
        }
        this.batchSize = batchSize;
    }

    /** The next batch of {@code size} examples (fewer at the end of a pass); called only while {@link #hasNext()}. */
    protected abstract DataSet nextBatch(int size);

    /** What {@code next} says when the pass is over. */
    protected String exhausted() {
        return "the pass is over: call reset()";
    }

    @Override
    public final DataSet next(int num) {
        if (!hasNext()) {
            throw new NoSuchElementException(exhausted());
        }
        DataSet data = nextBatch(num);
        if (preProcessor != null) {
            preProcessor.preProcess(data);
        }
        return data;
    }

    @Override
    public final DataSet next() {
        return next(batchSize);
    }

    @Override
    public int batch() {
        return batchSize;
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
    public void setPreProcessor(DataSetPreProcessor preProcessor) {
        this.preProcessor = preProcessor;
    }

    @Override
    public DataSetPreProcessor getPreProcessor() {
        return preProcessor;
    }

    /** No label names (override for a classifier's). */
    @Override
    public List<String> getLabels() {
        return null;
    }
}
