package org.recurrent4j.examples.seq2seq;

import java.util.concurrent.Callable;
import org.recurrent4j.arch.EncoderDecoder;
import org.recurrent4j.examples.cli.HelpOption;
import org.recurrent4j.examples.cli.RunFailedException;
import org.recurrent4j.examples.cli.UsageException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code recurrent4j seq2seq}: trains an {@link EncoderDecoder} on a generated text-to-text task
 * (sequence reversal or multi-digit addition) and reports the exact match on held-out sources,
 * decoded greedily and with beam search, as training goes; {@code seq2seq train} also saves the
 * model, {@code seq2seq decode} decodes sources with a saved one.
 *
 * <p>The model directory holds {@code model.zip} (the graph), {@code task.properties} and the
 * training curves.
 */
@Command(
        name = "seq2seq",
        description = {
            "Trains an encoder-decoder on a generated task and reports held-out exact match (greedy and beam"
                    + " search).",
            "Without a subcommand: train and report, without saving."
        },
        subcommands = {Seq2SeqCommand.Train.class, Seq2SeqDecodeCommand.class})
public final class Seq2SeqCommand implements Callable<Integer> {

    /** The model file in a model directory. */
    public static final String MODEL_FILE = "model.zip";

    @Spec
    private CommandSpec spec;

    @Mixin
    private HelpOption help;

    @Mixin
    private Seq2SeqOptions options;

    @Override
    public Integer call() throws UsageException, RunFailedException {
        new Seq2SeqTraining(options, spec.commandLine().getOut()).run();
        return 0;
    }

    /** {@code recurrent4j seq2seq train}: trains, reports and saves the model. */
    @Command(name = "train", description = "Trains an encoder-decoder, reports, and saves it with its task and curves.")
    static final class Train implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Mixin
        private HelpOption help;

        @Mixin
        private Seq2SeqOptions options;

        @Override
        public Integer call() throws UsageException, RunFailedException {
            Seq2SeqTraining training =
                    new Seq2SeqTraining(options, spec.commandLine().getOut());
            training.save(training.run());
            return 0;
        }
    }
}
