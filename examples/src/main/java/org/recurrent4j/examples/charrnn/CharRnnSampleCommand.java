package org.recurrent4j.examples.charrnn;

import java.io.IOException;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.recurrent4j.examples.cli.HelpOption;
import org.recurrent4j.examples.cli.ModelDirectoryOption;
import org.recurrent4j.examples.cli.SeedOption;
import org.recurrent4j.examples.cli.UsageException;
import org.recurrent4j.io.ModelFile;
import org.recurrent4j.text.CharacterVocabulary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code recurrent4j char-rnn sample --model DIR}: prints text sampled from a saved char-RNN. */
@Command(name = "sample", description = "Samples text from a char-RNN saved by char-rnn or char-rnn train.")
public final class CharRnnSampleCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private HelpOption help;

    @Mixin
    private ModelDirectoryOption model;

    @Mixin
    private SamplingOptions sampling;

    @Mixin
    private SeedOption seed = new SeedOption(42);

    @Override
    public Integer call() throws Exception {
        MultiLayerNetwork net;
        CharacterVocabulary vocabulary;
        try {
            net = ModelFile.loadMultiLayerNetwork(model.file(CharRnnCommand.MODEL_FILE), false);
            vocabulary = CharacterVocabulary.load(model.file(CharRnnCommand.VOCABULARY_FILE));
        } catch (IOException e) {
            throw new UsageException(
                    "cannot read the model in " + model.directory().toAbsolutePath() + ": " + e.getMessage());
        }
        CharRnnCommand.printSample(spec.commandLine().getOut(), net, vocabulary, sampling, seed.seed());
        return 0;
    }
}
