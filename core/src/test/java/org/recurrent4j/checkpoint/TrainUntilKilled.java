package org.recurrent4j.checkpoint;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The main class of a child JVM that trains {@link SmallTrainingRun} with checkpoints until it is
 * killed or reaches a step: {@code <store> <log> <until> <interval>}. It resumes from the store's
 * newest checkpoint if there is one, and appends to {@code <log>}, one unbuffered line per event:
 * {@code resumed K}, {@code step K} (step K done), {@code writing K}, {@code saved K}, {@code
 * finished K}. Exits 0 at {@code until}, 1 on any error (printed).
 */
final class TrainUntilKilled {

    private TrainUntilKilled() {}

    public static void main(String[] args) {
        try (OutputStream log = new FileOutputStream(args[1], true)) {
            CheckpointStore store = new CheckpointStore(Path.of(args[0]), 2);
            long until = Long.parseLong(args[2]);
            long interval = Long.parseLong(args[3]);
            Optional<Checkpoint> newest = store.newest();
            MultiLayerNetwork net;
            long step;
            if (newest.isPresent()) {
                net = newest.get().multiLayerNetwork();
                newest.get().restoreRandomState();
                step = newest.get().step();
            } else {
                net = SmallTrainingRun.network();
                step = 0;
            }
            line(log, "resumed " + step);
            while (step < until) {
                net.fit(SmallTrainingRun.batch(step));
                step++;
                line(log, "step " + step);
                if (step % interval == 0 || step == until) {
                    line(log, "writing " + step);
                    store.save(step, net, Map.of(), Map.of());
                    line(log, "saved " + step);
                }
            }
            line(log, "finished " + step);
            System.exit(0);
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static void line(OutputStream log, String text) throws IOException {
        // One write per line, straight to the file: a kill loses no line that was written.
        log.write((text + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Starts this class in a new JVM with the test class path; its output goes to {@code <log>.out/.err}. */
    static Process start(Path store, Path log, long until, long interval) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp",
                System.getProperty("java.class.path"),
                TrainUntilKilled.class.getName(),
                store.toString(),
                log.toString(),
                Long.toString(until),
                Long.toString(interval));
        builder.redirectOutput(log.resolveSibling(log.getFileName() + ".out").toFile());
        builder.redirectError(log.resolveSibling(log.getFileName() + ".err").toFile());
        return builder.start();
    }
}
