package org.recurrent4j.examples.sentiment;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.recurrent4j.examples.cli.HelpOption;
import org.recurrent4j.examples.cli.ModelDirectoryOption;
import org.recurrent4j.examples.cli.RunFailedException;
import org.recurrent4j.examples.cli.UsageException;
import org.recurrent4j.io.AtomicFile;
import org.recurrent4j.io.ModelFile;
import org.recurrent4j.text.LabelledText;
import org.recurrent4j.text.LabelledTextRecordReader;
import org.recurrent4j.text.WordVocabulary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code recurrent4j sentiment}: trains a word-level sentence classifier (embedding, GRU, softmax at
 * the last token) on SST-2 or IMDB (or labelled text given by the user), reports dev accuracy after
 * each epoch, a few dev predictions, and saves the model; {@code sentiment train} trains and saves,
 * {@code sentiment eval} and {@code sentiment predict} use a saved model.
 *
 * <p>The model directory holds {@code model.zip}, {@code words.txt} (the word vocabulary), {@code
 * sentiment.properties} (the tokens kept per text) and the training curves.
 */
@Command(
        name = "sentiment",
        description = {
            "Trains an embedding + recurrent (GRU by default) sentence classifier, label read at the last token;"
                    + " reports dev accuracy and saves it.",
            "Without a subcommand: train, save, and show predictions on a few dev texts."
        },
        subcommands = {SentimentCommand.Train.class, SentimentEvalCommand.class, SentimentPredictCommand.class})
public final class SentimentCommand implements Callable<Integer> {

    /** The model file in a model directory. */
    public static final String MODEL_FILE = "model.zip";
    /** The word vocabulary file in a model directory. */
    public static final String VOCABULARY_FILE = "words.txt";
    /** The settings prediction needs, in a model directory. */
    public static final String SETTINGS_FILE = "sentiment.properties";

    /** The labels' names, by class index. */
    public static final List<String> LABELS = SentimentData.LABEL_NAMES;

    /** The key of the tokens kept per text in {@link #SETTINGS_FILE}. */
    public static final String MAX_LENGTH = "max-length";

    @Spec
    private CommandSpec spec;

    @Mixin
    private HelpOption help;

    @Mixin
    private SentimentOptions options;

    @Override
    public Integer call() throws UsageException, RunFailedException {
        PrintWriter out = spec.commandLine().getOut();
        SentimentTraining training = new SentimentTraining(options, out);
        SentimentTraining.Trained trained = training.run();
        training.save(trained);
        out.println("some dev texts:");
        for (LabelledText example : trained.corpus()
                .dev()
                .subList(0, Math.min(4, trained.corpus().dev().size()))) {
            double[] p =
                    SentimentModel.predict(trained.net(), trained.vocabulary(), example.text(), training.maxLength());
            if (p != null) {
                out.printf(
                        "  %-8s (P=%.2f, true: %s)  %s%n",
                        label(p),
                        Math.max(p[0], p[1]),
                        SentimentData.LABEL_NAMES.get(example.label()),
                        abbreviate(example.text().strip(), 70));
            }
        }
        return 0;
    }

    /** {@code recurrent4j sentiment train}: trains a classifier and saves it. */
    @Command(name = "train", description = "Trains a sentence classifier and saves it with its vocabulary and curves.")
    static final class Train implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Mixin
        private HelpOption help;

        @Mixin
        private SentimentOptions options;

        @Override
        public Integer call() throws UsageException, RunFailedException {
            SentimentTraining training =
                    new SentimentTraining(options, spec.commandLine().getOut());
            training.save(training.run());
            return 0;
        }
    }

    /** A classifier read back from a model directory: the graph, its vocabulary, the tokens it reads per text. */
    public record Saved(ComputationGraph net, WordVocabulary vocabulary, int maxLength) {

        static Saved load(ModelDirectoryOption model) throws UsageException {
            model.file(SETTINGS_FILE);
            try {
                return read(model.directory());
            } catch (IOException | RuntimeException e) {
                throw new UsageException(
                        "cannot read the model in " + model.directory().toAbsolutePath() + ": " + e.getMessage());
            }
        }

        /** Reads a model directory written by {@link SentimentCommand#save}. */
        public static Saved read(Path dir) throws IOException {
            try (Reader reader = Files.newBufferedReader(dir.resolve(SETTINGS_FILE), StandardCharsets.UTF_8)) {
                Properties settings = new Properties();
                settings.load(reader);
                String maxLength = settings.getProperty(MAX_LENGTH);
                if (maxLength == null) {
                    throw new IOException(dir.resolve(SETTINGS_FILE) + " has no " + MAX_LENGTH);
                }
                return new Saved(
                        ModelFile.loadComputationGraph(dir.resolve(MODEL_FILE), false),
                        WordVocabulary.load(dir.resolve(VOCABULARY_FILE)),
                        Integer.parseInt(maxLength.strip()));
            }
        }
    }

    /** Saves the classifier, its word vocabulary and its settings into {@code dir}, each file atomically. */
    public static Path save(ComputationGraph net, WordVocabulary vocabulary, int maxLength, Path dir)
            throws IOException {
        Path model = dir.resolve(MODEL_FILE);
        ModelFile.save(net, model, true);
        vocabulary.save(dir.resolve(VOCABULARY_FILE));
        Properties settings = new Properties();
        settings.setProperty(MAX_LENGTH, Integer.toString(maxLength));
        AtomicFile.writeStream(dir.resolve(SETTINGS_FILE), stream -> {
            Writer writer = new OutputStreamWriter(stream, StandardCharsets.UTF_8);
            settings.store(writer, "recurrent4j sentiment");
            writer.flush();
        });
        return model;
    }

    /** A reader of the dev texts, in order, cut to {@code maxLength} tokens. */
    static LabelledTextRecordReader reader(SentimentData.Corpus corpus, WordVocabulary vocabulary, int maxLength)
            throws IOException {
        LabelledTextRecordReader dev = new LabelledTextRecordReader.Builder(corpus.files(), vocabulary)
                .maxLength(maxLength)
                .build();
        dev.initialize(corpus.dev());
        return dev;
    }

    /** The more probable label of two class probabilities. */
    static String label(double[] p) {
        return SentimentData.LABEL_NAMES.get(p[1] > p[0] ? 1 : 0);
    }

    private static String abbreviate(String text, int length) {
        return text.length() <= length ? text : text.substring(0, length - 3) + "...";
    }
}
