package org.recurrent4j.training;

/**
 * An endless stream of mini-batches ({@code DataSet} or {@code MultiDataSet}) for a {@link
 * TrainingRun} that counts steps or time rather than epochs: random windows of a text, samples of
 * a generator.
 *
 * <p>Exact resumption needs {@link #skip}: a resumed run skips the batches its checkpoint's steps
 * used, and must then get the batches the uninterrupted run got. The default draws and drops them,
 * which is right for any stream that is deterministic from its start (a generator seeded once); a
 * source that can jump ahead should.
 *
 * <pre>{@code
 * Random random = new Random(7);
 * BatchSource<DataSet> source = () -> task.batch(32, random);
 * }</pre>
 *
 * @param <B> {@code DataSet} or {@code MultiDataSet}
 */
@FunctionalInterface
public interface BatchSource<B> {

    /** The next batch. */
    B next();

    /** Moves past {@code batches} batches, as if they had been drawn. */
    default void skip(long batches) {
        for (long i = 0; i < batches; i++) {
            next();
        }
    }
}
