package org.recurrent4j.training;

/**
 * Training produced a loss or parameters that are not finite numbers (NaN or infinite); thrown by
 * {@link DivergenceGuard} out of {@code fit} at the iteration where it happened. The network's
 * parameters are then unusable: continue from the last checkpoint, usually with a lower learning
 * rate or gradient clipping.
 */
public class TrainingDivergedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int iteration;
    private final double score;

    public TrainingDivergedException(int iteration, double score, String what) {
        super("training diverged at iteration " + iteration + ": " + what
                + "; lower the learning rate or clip gradients, and continue from the last checkpoint");
        this.iteration = iteration;
        this.score = score;
    }

    /** The iteration (0-based, DL4J's count) whose update produced the non-finite value. */
    public int iteration() {
        return iteration;
    }

    /** The loss of that iteration (possibly NaN or infinite). */
    public double score() {
        return score;
    }
}
