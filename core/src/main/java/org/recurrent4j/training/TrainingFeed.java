package org.recurrent4j.training;

import java.util.Iterator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;

/** Where a {@link TrainingRun}'s batches come from, and how one is fitted. */
abstract sealed class TrainingFeed {

    /**
     * The batches of {@code epoch} (1-based), asked for in order; an endless feed has one endless
     * epoch, which a resumed run enters after {@link #skip}.
     */
    abstract Iterator<?> epoch(int epoch);

    /** Whether the feed is endless (a batch source): no epochs. */
    abstract boolean endless();

    /** Moves an endless feed past {@code batches} batches. */
    void skip(long batches) {
        throw new UnsupportedOperationException("only an endless feed skips");
    }

    static long examples(Object batch) {
        if (batch instanceof DataSet d) {
            return d.numExamples();
        }
        return ((MultiDataSet) batch).getFeatures(0).size(0);
    }

    static void fit(Model net, Object batch) {
        if (batch instanceof DataSet d) {
            if (net instanceof MultiLayerNetwork mln) {
                mln.fit(d);
            } else {
                ((ComputationGraph) net).fit(d);
            }
        } else if (batch instanceof MultiDataSet m) {
            if (net instanceof ComputationGraph graph) {
                graph.fit(m);
            } else {
                throw new IllegalArgumentException("a MultiDataSet trains a ComputationGraph, not a "
                        + net.getClass().getSimpleName());
            }
        } else {
            throw new IllegalArgumentException("a training batch is a DataSet or a MultiDataSet, got "
                    + (batch == null ? "null" : batch.getClass().getName()));
        }
    }

    /** A DL4J iterator: an epoch is a reset and a pass. */
    static final class Iterated extends TrainingFeed {
        private final DataSetIterator dataSets;
        private final MultiDataSetIterator multiDataSets;

        Iterated(DataSetIterator dataSets) {
            this.dataSets = dataSets;
            this.multiDataSets = null;
        }

        Iterated(MultiDataSetIterator multiDataSets) {
            this.dataSets = null;
            this.multiDataSets = multiDataSets;
        }

        boolean resettable() {
            return dataSets != null ? dataSets.resetSupported() : multiDataSets.resetSupported();
        }

        @Override
        Iterator<?> epoch(int epoch) {
            if (dataSets != null) {
                if (dataSets.resetSupported()) {
                    dataSets.reset();
                }
                return dataSets;
            }
            if (multiDataSets.resetSupported()) {
                multiDataSets.reset();
            }
            return multiDataSets;
        }

        @Override
        boolean endless() {
            return false;
        }
    }

    /** An epoch source: each epoch's batches as it says. */
    static final class ByEpoch extends TrainingFeed {
        private final EpochSource<?> source;

        ByEpoch(EpochSource<?> source) {
            this.source = source;
        }

        @Override
        Iterator<?> epoch(int epoch) {
            return source.epoch(epoch);
        }

        @Override
        boolean endless() {
            return false;
        }
    }

    /** A batch source: one endless epoch. */
    static final class Endless extends TrainingFeed {
        private final BatchSource<?> source;

        Endless(BatchSource<?> source) {
            this.source = source;
        }

        @Override
        Iterator<?> epoch(int epoch) {
            return new Iterator<Object>() {
                @Override
                public boolean hasNext() {
                    return true;
                }

                @Override
                public Object next() {
                    return source.next();
                }
            };
        }

        @Override
        boolean endless() {
            return true;
        }

        @Override
        void skip(long batches) {
            source.skip(batches);
        }
    }
}
