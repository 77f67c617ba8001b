package org.recurrent4j.examples.charrnn;

import java.util.Set;
import java.util.concurrent.Callable;
import org.recurrent4j.examples.cli.HelpOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code recurrent4j char-rnn train}: trains a char-RNN and saves it, without sampling. */
@Command(name = "train", description = "Trains a character-level language model and saves it with its curves.")
public final class CharRnnTrainCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private HelpOption help;

    @Mixin
    private CharRnnOptions options;

    @Override
    public Integer call() throws Exception {
        CharRnnTraining training =
                new CharRnnTraining(options, spec.commandLine().getOut(), Set.of());
        training.save(training.run());
        return 0;
    }
}
