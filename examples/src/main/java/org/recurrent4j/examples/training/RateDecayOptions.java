package org.recurrent4j.examples.training;

import java.util.Locale;
import org.recurrent4j.examples.cli.Range;
import org.recurrent4j.examples.cli.UsageException;
import org.recurrent4j.training.RateSchedule;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The options of the learning-rate schedule, {@code --lr-decay}, {@code --final-lr} and {@code
 * --warmup}, for the commands that offer them: they make the library's {@link RateSchedule}.
 */
public final class RateDecayOptions {

    /** How the rate falls, as the command line names it. */
    public enum Decay {
        NONE,
        LINEAR,
        COSINE;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    @Option(
            names = "--lr-decay",
            paramLabel = "SHAPE",
            description = "how the learning rate falls from --lr to --final-lr over the training budget: none, linear"
                    + " or cosine (default: ${DEFAULT-VALUE})")
    private Decay decay = Decay.NONE;

    @Option(
            names = "--final-lr",
            paramLabel = "R",
            description = "the learning rate at the end of the budget, with --lr-decay linear or cosine (default:"
                    + " ${DEFAULT-VALUE})")
    @Range(min = 0, max = 1)
    private double finalRate = 1e-4;

    @Option(
            names = "--warmup",
            paramLabel = "N",
            description = "raise the learning rate linearly over the first N steps (default: ${DEFAULT-VALUE}, none)")
    @Range(min = 0, max = 1_000_000_000)
    private long warmup;

    /**
     * The schedule the options give, starting at {@code rate}.
     *
     * @param command the command, to tell whether {@code --final-lr} was given
     * @throws UsageException if {@code --final-lr} was given without a decay, or a decay would end
     *     above the rate it starts at
     */
    public RateSchedule schedule(double rate, CommandSpec command) throws UsageException {
        if (decay == Decay.NONE && RunSettings.given(command, "--final-lr")) {
            throw new UsageException("--final-lr is the rate a decay ends at: give --lr-decay linear or cosine too");
        }
        if (decay != Decay.NONE && finalRate > rate) {
            throw new UsageException("--final-lr " + finalRate + " is above the learning rate " + rate
                    + ": a decay ends lower than it starts (lower --final-lr or raise --lr)");
        }
        RateSchedule schedule =
                switch (decay) {
                    case NONE -> RateSchedule.constant(rate);
                    case LINEAR -> RateSchedule.linear(rate, finalRate);
                    case COSINE -> RateSchedule.cosine(rate, finalRate);
                };
        return warmup > 0 ? RateSchedule.warmUp(warmup, schedule) : schedule;
    }
}
