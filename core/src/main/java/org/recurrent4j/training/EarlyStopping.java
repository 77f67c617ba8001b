package org.recurrent4j.training;

/**
 * Stops a {@link TrainingRun} when a held-out {@link Metric} has stopped improving, and keeps the
 * network as it was at its best, as DL4J's {@code EarlyStoppingConfiguration} with a {@code
 * ScoreImprovementEpochTerminationCondition} does: after {@code patience} measurements in a row
 * none of which improved on the best value by more than {@code minImprovement}, the run ends with
 * {@link RunResult.Stop#EARLY_STOPPED}. With a {@link #target}, it also ends as soon as the metric
 * reaches it (as {@code BestScoreEpochTerminationCondition} does): "train until solved".
 *
 * <p>The best network is written (atomically, with its integrity record) whenever the metric
 * improves: beside the run's checkpoints as {@value #BEST_MODEL_FILE}, or kept in memory when the
 * run writes no checkpoints. With {@link #restoreBest}, the run's network takes the best
 * parameters back at the end. The counts survive a stop and resume, since checkpoints record them.
 *
 * <pre>{@code
 * TrainingRun.of(net).data(train).epochs(100)
 *         .evaluate(Interval.epochs(1), Metrics.loss(dev))
 *         .earlyStopping(EarlyStopping.on("heldout_loss").patience(5).restoreBest(true))
 *         .build().train();
 * }</pre>
 *
 * @param metric the name of a metric the run measures
 * @param patience measurements without improvement before stopping, at least 1
 * @param minImprovement how much better than the best a value must be to count as an improvement
 * @param restoreBest whether the network ends with the best parameters rather than the last
 * @param target a value that ends the run once reached (at or beyond, in the metric's better
 *     direction), or NaN for none
 */
public record EarlyStopping(String metric, int patience, double minImprovement, boolean restoreBest, double target) {

    /** The best model's file name beside the checkpoints. */
    public static final String BEST_MODEL_FILE = "best-model.zip";

    public EarlyStopping {
        Metric.checkedName(metric);
        if (patience < 1) {
            throw new IllegalArgumentException("early stopping's patience is at least 1 measurement, got " + patience);
        }
        if (!(minImprovement >= 0)) {
            throw new IllegalArgumentException("early stopping's minimum improvement is ≥ 0, got " + minImprovement);
        }
    }

    /** Stops after 3 measurements of {@code metric} without improvement, keeping the last parameters. */
    public static EarlyStopping on(String metric) {
        return new EarlyStopping(metric, 3, 0, false, Double.NaN);
    }

    public EarlyStopping patience(int measurements) {
        return new EarlyStopping(metric, measurements, minImprovement, restoreBest, target);
    }

    public EarlyStopping minImprovement(double margin) {
        return new EarlyStopping(metric, patience, margin, restoreBest, target);
    }

    public EarlyStopping restoreBest(boolean restore) {
        return new EarlyStopping(metric, patience, minImprovement, restore, target);
    }

    /** Also stops as soon as the metric reaches {@code value}. */
    public EarlyStopping target(double value) {
        return new EarlyStopping(metric, patience, minImprovement, restoreBest, value);
    }

    /** Whether {@code value} reaches the target, for a metric with this goal. */
    boolean reached(double value, Metric.Goal goal) {
        if (Double.isNaN(target) || !Double.isFinite(value)) {
            return false;
        }
        return goal == Metric.Goal.MAXIMIZE ? value >= target : value <= target;
    }
}
