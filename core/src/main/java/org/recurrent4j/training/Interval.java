package org.recurrent4j.training;

import java.time.Duration;

/**
 * How often a {@link TrainingRun} does something (measures its metrics, writes a checkpoint):
 * every {@code n} steps, every {@code n} epochs, every stretch of time, or every share of the
 * budget.
 *
 * <p>Steps, epochs and shares of a step or epoch budget are counted over the whole run, resumed
 * parts included, so a run stopped and resumed measures at the same steps as one that was not;
 * time counts from the start of this process's part of the run.
 *
 * <pre>{@code
 * Interval.epochs(1);                      // after every epoch
 * Interval.steps(500);                     // after steps 500, 1000, ...
 * Interval.time(Duration.ofMinutes(10));   // after the first step that ends 10 minutes after the last time
 * Interval.shareOfBudget(0.2);             // five times over the budget
 * }</pre>
 */
public sealed interface Interval
        permits Interval.Steps, Interval.Epochs, Interval.Time, Interval.ShareOfBudget, Interval.Never {

    /** Every {@code n} steps. */
    static Interval steps(long n) {
        return new Steps(n);
    }

    /** At the end of every {@code n}-th epoch. */
    static Interval epochs(int n) {
        return new Epochs(n);
    }

    /** After the first step that ends {@code every} after the previous time. */
    static Interval time(Duration every) {
        return new Time(every);
    }

    /** When the share of the budget used passes each multiple of {@code share} (below 1). */
    static Interval shareOfBudget(double share) {
        return new ShareOfBudget(share);
    }

    /** Never (only at the end of the run, where the run does it anyway). */
    static Interval never() {
        return new Never();
    }

    /** Every {@code n} steps. */
    record Steps(long n) implements Interval {
        public Steps {
            if (n < 1) {
                throw new IllegalArgumentException("an interval of steps is at least 1, got " + n);
            }
        }
    }

    /** Every {@code n} epochs. */
    record Epochs(int n) implements Interval {
        public Epochs {
            if (n < 1) {
                throw new IllegalArgumentException("an interval of epochs is at least 1, got " + n);
            }
        }
    }

    /** Every stretch of time. */
    record Time(Duration every) implements Interval {
        public Time {
            if (every.isNegative() || every.isZero()) {
                throw new IllegalArgumentException("an interval of time is positive, got " + every);
            }
        }
    }

    /** Every share of the budget. */
    record ShareOfBudget(double share) implements Interval {
        public ShareOfBudget {
            if (!(share > 0 && share <= 1)) {
                throw new IllegalArgumentException("a share of the budget is in (0, 1], got " + share);
            }
        }
    }

    /** Never. */
    record Never() implements Interval {}
}
