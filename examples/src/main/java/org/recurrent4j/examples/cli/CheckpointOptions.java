package org.recurrent4j.examples.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.recurrent4j.checkpoint.Checkpoint;
import org.recurrent4j.checkpoint.CheckpointStore;
import picocli.CommandLine.Option;

/**
 * {@code --checkpoint-every} and {@code --resume}: periodic checkpoints of a training command, and
 * continuing from one.
 */
public final class CheckpointOptions {

    /** The directory under a run's {@code --out} that holds its checkpoints. */
    public static final String DIRECTORY = "checkpoints";
    /** Checkpoints kept per run: the newest two, so that one is always whole while the next is written. */
    public static final int KEEP = 2;

    @Option(
            names = "--checkpoint-every",
            paramLabel = "M",
            description = "write a checkpoint (model, optimizer state, data position, random state) every M minutes"
                    + " into OUT/checkpoints, and one at the end; 0: only at the end (default: ${DEFAULT-VALUE})")
    @Range(min = 0, max = 24 * 60)
    private double minutes = 10;

    @Option(
            names = "--resume",
            paramLabel = "DIR",
            description = "continue a run exactly where a checkpoint left it: DIR is a checkpoint, a checkpoints"
                    + " directory (its newest is taken) or a run's --out directory; --lr may lower the learning rate")
    private Path resume;

    /** The checkpoints of a run whose output directory is {@code out}: OUT/checkpoints, the newest {@value #KEEP} kept. */
    public static CheckpointStore store(Path out) {
        return new CheckpointStore(out.resolve(DIRECTORY), KEEP);
    }

    /** How often to write a checkpoint during training; zero for only at the end. */
    public Duration interval() {
        return Duration.ofMillis((long) (minutes * 60_000));
    }

    /** The checkpoint to continue from, if {@code --resume} was given. */
    public Optional<Path> resume() {
        return Optional.ofNullable(resume);
    }

    /**
     * The verified checkpoint {@code --resume} names, if it was given.
     *
     * @throws UsageException if there is no checkpoint there, or it is damaged or foreign (the
     *     message names the file and, when there is one, the previous good checkpoint)
     */
    public Optional<Checkpoint> resumeFrom() throws UsageException {
        if (resume == null) {
            return Optional.empty();
        }
        Path dir = resume.toAbsolutePath();
        try {
            if (Files.isRegularFile(dir.resolve(CheckpointStore.MANIFEST_FILE))) {
                return Optional.of(CheckpointStore.open(dir));
            }
            Path store = Files.isDirectory(dir.resolve(DIRECTORY)) ? dir.resolve(DIRECTORY) : dir;
            Optional<Checkpoint> newest = new CheckpointStore(store, KEEP).newest();
            if (newest.isEmpty()) {
                throw new UsageException("--resume " + resume + ": no checkpoint there (expected a checkpoint-N"
                        + " directory, a directory of them, or a run's --out directory with " + DIRECTORY + "/)");
            }
            return newest;
        } catch (IOException e) {
            throw new UsageException("--resume " + resume + ": " + e.getMessage());
        }
    }
}
