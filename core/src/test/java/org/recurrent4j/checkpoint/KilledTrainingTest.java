package org.recurrent4j.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} at random moments, many times, some of them while a checkpoint is being written:
 * after every kill the newest checkpoint loads, no more than one checkpoint interval of steps is
 * lost, and when the run finally completes, its parameters equal those of a run that was never
 * interrupted, bit for bit.
 *
 * <p>Kills: {@value #DEFAULT_KILLS} in the suite; {@code -Drecurrent4j.kills=50} for the figures in
 * {@code docs/reliability.md}. Every other kill waits for a checkpoint write to begin, then strikes
 * within the next few milliseconds; the others strike at a random moment of training.
 */
class KilledTrainingTest {

    private static final int DEFAULT_KILLS = 10;
    private static final long INTERVAL = 3;
    private static final long FOREVER = 1_000_000;

    @Test
    void everyKillLeavesALoadableCheckpointAndTheResumedRunEndsExactly(@TempDir Path dir) throws Exception {
        int kills = Integer.getInteger("recurrent4j.kills", DEFAULT_KILLS);
        Path store = dir.resolve("store");
        Path log = dir.resolve("progress.log");
        Files.createFile(log);
        Random random = new Random(2026);
        int duringWrite = 0;
        int corrupt = 0;
        long mostLost = 0;
        for (int kill = 0; kill < kills; kill++) {
            int linesBefore = lines(log).size();
            Process child = TrainUntilKilled.start(store, log, FOREVER, INTERVAL);
            try {
                waitFor(log, linesBefore, "resumed", child);
                if (kill % 2 == 0) {
                    waitFor(log, lines(log).size(), "writing", child);
                    Thread.sleep(random.nextInt(40));
                } else {
                    Thread.sleep(200 + random.nextInt(1500));
                }
            } finally {
                child.destroyForcibly();
                child.waitFor(30, TimeUnit.SECONDS);
            }
            List<String> all = lines(log);
            List<String> run = all.subList(linesBefore, all.size());
            String last = run.get(run.size() - 1);
            if (last.startsWith("writing")) {
                duringWrite++;
            }
            long done = run.stream()
                    .filter(l -> l.startsWith("step "))
                    .mapToLong(l -> Long.parseLong(l.substring(5)))
                    .max()
                    .orElse(0);
            try {
                // Before the first checkpoint is complete there is none: the run restarts from step 0.
                long saved = 0;
                var newest = new CheckpointStore(store, 2).newest();
                if (newest.isPresent()) {
                    newest.get().multiLayerNetwork();
                    saved = newest.get().step();
                }
                mostLost = Math.max(mostLost, done - saved);
            } catch (CheckpointException e) {
                corrupt++;
            }
        }
        // On a loaded machine every kill may come before the first checkpoint is complete: then the
        // last run starts from step 0, as a user's would.
        long resumedAt =
                new CheckpointStore(store, 2).newest().map(Checkpoint::step).orElse(0L);
        long until = resumedAt + 5;
        Process finish = TrainUntilKilled.start(store, log, until, INTERVAL);
        assertTrue(finish.waitFor(120, TimeUnit.SECONDS), "the last run did not finish");
        assertEquals(0, finish.exitValue(), "the last run failed: " + Files.readString(Path.of(log + ".err")));

        Path straightStore = dir.resolve("straight");
        Path straightLog = dir.resolve("straight.log");
        Process straight = TrainUntilKilled.start(straightStore, straightLog, until, until);
        assertTrue(straight.waitFor(120, TimeUnit.SECONDS), "the uninterrupted run did not finish");
        assertEquals(0, straight.exitValue(), Files.readString(Path.of(straightLog + ".err")));

        System.out.printf(
                "kill -9: %d kills (%d during a checkpoint write), %d corrupt checkpoints, at most %d steps lost"
                        + " (interval %d); resumed run reached step %d%n",
                kills, duringWrite, corrupt, mostLost, INTERVAL, until);
        assertEquals(0, corrupt, "corrupt checkpoints after kills");
        assertTrue(mostLost <= INTERVAL, "lost " + mostLost + " steps, more than one interval");
        assertTrue(duringWrite >= 1, "no kill struck during a checkpoint write");
        assertArrayEquals(
                CheckpointStore.open(straightStore.resolve(String.format("checkpoint-%012d", until)))
                        .multiLayerNetwork()
                        .params()
                        .data()
                        .asFloat(),
                CheckpointStore.open(store.resolve(String.format("checkpoint-%012d", until)))
                        .multiLayerNetwork()
                        .params()
                        .data()
                        .asFloat());
    }

    private static List<String> lines(Path log) throws IOException {
        return Files.readAllLines(log).stream().filter(l -> !l.isEmpty()).toList();
    }

    /** Waits until a line starting with {@code prefix} appears after line {@code from}. */
    private static void waitFor(Path log, int from, String prefix, Process child) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            List<String> all = lines(log);
            for (int i = from; i < all.size(); i++) {
                if (all.get(i).startsWith(prefix)) {
                    return;
                }
            }
            if (!child.isAlive()) {
                fail("the child exited (" + child.exitValue() + ") before '" + prefix + "': "
                        + Files.readString(Path.of(log + ".err")));
            }
            Thread.sleep(5);
        }
        fail("no '" + prefix + "' line within 120 s");
    }
}
