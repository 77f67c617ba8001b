package org.recurrent4j.examples.longrange;

/**
 * What every run of the study gets, the same for every cell: training steps (mini-batches), the
 * batch size, the hidden size, Adam's learning rate, the L2 norm each layer's gradient is clipped
 * to, the seed (network initialization and data), how often the test error is measured and on how
 * many held-out examples; and whether a run stops at the first measurement below the task's
 * threshold ({@code untilSolved}: its final error is then that measurement).
 */
public record StudyBudget(
        int steps,
        int batch,
        int hidden,
        double learningRate,
        double clip,
        long seed,
        int evalEvery,
        int testSize,
        boolean untilSolved) {

    /** The budget of the full study (see {@code docs/long-range.md}). */
    public static final StudyBudget FULL = new StudyBudget(10_000, 32, 128, 1e-3, 1.0, 42, 250, 1000, false);

    /** A budget of seconds, for smoke tests: it checks the machinery, not the science. */
    public static final StudyBudget SMOKE = new StudyBudget(6, 4, 8, 1e-2, 1.0, 42, 3, 16, false);

    public StudyBudget {
        positive("steps", steps);
        positive("batch", batch);
        positive("hidden", hidden);
        positive("eval-every", evalEvery);
        positive("test-size", testSize);
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("--lr must be a positive number, got " + learningRate);
        }
        if (!(clip > 0)) {
            throw new IllegalArgumentException("--clip must be a positive number, got " + clip);
        }
    }

    private static void positive(String option, int value) {
        if (value < 1) {
            throw new IllegalArgumentException("--" + option + " must be at least 1, got " + value);
        }
    }
}
