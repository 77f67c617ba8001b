package org.recurrent4j.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.recurrent4j.arch.CellType;
import org.recurrent4j.arch.SequenceClassifier;
import org.recurrent4j.conf.Lstm;

class CheckpointStoreTest {

    private static MultiLayerNetwork network() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(5)
                .dataType(DataType.FLOAT)
                .updater(new Adam(new ExponentialSchedule(ScheduleType.ITERATION, 0.01, 0.99)))
                .list()
                .layer(new Lstm.Builder().nIn(3).nOut(6).build())
                // Dropout draws from ND4J's generator: resuming must restore its state too.
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX)
                        .dropOut(0.7)
                        .nIn(6)
                        .nOut(4)
                        .build())
                .build());
        net.init();
        return net;
    }

    /** The batch of a step: the data position is the step itself. */
    private static DataSet batch(long step) {
        Random r = new Random(1000 + step);
        INDArray x = Nd4j.create(DataType.FLOAT, 8, 3, 7);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 8, 4, 7);
        for (int b = 0; b < 8; b++) {
            for (int t = 0; t < 7; t++) {
                for (int f = 0; f < 3; f++) {
                    x.putScalar(b, f, t, r.nextGaussian());
                }
                y.putScalar(b, r.nextInt(4), t, 1);
            }
        }
        return new DataSet(x, y);
    }

    private static void train(MultiLayerNetwork net, long from, long to) {
        for (long step = from; step < to; step++) {
            net.fit(batch(step));
        }
    }

    private static float[] bits(INDArray a) {
        return a.dup().data().asFloat();
    }

    /** Training k + m steps equals training k, checkpointing, restoring and training m: bit for bit. */
    @Test
    void resumingContinuesExactly(@TempDir Path dir) throws IOException {
        Nd4j.getRandom().setSeed(77);
        MultiLayerNetwork straight = network();
        train(straight, 0, 12);

        Nd4j.getRandom().setSeed(77);
        MultiLayerNetwork first = network();
        train(first, 0, 5);
        CheckpointStore store = new CheckpointStore(dir, 2);
        store.save(5, first, Map.of("data.position", "5"), Map.of());
        // What another process would see: a different generator state, no network in memory.
        Nd4j.getRandom().setSeed(123456);
        Checkpoint c = store.newest().orElseThrow();
        assertEquals(5, c.step());
        assertEquals("5", c.property("data.position"));
        MultiLayerNetwork resumed = c.multiLayerNetwork();
        c.restoreRandomState();
        train(resumed, Long.parseLong(c.property("data.position")), 12);

        assertArrayEquals(bits(straight.params()), bits(resumed.params()));
        assertArrayEquals(
                bits(straight.getUpdater().getStateViewArray()),
                bits(resumed.getUpdater().getStateViewArray()));
        assertEquals(straight.getIterationCount(), resumed.getIterationCount());
    }

    /** Without the generator's state, dropout draws other masks: the restore above is what makes it exact. */
    @Test
    void theRandomStateMatters(@TempDir Path dir) throws IOException {
        Nd4j.getRandom().setSeed(77);
        MultiLayerNetwork straight = network();
        train(straight, 0, 8);
        Nd4j.getRandom().setSeed(77);
        MultiLayerNetwork first = network();
        train(first, 0, 4);
        CheckpointStore store = new CheckpointStore(dir, 2);
        store.save(4, first, Map.of(), Map.of());
        Nd4j.getRandom().setSeed(123456);
        MultiLayerNetwork resumed = store.newest().orElseThrow().multiLayerNetwork();
        train(resumed, 4, 8);
        assertTrue(straight.params().sub(resumed.params()).amaxNumber().doubleValue() > 0);
    }

    @Test
    void keepsTheNewestAndRemovesWhatAKilledRunLeft(@TempDir Path dir) throws IOException {
        MultiLayerNetwork net = network();
        CheckpointStore store = new CheckpointStore(dir, 2);
        Path leftover = Files.createDirectory(dir.resolve(".checkpoint-7-123"));
        Files.writeString(leftover.resolve("model.zip"), "half written");
        for (long step : new long[] {1, 2, 3}) {
            store.save(step, net, Map.of(), Map.of("notes.txt", out -> out.write(("step " + step).getBytes())));
        }
        List<Path> kept = store.checkpoints();
        assertEquals(
                List.of("checkpoint-000000000002", "checkpoint-000000000003"),
                kept.stream().map(p -> p.getFileName().toString()).toList());
        assertTrue(Files.notExists(leftover));
        assertEquals("step 3", Files.readString(store.newest().orElseThrow().file("notes.txt")));
    }

    @Test
    void aFailedSaveLeavesThePreviousCheckpointAndNoDebris(@TempDir Path dir) throws IOException {
        MultiLayerNetwork net = network();
        CheckpointStore store = new CheckpointStore(dir, 2);
        store.save(1, net, Map.of(), Map.of());
        IOException e = assertThrows(
                IOException.class,
                () -> store.save(2, net, Map.of(), Map.of("vocabulary.txt", out -> {
                    throw new IOException("disk full");
                })));
        assertEquals("disk full", e.getMessage());
        assertEquals(1, store.newest().orElseThrow().step());
        try (var files = Files.list(dir)) {
            assertEquals(
                    List.of("checkpoint-000000000001"),
                    files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void aDamagedCheckpointIsAnErrorThatNamesTheFileAndThePreviousGoodOne(@TempDir Path dir) throws IOException {
        MultiLayerNetwork net = network();
        CheckpointStore store = new CheckpointStore(dir, 3);
        Path good = store.save(1, net, Map.of(), Map.of());
        Path damaged = store.save(2, net, Map.of(), Map.of());
        byte[] model = Files.readAllBytes(damaged.resolve(CheckpointStore.MODEL_FILE));
        model[model.length / 2] ^= 0x10;
        Files.write(damaged.resolve(CheckpointStore.MODEL_FILE), model);

        CheckpointException e = assertThrows(CheckpointException.class, store::newest);
        assertTrue(e.getMessage().contains(damaged.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("model.zip differs"), e.getMessage());
        assertTrue(e.getMessage().contains("the previous good one is " + good), e.getMessage());
        assertEquals(1, CheckpointStore.open(good).step());

        Files.write(damaged.resolve(CheckpointStore.MODEL_FILE), new byte[10]);
        e = assertThrows(CheckpointException.class, () -> CheckpointStore.open(damaged));
        assertTrue(e.getMessage().contains("model.zip has 10 bytes"), e.getMessage());
    }

    @Test
    void aForeignDirectoryIsNotACheckpoint(@TempDir Path dir) throws IOException {
        Path foreign = Files.createDirectories(dir.resolve("checkpoint-000000000004"));
        Files.writeString(foreign.resolve("model.zip"), "not a model");
        CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointStore.open(foreign));
        assertTrue(e.getMessage().contains("has no MANIFEST.properties"), e.getMessage());
        Files.writeString(foreign.resolve(CheckpointStore.MANIFEST_FILE), "format=something-else\n");
        e = assertThrows(CheckpointException.class, () -> CheckpointStore.open(foreign));
        assertTrue(e.getMessage().contains("is not a recurrent4j checkpoint"), e.getMessage());
        Files.writeString(
                foreign.resolve(CheckpointStore.MANIFEST_FILE),
                "format=recurrent4j-checkpoint-1\n" + "file.../escape=1 abc\n",
                StandardCharsets.UTF_8);
        e = assertThrows(CheckpointException.class, () -> CheckpointStore.open(foreign));
        assertTrue(e.getMessage().contains("malformed entry"), e.getMessage());
        e = assertThrows(CheckpointException.class, () -> CheckpointStore.open(dir.resolve("missing")));
        assertTrue(e.getMessage().contains("not a directory"), e.getMessage());
    }

    @Test
    void graphsToo(@TempDir Path dir) throws IOException {
        ComputationGraph graph = new ComputationGraph(new SequenceClassifier()
                .features(3)
                .cell(CellType.GRU)
                .hidden(4)
                .classes(2)
                .build());
        graph.init();
        CheckpointStore store = new CheckpointStore(dir, 1);
        store.save(3, graph, Map.of(), Map.of());
        Checkpoint c = store.newest().orElseThrow();
        assertEquals(graph.params(), c.computationGraph().params());
        CheckpointException e = assertThrows(CheckpointException.class, c::multiLayerNetwork);
        assertTrue(e.getMessage().contains("holds a ComputationGraph, not a MultiLayerNetwork"), e.getMessage());
        e = assertThrows(CheckpointException.class, () -> c.property("data.position"));
        assertTrue(e.getMessage().contains("has no property 'data.position'"), e.getMessage());
    }
}
