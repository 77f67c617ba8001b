package org.recurrent4j.spark.training;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.spark.api.java.JavaRDD;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.nd4j.linalg.dataset.DataSet;
import org.recurrent4j.checkpoint.Checkpoint;
import org.recurrent4j.checkpoint.CheckpointException;
import org.recurrent4j.checkpoint.CheckpointStore;

/**
 * Epochs of distributed training with a checkpoint after each, so that a job that fails (a lost
 * driver, more lost executors than Spark retries) is resumed from its last finished epoch instead
 * of from scratch.
 *
 * <p>An epoch is one {@code fit} of the Spark network over the training RDD (all its rounds of
 * parameter averaging, or of gradient sharing). After it, the driver's network (parameters and
 * updater state) is written to the {@link CheckpointStore} as step {@code epoch}, with the
 * properties {@code epoch} and {@code score} (the last round's mean minibatch loss), what the
 * caller's {@link EpochEnd} measured, and the caller's extra files (a vocabulary, a normalizer):
 * atomically, so a crash leaves the previous checkpoint whole.
 *
 * <pre>{@code
 * SparkTrainingRun run = new SparkTrainingRun(new CheckpointStore(dir, 2),
 *         Map.of("words.txt", out -> out.write(vocabularyBytes)));
 * Optional<Checkpoint> last = run.newest();                      // empty on a fresh run
 * MultiLayerNetwork net = last.isPresent() ? last.get().multiLayerNetwork() : freshNetwork();
 * run.train(new SparkDl4jMultiLayer(sc, net, master), train, 10,
 *         (epoch, model) -> Map.of("dev.accuracy", ...));        // epochs done+1 .. 10
 * }</pre>
 */
public final class SparkTrainingRun {

    /** The epoch a checkpoint ends, as a property. */
    public static final String EPOCH = "epoch";
    /** The last averaging round's mean minibatch loss, as a property. */
    public static final String SCORE = "score";

    /** What to measure and record after an epoch (on the driver; it may run Spark jobs). */
    @FunctionalInterface
    public interface EpochEnd {
        /** Measurements to record in the epoch's checkpoint (names to values); may be empty. */
        Map<String, String> after(int epoch, Model network) throws IOException;
    }

    private final CheckpointStore store;
    private final Map<String, CheckpointStore.Extra> extras;

    /**
     * @param store where the checkpoints go, and the run resumes from
     * @param extras files written into every checkpoint beside the network
     */
    public SparkTrainingRun(CheckpointStore store, Map<String, CheckpointStore.Extra> extras) {
        this.store = Objects.requireNonNull(store, "store");
        this.extras = Map.copyOf(extras);
    }

    /** The newest checkpoint, verified; empty for a fresh run. */
    public Optional<Checkpoint> newest() throws IOException {
        return store.newest();
    }

    /** The epochs the newest checkpoint has finished; 0 without one. */
    public int epochsDone() throws IOException {
        Optional<Checkpoint> newest = store.newest();
        if (newest.isEmpty()) {
            return 0;
        }
        String epoch = newest.get().property(EPOCH);
        try {
            return Integer.parseInt(epoch);
        } catch (NumberFormatException e) {
            throw new CheckpointException("checkpoint " + newest.get().directory() + ": property '" + EPOCH + "' is '"
                    + epoch + "', not an epoch number; was it written by another program?");
        }
    }

    /**
     * Trains from the epoch after {@link #epochsDone()} to {@code epochs}, checkpointing each.
     *
     * @return the epochs trained by this call (0 if the checkpoints were already there)
     */
    public int train(SparkDl4jMultiLayer network, JavaRDD<DataSet> data, int epochs, EpochEnd end) throws IOException {
        return train(network::fit, network::getNetwork, network::getScore, data, epochs, end);
    }

    /** As {@link #train(SparkDl4jMultiLayer, JavaRDD, int, EpochEnd)}, for a graph of one input and output. */
    public int train(SparkComputationGraph network, JavaRDD<DataSet> data, int epochs, EpochEnd end)
            throws IOException {
        return train(network::fit, network::getNetwork, network::getScore, data, epochs, end);
    }

    private interface Fit {
        void fit(JavaRDD<DataSet> data);
    }

    private interface Network {
        Model get();
    }

    private interface Score {
        double get();
    }

    private int train(Fit fit, Network network, Score score, JavaRDD<DataSet> data, int epochs, EpochEnd end)
            throws IOException {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        }
        int done = epochsDone();
        for (int epoch = done + 1; epoch <= epochs; epoch++) {
            fit.fit(data);
            Map<String, String> properties = new LinkedHashMap<>();
            properties.put(EPOCH, Integer.toString(epoch));
            properties.put(SCORE, Double.toString(score.get()));
            Map<String, String> measured = end == null ? Map.of() : end.after(epoch, network.get());
            for (Map.Entry<String, String> m : measured.entrySet()) {
                if (properties.containsKey(m.getKey())) {
                    throw new IllegalArgumentException("measurement '" + m.getKey() + "' would overwrite the run's"
                            + " own property of that name; call it something else");
                }
                properties.put(m.getKey(), m.getValue());
            }
            store.save(epoch, network.get(), properties, extras);
        }
        return Math.max(0, epochs - done);
    }
}
