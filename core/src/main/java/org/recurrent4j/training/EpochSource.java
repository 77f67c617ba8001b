package org.recurrent4j.training;

import java.util.Iterator;

/**
 * The mini-batches ({@code DataSet} or {@code MultiDataSet}) of each epoch of a {@link
 * TrainingRun}, asked for in order: epoch 1, 2, 3, ... A run resumed from a checkpoint asks for the
 * epochs already done again and reads through them, so a source whose epochs depend on the ones
 * before (a generator seeded once) or only on the epoch's number (a shuffle seeded by it) gives the
 * resumed run the batches the uninterrupted one got.
 *
 * <pre>{@code
 * EpochSource<DataSet> shuffled = epoch -> {
 *     train.shuffle(seed + epoch);
 *     return train.batchBy(32).iterator();
 * };
 * }</pre>
 *
 * @param <B> {@code DataSet} or {@code MultiDataSet}
 */
@FunctionalInterface
public interface EpochSource<B> {

    /** The batches of {@code epoch} (1-based). */
    Iterator<B> epoch(int epoch);
}
