package org.recurrent4j.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One verified checkpoint: a directory {@code checkpoint-<step>} of a {@link CheckpointStore}
 * whose every file matched its manifest when it was opened.
 *
 * <p>It holds the network with its updater state ({@value CheckpointStore#MODEL_FILE}, a DL4J
 * {@code ModelSerializer} file: parameters, configuration with the iteration count, the updater's
 * moments), the training step, the caller's properties (data position, seeds, settings), ND4J's
 * random state, and any extra files the caller saved (a vocabulary, a normalizer).
 *
 * <pre>{@code
 * Checkpoint c = new CheckpointStore(dir).newest().orElseThrow();
 * MultiLayerNetwork net = c.multiLayerNetwork();
 * c.restoreRandomState();
 * long step = c.step();
 * long batches = Long.parseLong(c.property("data.batches"));
 * }</pre>
 */
public final class Checkpoint {

    private final Path directory;
    private final long step;
    private final String modelType;
    private final Map<String, String> properties;
    private final long randomRootState;
    private final long randomNodeState;

    Checkpoint(
            Path directory,
            long step,
            String modelType,
            Map<String, String> properties,
            long randomRootState,
            long randomNodeState) {
        this.directory = directory;
        this.step = step;
        this.modelType = modelType;
        this.properties = Map.copyOf(properties);
        this.randomRootState = randomRootState;
        this.randomNodeState = randomNodeState;
    }

    /** The checkpoint's directory. */
    public Path directory() {
        return directory;
    }

    /** The training step (mini-batches done) when it was written. */
    public long step() {
        return step;
    }

    /** The caller's properties. */
    public Map<String, String> properties() {
        return properties;
    }

    /**
     * A property the caller saved.
     *
     * @throws CheckpointException if the checkpoint has no such property
     */
    public String property(String name) throws CheckpointException {
        String value = properties.get(name);
        if (value == null) {
            throw new CheckpointException("checkpoint " + directory + " has no property '" + name + "' (it has "
                    + properties.keySet() + "): it was written by another program or version");
        }
        return value;
    }

    /**
     * An extra file the caller saved, verified.
     *
     * @throws CheckpointException if the checkpoint has no such file
     */
    public Path file(String name) throws CheckpointException {
        Path file = directory.resolve(name);
        if (!Files.isRegularFile(file) || CheckpointStore.isReserved(name)) {
            throw new CheckpointException("checkpoint " + directory + " has no file '" + name + "'");
        }
        return file;
    }

    /** Whether the checkpoint holds a {@code ComputationGraph} (else a {@code MultiLayerNetwork}). */
    public boolean holdsGraph() {
        return modelType.equals(CheckpointStore.GRAPH);
    }

    /** The network with its updater state; fails if the checkpoint holds a graph. */
    public MultiLayerNetwork multiLayerNetwork() throws IOException {
        expectModel(CheckpointStore.MULTI_LAYER);
        return ModelSerializer.restoreMultiLayerNetwork(
                directory.resolve(CheckpointStore.MODEL_FILE).toFile(), true);
    }

    /** The graph with its updater state; fails if the checkpoint holds a MultiLayerNetwork. */
    public ComputationGraph computationGraph() throws IOException {
        expectModel(CheckpointStore.GRAPH);
        return ModelSerializer.restoreComputationGraph(
                directory.resolve(CheckpointStore.MODEL_FILE).toFile(), true);
    }

    /** Puts ND4J's random generator back where it was when the checkpoint was written (dropout masks). */
    public void restoreRandomState() {
        Nd4j.getRandom().setStates(randomRootState, randomNodeState);
    }

    private void expectModel(String expected) throws CheckpointException {
        if (!modelType.equals(expected)) {
            throw new CheckpointException("checkpoint " + directory + " holds a " + modelType + ", not a " + expected);
        }
    }

    @Override
    public String toString() {
        return "Checkpoint(step " + step + ", " + directory + ")";
    }
}
