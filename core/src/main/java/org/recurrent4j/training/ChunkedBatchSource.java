package org.recurrent4j.training;

import java.util.Iterator;
import java.util.function.IntFunction;

/**
 * A {@link BatchSource} made of chunks of {@code size} batches, chunk {@code k} (0, 1, 2, ...) drawn
 * by an iterator of its own (typically a generator seeded with {@code k}). Resuming after {@code n}
 * steps jumps straight to chunk {@code n / size} and draws only the batches before it in that chunk,
 * so a long run resumes in constant time and gets exactly the batches an uninterrupted run got.
 *
 * <pre>{@code
 * BatchSource<MultiDataSet> batches = new ChunkedBatchSource<>(500,
 *         chunk -> new SceneCaptions(scenes, HeldOutSplit.Part.TRAINING, 32, 500, seed * 1_000_003L + chunk));
 * }</pre>
 *
 * @param <B> {@code DataSet} or {@code MultiDataSet}
 */
public final class ChunkedBatchSource<B> implements BatchSource<B> {

    private final int size;
    private final IntFunction<? extends Iterator<B>> chunks;
    private int chunk;
    private Iterator<B> batches;

    /**
     * @param size the batches of each chunk (what {@code chunks} must give)
     * @param chunks chunk {@code k}'s batches
     * @throws IllegalArgumentException if {@code size} is below 1
     */
    public ChunkedBatchSource(int size, IntFunction<? extends Iterator<B>> chunks) {
        if (size < 1) {
            throw new IllegalArgumentException("a chunk holds at least 1 batch, got " + size);
        }
        this.size = size;
        this.chunks = chunks;
    }

    @Override
    public B next() {
        if (batches == null || !batches.hasNext()) {
            batches = chunks.apply(chunk++);
        }
        return batches.next();
    }

    @Override
    public void skip(long steps) {
        chunk = Math.toIntExact(steps / size);
        batches = null;
        for (long i = 0; i < steps % size; i++) {
            next();
        }
    }
}
