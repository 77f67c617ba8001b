package org.recurrent4j.examples.training;

import org.recurrent4j.examples.cli.Range;
import picocli.CommandLine.Option;

/**
 * The options of a learning rate that falls over the training budget, {@code --lr-decay} and
 * {@code --final-lr}, for the commands that offer it.
 */
public final class RateDecayOptions {

    @Option(
            names = "--lr-decay",
            paramLabel = "SHAPE",
            description = "how the learning rate falls from --lr to --final-lr over the training budget: none, linear"
                    + " or cosine (default: ${DEFAULT-VALUE})")
    private LearningRateDecay decay = LearningRateDecay.NONE;

    @Option(
            names = "--final-lr",
            paramLabel = "R",
            description = "the learning rate at the end of the budget, with --lr-decay linear or cosine (default:"
                    + " ${DEFAULT-VALUE})")
    @Range(min = 0, max = 1)
    private double finalRate = 1e-4;

    public LearningRateDecay decay() {
        return decay;
    }

    public double finalRate() {
        return finalRate;
    }

    /** The schedule as given (see {@link RateSchedule#checked} before using it). */
    public RateSchedule schedule() {
        return new RateSchedule(decay, finalRate);
    }
}
