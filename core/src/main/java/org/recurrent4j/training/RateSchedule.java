package org.recurrent4j.training;

import java.util.Locale;

/**
 * A learning rate over a training run, as a function of the share {@code s} of the run's budget
 * used (0 at the start, 1 at the end; see {@link TrainingRun}) and of the step {@code n} (steps
 * done before this one), from the initial rate {@code r₀} to the final rate {@code r₁}:
 *
 * <pre>
 *   constant:            r = r₀
 *   linear:              r = r₀ + (r₁ − r₀) · s
 *   cosine:              r = r₁ + (r₀ − r₁) · (1 + cos(π s)) / 2
 *   warm-up over W steps, then another schedule S:
 *                        r = S(s, n) · (n + 1) / W   for n &lt; W,   S(s, n) after
 * </pre>
 *
 * <p>{@code s} is clamped to [0, 1], so the rate stays at {@code r₁} once the budget is used.
 * Ending a fixed budget at a small rate lets the last steps settle into a minimum instead of
 * hopping around it; a warm-up keeps Adam's first, badly estimated steps small. A {@link
 * TrainingRun} sets the rate before every step (in place, keeping the optimizer's state: see
 * {@link LearningRate}) and records the schedule in its checkpoints ({@link #text()}), so a
 * resumed run carries on along it.
 *
 * <pre>{@code
 * RateSchedule.cosine(2e-3, 1e-4).rate(0.5, 0);                 // half way: 1.05e-3
 * RateSchedule.warmUp(100, RateSchedule.linear(1e-3, 0)).rate(0, 9); // 1e-4
 * }</pre>
 */
public sealed interface RateSchedule
        permits RateSchedule.Constant, RateSchedule.Linear, RateSchedule.Cosine, RateSchedule.WarmUp {

    /**
     * The rate of a step.
     *
     * @param share the share of the budget used before the step (clamped to [0, 1])
     * @param step the steps done before this one in the whole run (a resumed run counts its
     *     checkpoint's)
     */
    double rate(double share, long step);

    /** The rate at the start ({@code r₀}; a warm-up's is that of the schedule after it). */
    double initialRate();

    /** The same schedule from another initial rate (a resumed run given a lower rate). */
    RateSchedule startingAt(double rate);

    /** Whether the rate never changes, so a run need not set it at every step. */
    default boolean isConstant() {
        return false;
    }

    /** The schedule as {@link #parse} reads it back, e.g. {@code cosine 0.002 1.0E-4}. */
    String text();

    /** A constant rate. */
    static RateSchedule constant(double rate) {
        return new Constant(rate);
    }

    /** A straight line from {@code initial} to {@code end} over the budget. */
    static RateSchedule linear(double initial, double end) {
        return new Linear(initial, end);
    }

    /** Half a cosine from {@code initial} to {@code end}: slow at first and at the end, fastest half way. */
    static RateSchedule cosine(double initial, double end) {
        return new Cosine(initial, end);
    }

    /** A linear rise over the first {@code steps} steps to the rate {@code then} gives, then {@code then}. */
    static RateSchedule warmUp(long steps, RateSchedule then) {
        return new WarmUp(steps, then);
    }

    /**
     * A schedule from its {@link #text()}.
     *
     * @throws IllegalArgumentException naming what is wrong in {@code text}
     */
    static RateSchedule parse(String text) {
        String[] f = text.trim().split("\\s+", 3);
        try {
            switch (f[0]) {
                case "constant":
                    if (f.length == 2) {
                        return constant(Double.parseDouble(f[1]));
                    }
                    break;
                case "linear":
                case "cosine":
                    if (f.length == 3) {
                        double initial = Double.parseDouble(f[1]);
                        double end = Double.parseDouble(f[2]);
                        return f[0].equals("linear") ? linear(initial, end) : cosine(initial, end);
                    }
                    break;
                case "warmup":
                    if (f.length == 3) {
                        return warmUp(Long.parseLong(f[1]), parse(f[2]));
                    }
                    break;
                default:
                    break;
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a learning-rate schedule: '" + text + "': " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("not a learning-rate schedule: '" + text
                + "' (expected 'constant R', 'linear R0 R1', 'cosine R0 R1' or 'warmup STEPS SCHEDULE')");
    }

    private static double checkedRate(double rate, String what) {
        if (!(rate >= 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException(what + " must be a finite rate ≥ 0, got " + rate);
        }
        return rate;
    }

    private static double clamped(double share) {
        return Math.min(1, Math.max(0, share));
    }

    /** {@code r = r₀}. */
    record Constant(double rate) implements RateSchedule {
        public Constant {
            checkedRate(rate, "the learning rate");
        }

        @Override
        public double rate(double share, long step) {
            return rate;
        }

        @Override
        public double initialRate() {
            return rate;
        }

        @Override
        public RateSchedule startingAt(double rate) {
            return new Constant(rate);
        }

        @Override
        public boolean isConstant() {
            return true;
        }

        @Override
        public String text() {
            return "constant " + rate;
        }

        @Override
        public String toString() {
            return Double.toString(rate);
        }
    }

    /** {@code r = r₀ + (r₁ − r₀) · s}. */
    record Linear(double initial, double end) implements RateSchedule {
        public Linear {
            checkDecay(initial, end);
        }

        @Override
        public double rate(double share, long step) {
            return initial + (end - initial) * clamped(share);
        }

        @Override
        public double initialRate() {
            return initial;
        }

        @Override
        public RateSchedule startingAt(double rate) {
            return new Linear(rate, end);
        }

        @Override
        public String text() {
            return "linear " + initial + " " + end;
        }

        @Override
        public String toString() {
            return initial + " falling to " + end + " (linear)";
        }
    }

    /** {@code r = r₁ + (r₀ − r₁) · (1 + cos(π s)) / 2}. */
    record Cosine(double initial, double end) implements RateSchedule {
        public Cosine {
            checkDecay(initial, end);
        }

        @Override
        public double rate(double share, long step) {
            return end + (initial - end) * (1 + Math.cos(Math.PI * clamped(share))) / 2;
        }

        @Override
        public double initialRate() {
            return initial;
        }

        @Override
        public RateSchedule startingAt(double rate) {
            return new Cosine(rate, end);
        }

        @Override
        public String text() {
            return "cosine " + initial + " " + end;
        }

        @Override
        public String toString() {
            return initial + " falling to " + end + " (cosine)";
        }
    }

    /** {@code r = S(s, n) · (n + 1) / W} for the first {@code W} steps, then {@code S}. */
    record WarmUp(long steps, RateSchedule then) implements RateSchedule {
        public WarmUp {
            if (steps < 1) {
                throw new IllegalArgumentException("a warm-up lasts at least 1 step, got " + steps);
            }
            if (then instanceof WarmUp) {
                throw new IllegalArgumentException("a warm-up is followed by a constant, linear or cosine schedule");
            }
        }

        @Override
        public double rate(double share, long step) {
            double after = then.rate(share, step);
            return step < steps ? after * (step + 1) / steps : after;
        }

        @Override
        public double initialRate() {
            return then.initialRate();
        }

        @Override
        public RateSchedule startingAt(double rate) {
            return new WarmUp(steps, then.startingAt(rate));
        }

        @Override
        public String text() {
            return "warmup " + steps + " " + then.text();
        }

        @Override
        public String toString() {
            return then + " after a warm-up of " + steps + " steps";
        }
    }

    private static void checkDecay(double initial, double end) {
        checkedRate(initial, "the initial learning rate");
        checkedRate(end, "the final learning rate");
        if (end > initial) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "the final learning rate %s is above the initial one %s: a decay ends lower than it starts",
                    end,
                    initial));
        }
    }
}
