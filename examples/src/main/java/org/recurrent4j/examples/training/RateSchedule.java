package org.recurrent4j.examples.training;

import java.util.function.DoubleUnaryOperator;
import org.recurrent4j.examples.cli.UsageException;

/**
 * A learning-rate schedule over a run's budget: {@code --lr-decay} and {@code --final-lr}.
 *
 * @param decay how the rate falls
 * @param finalRate the rate at the end of the budget (unused with {@link LearningRateDecay#NONE})
 */
public record RateSchedule(LearningRateDecay decay, double finalRate) {

    /**
     * The rate for each share of the budget, starting at {@code initialRate}; null for a constant
     * rate, which a trainer then leaves alone.
     */
    public DoubleUnaryOperator rates(double initialRate) {
        return decay == LearningRateDecay.NONE ? null : share -> decay.rate(initialRate, finalRate, share);
    }

    /**
     * This schedule, checked against the rate it starts from.
     *
     * @param finalRateGiven whether {@code --final-lr} was on the command line
     * @throws UsageException if {@code --final-lr} was given without a decay, or a decay would end
     *     above the rate it starts at
     */
    public RateSchedule checked(double initialRate, boolean finalRateGiven) throws UsageException {
        if (decay == LearningRateDecay.NONE && finalRateGiven) {
            throw new UsageException("--final-lr is the rate a decay ends at: give --lr-decay linear or cosine too");
        }
        if (decay != LearningRateDecay.NONE && finalRate > initialRate) {
            throw new UsageException("--final-lr " + finalRate + " is above the learning rate " + initialRate
                    + ": a decay ends lower than it starts (lower --final-lr or raise --lr)");
        }
        return this;
    }

    /** How a run's report line names the schedule after its initial rate: "" for a constant rate. */
    public String described() {
        return decay == LearningRateDecay.NONE ? "" : " falling to " + finalRate + " (" + decay + ")";
    }
}
