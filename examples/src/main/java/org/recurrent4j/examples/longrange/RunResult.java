package org.recurrent4j.examples.longrange;

import java.util.List;

/**
 * The outcome of one run of the study (one task, one cell).
 *
 * @param task the task's name
 * @param cell the cell's name
 * @param errorName what the test error measures
 * @param finalError the test error after the last step (NaN if training diverged)
 * @param baseline the test error of the best predictor without memory
 * @param solvedBelow the test error below which the task counts as solved
 * @param stepsToSolve the first measured step with a test error below {@code solvedBelow}, or -1
 * @param stepsRun the training steps taken (fewer than the budget if training diverged)
 * @param diverged whether the training loss became NaN or infinite
 * @param seconds wall-clock time of the run
 * @param curve the test error (and the training loss) at each measured step, step 0 first
 * @param initialStateGradients {@code ‖∂L/∂h_k‖}, k = 1 … T, at the first training step, or null
 */
public record RunResult(
        String task,
        String cell,
        String errorName,
        double finalError,
        double baseline,
        double solvedBelow,
        long stepsToSolve,
        long stepsRun,
        boolean diverged,
        double seconds,
        List<CurvePoint> curve,
        double[] initialStateGradients) {

    /** One measurement: after {@code step} training steps (NaN training loss at step 0). */
    public record CurvePoint(long step, double trainLoss, double testError) {}

    public RunResult {
        curve = List.copyOf(curve);
    }

    public boolean solved() {
        return stepsToSolve >= 0;
    }
}
