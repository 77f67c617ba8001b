package org.recurrent4j.examples.training;

import java.util.Locale;

/**
 * How the learning rate falls over a run's budget, from the initial rate {@code r₀} to the end rate
 * {@code r₁}, as a function of the share {@code s} of the budget used (0 at the start, 1 at the
 * end):
 *
 * <pre>
 *   none:    r(s) = r₀
 *   linear:  r(s) = r₀ + (r₁ − r₀) · s
 *   cosine:  r(s) = r₁ + (r₀ − r₁) · (1 + cos(π s)) / 2
 * </pre>
 *
 * <p>With a fixed budget, ending at a small rate lets the last steps settle into a minimum instead
 * of hopping around it, which a constant rate cannot; Adam's state is kept as the rate changes.
 *
 * <pre>{@code
 * double rate = LearningRateDecay.COSINE.rate(2e-3, 1e-4, 0.5); // half way: 1.05e-3
 * }</pre>
 */
public enum LearningRateDecay {
    /** A constant rate. */
    NONE {
        @Override
        double fallen(double share) {
            return 0;
        }
    },
    /** A straight line from the initial to the end rate. */
    LINEAR {
        @Override
        double fallen(double share) {
            return share;
        }
    },
    /** Half a cosine: slow at first and at the end, fastest half way. */
    COSINE {
        @Override
        double fallen(double share) {
            return (1 - Math.cos(Math.PI * share)) / 2;
        }
    };

    /**
     * The rate after a share of the budget.
     *
     * @param initial the rate at the start
     * @param end the rate at the end of the budget
     * @param share the share of the budget used; clamped to [0, 1], so the rate stays at {@code end}
     *     after the budget
     */
    public double rate(double initial, double end, double share) {
        return initial + (end - initial) * fallen(Math.min(1, Math.max(0, share)));
    }

    /** How far the rate has fallen from the initial towards the end rate, 0 to 1. */
    abstract double fallen(double share);

    /** The name the command line takes. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
