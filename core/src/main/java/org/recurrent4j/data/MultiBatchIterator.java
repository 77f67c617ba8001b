package org.recurrent4j.data;

import java.util.NoSuchElementException;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.MultiDataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;

/**
 * {@link BatchIterator} for DL4J's {@code MultiDataSetIterator} (several inputs or outputs, as an
 * encoder–decoder's): the batch size, {@code next()} as {@code next(batch())}, the pre-processor
 * applied to every batch, an exhausted iterator's exception, resettable and usable asynchronously.
 */
public abstract class MultiBatchIterator implements MultiDataSetIterator {

    private static final long serialVersionUID = 1L;

    private final int batchSize;
    private MultiDataSetPreProcessor preProcessor;

    /** @throws IllegalArgumentException if {@code batchSize} is below 1 */
    protected MultiBatchIterator(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
        }
        this.batchSize = batchSize;
    }

    /** The next batch of {@code size} examples; called only while {@link #hasNext()}. */
    protected abstract MultiDataSet nextBatch(int size);

    /** What {@code next} says when the pass is over. */
    protected String exhausted() {
        return "the pass is over: call reset()";
    }

    @Override
    public final MultiDataSet next(int num) {
        if (!hasNext()) {
            throw new NoSuchElementException(exhausted());
        }
        MultiDataSet data = nextBatch(num);
        if (preProcessor != null) {
            preProcessor.preProcess(data);
        }
        return data;
    }

    @Override
    public final MultiDataSet next() {
        return next(batchSize);
    }

    /** The examples per batch. */
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
    public void setPreProcessor(MultiDataSetPreProcessor preProcessor) {
        this.preProcessor = preProcessor;
    }

    @Override
    public MultiDataSetPreProcessor getPreProcessor() {
        return preProcessor;
    }
}
