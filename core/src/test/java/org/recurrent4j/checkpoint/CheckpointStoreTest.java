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
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.recurrent4j.arch.SequenceClassifier;
import org.recurrent4j.conf.CellTypes;

class CheckpointStoreTest {

    private static float[] bits(INDArray a) {
        return a.dup().data().asFloat();
    }

    /** Training k + m steps equals training k, checkpointing, restoring and training m: bit for bit. */
    @Test
    void resumingContinuesExactly(@TempDir Path dir) throws IOException {
        MultiLayerNetwork straight = SmallTrainingRun.network();
        SmallTrainingRun.train(straight, 0, 12);

        MultiLayerNetwork first = SmallTrainingRun.network();
        SmallTrainingRun.train(first, 0, 5);
        CheckpointStore store = new CheckpointStore(dir, 2);
        store.save(5, first, Map.of("data.position", "5"), Map.of());
        // What another process would see: a different generator state, no network in memory.
        Nd4j.getRandom().setSeed(123456);
        Checkpoint c = store.newest().orElseThrow();
        assertEquals(5, c.step());
        assertEquals("5", c.property("data.position"));
        MultiLayerNetwork resumed = c.multiLayerNetwork();
        c.restoreRandomState();
        SmallTrainingRun.train(resumed, Long.parseLong(c.property("data.position")), 12);

        assertArrayEquals(bits(straight.params()), bits(resumed.params()));
        assertArrayEquals(
                bits(straight.getUpdater().getStateViewArray()),
                bits(resumed.getUpdater().getStateViewArray()));
        assertEquals(straight.getIterationCount(), resumed.getIterationCount());
    }

    /** Without the generator's state, dropout draws other masks: the restore above is what makes it exact. */
    @Test
    void theRandomStateMatters(@TempDir Path dir) throws IOException {
        MultiLayerNetwork straight = SmallTrainingRun.network();
        SmallTrainingRun.train(straight, 0, 8);
        MultiLayerNetwork first = SmallTrainingRun.network();
        SmallTrainingRun.train(first, 0, 4);
        CheckpointStore store = new CheckpointStore(dir, 2);
        store.save(4, first, Map.of(), Map.of());
        Nd4j.getRandom().setSeed(123456);
        MultiLayerNetwork resumed = store.newest().orElseThrow().multiLayerNetwork();
        SmallTrainingRun.train(resumed, 4, 8);
        assertTrue(straight.params().sub(resumed.params()).amaxNumber().doubleValue() > 0);
    }

    @Test
    void keepsTheNewestAndRemovesWhatAKilledRunLeft(@TempDir Path dir) throws IOException {
        MultiLayerNetwork net = SmallTrainingRun.network();
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
        MultiLayerNetwork net = SmallTrainingRun.network();
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
        MultiLayerNetwork net = SmallTrainingRun.network();
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
                .cell(CellTypes.GRU)
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
