package org.recurrent4j.examples.charrnn;

import java.util.function.DoubleUnaryOperator;
import org.recurrent4j.examples.training.LearningRateDecay;

/**
 * The char-RNN's learning-rate schedule over its budget: {@code --lr-decay} and {@code --final-lr}.
 *
 * @param decay how the rate falls
 * @param finalRate the rate at the end of the budget (unused with {@link LearningRateDecay#NONE})
 */
record RateSchedule(LearningRateDecay decay, double finalRate) {

    /**
     * The rate for each share of the budget, starting at {@code initialRate}; null for a constant
     * rate, which the trainer then leaves alone.
     */
    DoubleUnaryOperator rates(double initialRate) {
        return decay == LearningRateDecay.NONE ? null : share -> decay.rate(initialRate, finalRate, share);
    }
}
