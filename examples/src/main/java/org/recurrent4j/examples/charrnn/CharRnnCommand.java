package org.recurrent4j.examples.charrnn;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.recurrent4j.decode.TokenSampler;
import org.recurrent4j.examples.cli.HelpOption;
import org.recurrent4j.examples.cli.UsageException;
import org.recurrent4j.io.ModelFile;
import org.recurrent4j.text.CharacterVocabulary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Spec;

/**
 * {@code recurrent4j char-rnn}: trains a character-level language model (LSTM by default) on a text
 * (by default the embedded corpus), prints a sample, and saves the model; {@code char-rnn train}
 * only trains and saves, {@code char-rnn sample --model DIR} samples from a saved model.
 *
 * <p>The model directory holds {@code model.zip} (a DL4J {@code ModelSerializer} file), {@code
 * vocabulary.txt} (a {@link CharacterVocabulary}) and the training curves, each written atomically.
 */
@Command(
        name = "char-rnn",
        description = {
            "Trains a character-level language model (stacked LSTMs by default), then prints text sampled from it"
                    + " and saves the model.",
            "Without a subcommand: train, sample, save."
        },
        subcommands = {CharRnnTrainCommand.class, CharRnnSampleCommand.class})
public final class CharRnnCommand implements Callable<Integer> {

    /** The model file in a model directory. */
    public static final String MODEL_FILE = "model.zip";
    /** The vocabulary file in a model directory. */
    public static final String VOCABULARY_FILE = "vocabulary.txt";

    @Spec
    private CommandSpec spec;

    @Mixin
    private HelpOption help;

    @Mixin
    private CharRnnOptions options;

    @Mixin
    private SamplingOptions sampling;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Set<String> samplingOptions = spec.mixins().get("sampling").options().stream()
                .map(OptionSpec::longestName)
                .collect(Collectors.toSet());
        CharRnnTraining training = new CharRnnTraining(options, out, samplingOptions);
        CharRnnTraining.Trained trained = training.run();
        printSample(out, trained.net(), trained.vocabulary(), sampling, options.seed() + 2);
        training.save(trained);
        return 0;
    }

    /** Samples from {@code net} as {@code sampling} says and prints the text between two rules. */
    static void printSample(
            PrintWriter out, MultiLayerNetwork net, CharacterVocabulary vocabulary, SamplingOptions sampling, long seed)
            throws UsageException {
        TokenSampler sampler = sampling.sampler();
        String sample = CharRnnSampler.sample(
                net, vocabulary, sampling.prime(vocabulary), sampling.length(), sampler, new Random(seed));
        out.printf("---- sample (%s) ----%n%s%n---------------------------------%n", sampler, sample.strip());
    }

    /**
     * Saves a char-RNN (with its updater state, so training can resume) and its vocabulary into
     * {@code dir}, each file atomically.
     *
     * @return the model file
     */
    public static Path save(MultiLayerNetwork net, CharacterVocabulary vocabulary, Path dir) throws IOException {
        Path model = dir.resolve(MODEL_FILE);
        ModelFile.save(net, model, true);
        vocabulary.save(dir.resolve(VOCABULARY_FILE));
        return model;
    }

    /** Steps in the last truncated-BPTT segment of a window: what the training score covers. */
    static int lastSegment(int length, int tbptt) {
        int rest = length % tbptt;
        return rest == 0 ? Math.min(length, tbptt) : rest;
    }
}
