package org.recurrent4j.training;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Hears what a {@link TrainingRun} does: its start, every step, every measurement, every checkpoint
 * and its end. A progress bar, a learning-curves plot or a dashboard is a listener. (DL4J's own
 * {@code TrainingListener}s stay on the network and hear every iteration as they always do; the
 * run also tells them where epochs start and end.)
 *
 * <pre>{@code
 * RunListener log = new RunListener() {
 *     public void measured(Measurement m) {
 *         System.out.println("step " + m.step() + ": " + m.values());
 *     }
 * };
 * TrainingRun.of(net).data(train).epochs(3).listener(log).build().train();
 * }</pre>
 */
public interface RunListener {

    /**
     * A run starts.
     *
     * @param step the steps done before (0 for a fresh run, the checkpoint's for a resumed one)
     * @param resumedFrom the checkpoint directory it resumes, or null
     * @param budgetShare the share of the budget already used
     */
    record Started(long step, int epoch, Path resumedFrom, double budgetShare) {}

    /**
     * A step is done.
     *
     * @param step the steps done, this one included
     * @param epoch the epoch it belongs to (1-based; 1 for a batch source)
     * @param loss its training loss
     * @param examples the examples in its batch
     * @param elapsed the time since this run (process) started training
     * @param budgetShare the share of the budget used after it
     * @param learningRate the rate it was trained at (NaN when the run leaves the rate alone)
     */
    record Step(
            long step,
            int epoch,
            double loss,
            long examples,
            Duration elapsed,
            double budgetShare,
            double learningRate) {}

    /**
     * The metrics measured after {@code step}, by name, in {@code epoch} (the epoch just completed,
     * for a measurement at an epoch's end; 1 for a batch source).
     */
    record Measurement(long step, int epoch, Map<String, Double> values, Duration elapsed) {}

    default void started(Started start) {}

    default void stepDone(Step step) {}

    default void measured(Measurement measurement) {}

    /** A checkpoint was written into {@code directory} at {@code step}. */
    default void checkpointWritten(Path directory, long step) {}

    default void finished(RunResult result) {}
}
