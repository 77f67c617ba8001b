package org.recurrent4j.training;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Training produced a loss or parameters that are not finite numbers (NaN or infinite); thrown by
 * {@link DivergenceGuard} out of {@code fit} at the iteration where it happened, and by a {@link
 * TrainingRun} with the step, the run's learning rate and its last good checkpoint. The network's
 * parameters are then unusable: continue from the last checkpoint, usually with a lower learning
 * rate or gradient clipping.
 */
public class TrainingDivergedException extends RuntimeException {

    private static final long serialVersionUID = 2L;

    private final int iteration;
    private final double score;
    private final long step;
    private final transient Path lastCheckpoint;
    private final double learningRate;

    public TrainingDivergedException(int iteration, double score, String what) {
        super("training diverged at iteration " + iteration + ": " + what
                + "; lower the learning rate or clip gradients, and continue from the last checkpoint");
        this.iteration = iteration;
        this.score = score;
        this.step = -1;
        this.lastCheckpoint = null;
        this.learningRate = Double.NaN;
    }

    /**
     * What a training run says: the step that diverged (1-based, the run's count), the last good
     * checkpoint (or none) and a tenth of the rate as the advice.
     */
    public TrainingDivergedException(TrainingDivergedException cause, long step, Path lastCheckpoint, double rate) {
        super(message(cause.score, step, lastCheckpoint, rate), cause);
        this.iteration = cause.iteration;
        this.score = cause.score;
        this.step = step;
        this.lastCheckpoint = lastCheckpoint;
        this.learningRate = rate;
    }

    private static String message(double score, long step, Path lastCheckpoint, double rate) {
        String what = "training diverged at step " + step + " (loss " + score + ")";
        String lower = Double.isNaN(rate) ? "a tenth of it" : (rate / 10) + " (a tenth of " + rate + ")";
        if (lastCheckpoint == null) {
            return what + "; no checkpoint was written before it: train again with a lower learning rate, e.g. " + lower
                    + ", or clip gradients";
        }
        return what + "; the last good checkpoint is " + lastCheckpoint
                + ": resume from it with a lower learning rate, e.g. " + lower;
    }

    /** The iteration (0-based, DL4J's count) whose update produced the non-finite value. */
    public int iteration() {
        return iteration;
    }

    /** The loss of that iteration (possibly NaN or infinite). */
    public double score() {
        return score;
    }

    /** The run's step that diverged (1-based), or -1 when not thrown by a run. */
    public long step() {
        return step;
    }

    /** The run's last good checkpoint, if it wrote one. */
    public Optional<Path> lastCheckpoint() {
        return Optional.ofNullable(lastCheckpoint);
    }

    /** The learning rate the run trained at when it diverged (NaN if unknown). */
    public double learningRate() {
        return learningRate;
    }
}
