package org.recurrent4j.examples.seq2seq;

import org.recurrent4j.arch.EncoderDecoder;
import org.recurrent4j.conf.CellTypes;
import org.recurrent4j.examples.cli.CheckpointOptions;
import org.recurrent4j.examples.cli.DashboardOption;
import org.recurrent4j.examples.cli.NetworkOptions;
import org.recurrent4j.examples.cli.OutOption;
import org.recurrent4j.examples.cli.Range;
import org.recurrent4j.examples.cli.SeedOption;
import org.recurrent4j.examples.cli.TrainingOptions;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The options of seq2seq training, shared by {@code seq2seq} and {@code seq2seq train}. */
public final class Seq2SeqOptions {

    @Option(
            names = "--task",
            paramLabel = "NAME",
            description = "addition ('a+b' to the sum) or reverse (a symbol string to its reverse)"
                    + " (default: ${DEFAULT-VALUE})")
    String task = "addition";

    @Option(
            names = "--digits",
            paramLabel = "N",
            description = "digits of each addend for addition (default: ${DEFAULT-VALUE})")
    @Range(min = 1, max = 9)
    int digits = 3;

    @Mixin
    NetworkOptions network = new NetworkOptions(CellTypes.LSTM, 128);

    @Option(
            names = "--context",
            paramLabel = "MODE",
            description = "how the decoder gets the source: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    EncoderDecoder.Context context = EncoderDecoder.Context.INITIAL_STATE;

    @Option(
            names = "--attention",
            negatable = true,
            description = "attention over the encoder's outputs (on by default; --no-attention: the context alone)")
    boolean attention = true;

    @Option(names = "--steps", paramLabel = "N", description = "training mini-batches (default: ${DEFAULT-VALUE})")
    @Range(min = 1, max = 10_000_000)
    int steps = 3000;

    @Mixin
    TrainingOptions training = new TrainingOptions(128, 0.01, 0);

    @Option(
            names = "--decay",
            paramLabel = "D",
            description = "learning-rate decay per step: the rate is multiplied by it after each step"
                    + " (default: ${DEFAULT-VALUE})")
    @Range(min = 0.5, max = 1)
    double decay = 0.999;

    @Option(
            names = "--beam",
            paramLabel = "W",
            description = "beam width for the final beam-search score (default: ${DEFAULT-VALUE})")
    @Range(min = 1, max = 100)
    int beam = 3;

    @Option(names = "--test", paramLabel = "N", description = "held-out pairs scored (default: ${DEFAULT-VALUE})")
    @Range(min = 1, max = 100_000)
    int test = 200;

    @Option(
            names = "--report-every",
            paramLabel = "N",
            description = "steps between held-out scores (default: ${DEFAULT-VALUE})")
    @Range(min = 1, max = 10_000_000)
    int reportEvery = 500;

    @Mixin
    SeedOption seed = new SeedOption(3);

    @Mixin
    OutOption out = new OutOption("runs/seq2seq");

    @Mixin
    CheckpointOptions checkpoints = new CheckpointOptions();

    @Mixin
    private DashboardOption dashboard = new DashboardOption();

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    TaskChoice taskChoice() {
        return new TaskChoice(task, digits);
    }
}
