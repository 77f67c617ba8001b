package org.recurrent4j.training;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * What a {@link TrainingRun} did.
 *
 * @param stop why it ended
 * @param steps the steps done in all (a resumed run counts its checkpoint's)
 * @param epochsCompleted the epochs completed in all (0 for a batch source)
 * @param examples the examples this run (process) trained on
 * @param elapsed the time this run (process) trained
 * @param curves the learning curves of the whole run
 * @param lastMeasurement the metrics at the last measurement, by name (empty without metrics)
 * @param best the best measurement of the early-stopping metric, if the run stops early on one
 * @param lastCheckpoint the newest checkpoint it wrote, or null
 */
public record RunResult(
        Stop stop,
        long steps,
        int epochsCompleted,
        long examples,
        Duration elapsed,
        LearningCurves curves,
        Map<String, Double> lastMeasurement,
        Optional<Best> best,
        Path lastCheckpoint) {

    /** Why a run ended. */
    public enum Stop {
        /** Its epochs, steps or time were used up. */
        BUDGET_USED,
        /** Early stopping: the metric had not improved for its patience. */
        EARLY_STOPPED
    }

    /**
     * The best measurement of the early-stopping metric.
     *
     * @param modelFile where the best network was written, or null when it was kept in memory
     */
    public record Best(String metric, double value, long step, Path modelFile) {}

    /** Throughput of this run in examples per second. */
    public double examplesPerSecond() {
        return examples / Math.max(1e-9, elapsed.toNanos() / 1e9);
    }
}
