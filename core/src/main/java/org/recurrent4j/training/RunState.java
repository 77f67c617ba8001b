package org.recurrent4j.training;

import java.util.LinkedHashMap;
import java.util.Map;
import org.recurrent4j.checkpoint.Checkpoint;
import org.recurrent4j.checkpoint.CheckpointException;

/**
 * Where a {@link TrainingRun} stands, as its checkpoints record it (properties {@code run.*}): the
 * data position (epoch, batches of it fitted), the steps, the training time, the share of the budget
 * used, the training loss of the current stretch of the curves, and early stopping's counts.
 */
final class RunState {

    static final String FORMAT = "recurrent4j-training-run-1";
    private static final String PREFIX = "run.";

    /** The epoch in progress (1-based). */
    int epoch = 1;
    /** Batches of {@link #epoch} fitted. */
    long batchesInEpoch;
    /** Epochs completed. */
    int epochsCompleted;
    /** Batches of the last completed epoch (0 before one completed). */
    long lastEpochBatches;

    long step;
    /** Training seconds before this process's part of the run. */
    double seconds;

    double share;
    /** The steps of the budget the share counted (0: it counted time or epochs). */
    long budgetSteps;
    /** Sum and count of the training losses since the last row of the curves. */
    double lossSum;

    long lossCount;
    /** The step of the last measurement (-1: none). */
    long measuredAt = -1;
    /** Early stopping: the best value, its step, and measurements since it (NaN, -1, 0 before any). */
    double bestValue = Double.NaN;

    long bestStep = -1;
    int sinceBest;
    /** The learning-rate schedule's text, or empty when the run leaves the rate alone. */
    String schedule = "";

    String dataFingerprint = "";

    Map<String, String> properties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(PREFIX + "format", FORMAT);
        p.put(PREFIX + "epoch", Integer.toString(epoch));
        p.put(PREFIX + "epoch.batches", Long.toString(batchesInEpoch));
        p.put(PREFIX + "epochs.completed", Integer.toString(epochsCompleted));
        p.put(PREFIX + "epoch.size", Long.toString(lastEpochBatches));
        p.put(PREFIX + "step", Long.toString(step));
        p.put(PREFIX + "seconds", Double.toString(seconds));
        p.put(PREFIX + "budget.share", Double.toString(share));
        p.put(PREFIX + "budget.steps", Long.toString(budgetSteps));
        p.put(PREFIX + "loss.sum", Double.toString(lossSum));
        p.put(PREFIX + "loss.count", Long.toString(lossCount));
        p.put(PREFIX + "measured.step", Long.toString(measuredAt));
        p.put(PREFIX + "best.value", Double.toString(bestValue));
        p.put(PREFIX + "best.step", Long.toString(bestStep));
        p.put(PREFIX + "best.since", Integer.toString(sinceBest));
        p.put(PREFIX + "schedule", schedule);
        p.put(PREFIX + "data.sha256", dataFingerprint);
        return p;
    }

    /** Whether a property is the run's own rather than the caller's. */
    static boolean isRunProperty(String key) {
        return key.startsWith(PREFIX);
    }

    /**
     * The state a checkpoint recorded.
     *
     * @throws CheckpointException if the checkpoint was not written by a training run of this
     *     version, or its state is malformed
     */
    static RunState of(Checkpoint c) throws CheckpointException {
        String format = c.properties().get(PREFIX + "format");
        if (!FORMAT.equals(format)) {
            throw new CheckpointException("checkpoint " + c.directory() + " was not written by a recurrent4j training"
                    + " run of this version (its run format is " + (format == null ? "missing" : "'" + format + "'")
                    + ", expected '" + FORMAT + "'): it cannot be resumed by this run");
        }
        RunState s = new RunState();
        try {
            s.epoch = Integer.parseInt(c.property(PREFIX + "epoch"));
            s.batchesInEpoch = Long.parseLong(c.property(PREFIX + "epoch.batches"));
            s.epochsCompleted = Integer.parseInt(c.property(PREFIX + "epochs.completed"));
            s.lastEpochBatches = Long.parseLong(c.property(PREFIX + "epoch.size"));
            s.step = Long.parseLong(c.property(PREFIX + "step"));
            s.seconds = Double.parseDouble(c.property(PREFIX + "seconds"));
            s.share = Double.parseDouble(c.property(PREFIX + "budget.share"));
            s.budgetSteps = Long.parseLong(c.property(PREFIX + "budget.steps"));
            s.lossSum = Double.parseDouble(c.property(PREFIX + "loss.sum"));
            s.lossCount = Long.parseLong(c.property(PREFIX + "loss.count"));
            s.measuredAt = Long.parseLong(c.property(PREFIX + "measured.step"));
            s.bestValue = Double.parseDouble(c.property(PREFIX + "best.value"));
            s.bestStep = Long.parseLong(c.property(PREFIX + "best.step"));
            s.sinceBest = Integer.parseInt(c.property(PREFIX + "best.since"));
            s.schedule = c.property(PREFIX + "schedule");
            s.dataFingerprint = c.property(PREFIX + "data.sha256");
        } catch (NumberFormatException e) {
            throw new CheckpointException(
                    "checkpoint " + c.directory() + " has a malformed training position: " + e.getMessage(), e);
        }
        if (s.step != c.step() || s.epoch < 1 || s.batchesInEpoch < 0 || s.step < 0) {
            throw new CheckpointException(
                    "checkpoint " + c.directory() + " has an inconsistent training position (step " + s.step
                            + ", epoch " + s.epoch + ", batches " + s.batchesInEpoch + ")");
        }
        return s;
    }
}
