package org.recurrent4j.examples.sentiment;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.recurrent4j.datasets.Imdb;
import org.recurrent4j.datasets.Sst2;
import org.recurrent4j.examples.cli.Options;
import org.recurrent4j.examples.cli.UsageException;
import org.recurrent4j.io.AtomicFile;
import org.recurrent4j.text.LabelledText;
import org.recurrent4j.text.LabelledTextFiles;
import org.recurrent4j.text.LabelledTextRecordReader;
import org.recurrent4j.text.Tokenizer;
import org.recurrent4j.text.WordVocabulary;

/**
 * {@code recurrent4j sentiment}: trains a word-level GRU sentence classifier on SST-2 or IMDB (or
 * labelled text given by the user), reports dev accuracy after each epoch, and saves the model with
 * its word vocabulary.
 */
public final class SentimentCommand {

    static final String HELP = String.join(
            "\n",
            "usage: recurrent4j sentiment [options]",
            "",
            "Trains an embedding + GRU sentence classifier (label read at the last token) and reports dev accuracy.",
            "",
            "  --dataset NAME       sst2 (default) or imdb, downloaded once into ~/.recurrent4j/data",
            "  --train PATH         train on this instead: a TSV file \"sentence<TAB>label\" with a header and labels",
            "                       0/1 (SST-2's layout), or a folder with neg/ and pos/ folders of one text per file",
            "  --dev PATH           evaluate on this (same layout as --train; required with --train)",
            "  --out DIR            where to save model.zip and words.txt (default: runs/sentiment)",
            "  --epochs N           passes over the training data (default: 2)",
            "  --max-length N       tokens kept per text, from its start (default: 60)",
            "  --min-count N        words seen fewer times become <unk> (default: 2)",
            "  --vocabulary N       at most N vocabulary entries (default: 20000)",
            "  --embedding N        embedding size (default: 64)",
            "  --hidden N           GRU units (default: 128)",
            "  --batch N            texts per mini-batch (default: 64)",
            "  --learning-rate R    Adam learning rate (default: 0.005)",
            "  --seed S             random seed (default: 42)");

    private static final Set<String> VALUED = Set.of(
            "dataset",
            "train",
            "dev",
            "out",
            "epochs",
            "max-length",
            "min-count",
            "vocabulary",
            "embedding",
            "hidden",
            "batch",
            "learning-rate",
            "seed");

    /** The model file in a model directory. */
    public static final String MODEL_FILE = "model.zip";
    /** The word vocabulary file in a model directory. */
    public static final String VOCABULARY_FILE = "words.txt";

    private static final List<String> LABEL_NAMES = List.of("negative", "positive");

    private final PrintStream out;

    public SentimentCommand(PrintStream out) {
        this.out = out;
    }

    /** The labelled texts to train and evaluate on, and how they are laid out. */
    private record Corpus(String name, LabelledTextFiles files, List<LabelledText> train, List<LabelledText> dev) {}

    /** Runs the command; returns the exit code. */
    public int run(List<String> args) throws UsageException {
        Options o = Options.parse(args, VALUED, Set.of("help"));
        if (o.has("help")) {
            out.println(HELP);
            return 0;
        }
        Path dir = Path.of(o.string("out", "runs/sentiment"));
        int epochs = o.intValue("epochs", 2, 1, 1000);
        int maxLength = o.intValue("max-length", 60, 1, 100_000);
        int batch = o.intValue("batch", 64, 1, 4096);
        long seed = o.intValue("seed", 42, 0, Integer.MAX_VALUE);
        SentimentModel.Settings settings = new SentimentModel.Settings(
                o.intValue("embedding", 64, 1, 4096),
                o.intValue("hidden", 128, 1, 8192),
                o.doubleValue("learning-rate", 0.005, 1e-7, 1.0),
                seed);
        Corpus corpus = corpus(o);

        WordVocabulary vocabulary;
        LabelledTextRecordReader train;
        LabelledTextRecordReader dev;
        try {
            vocabulary = WordVocabulary.builder(Tokenizer.standard())
                    .minCount(o.intValue("min-count", 2, 1, Integer.MAX_VALUE))
                    .maxSize(o.intValue("vocabulary", 20_000, 3, Integer.MAX_VALUE))
                    .build(corpus.train().stream().map(LabelledText::text).toList());
            train = new LabelledTextRecordReader.Builder(corpus.files(), vocabulary)
                    .maxLength(maxLength)
                    .shuffle(seed)
                    .build();
            train.initialize(corpus.train());
            dev = new LabelledTextRecordReader.Builder(corpus.files(), vocabulary)
                    .maxLength(maxLength)
                    .build();
            dev.initialize(corpus.dev());
        } catch (IOException | IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        out.printf(
                "data: %s, %,d training and %,d dev texts; %,d vocabulary entries (min count, <pad>, <unk>);"
                        + " %,d training texts cut to %d tokens%n",
                corpus.name(), train.sequences(), dev.sequences(), vocabulary.size(), train.truncated(), maxLength);

        MultiLayerNetwork net = SentimentModel.build(vocabulary.size(), LABEL_NAMES.size(), settings);
        out.printf(
                "model: embedding(%d) -> recurrent4j Gru(%d) -> softmax at the last token, %,d parameters%n",
                settings.embedding(), settings.hidden(), net.numParams());

        DataSetIterator trainBatches = train.iterator(batch);
        for (int epoch = 1; epoch <= epochs; epoch++) {
            long start = System.nanoTime();
            trainBatches.reset();
            net.fit(trainBatches);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            Evaluation evaluation = net.evaluate(dev.iterator(256));
            out.printf(
                    "epoch %d: %d:%02d, last-batch loss %.3f, dev accuracy %.4f (%d texts)%n",
                    epoch,
                    took.toMinutes(),
                    took.toSecondsPart(),
                    net.score(),
                    evaluation.accuracy(),
                    evaluation.getNumRowCounter());
        }

        out.println("some dev texts:");
        for (int i = 0; i < Math.min(4, dev.sequences()); i++) {
            LabelledText example = corpus.dev().get(i);
            double[] p = SentimentModel.predict(net, vocabulary, example.text(), maxLength);
            out.printf(
                    "  %-8s (P=%.2f, true: %s)  %s%n",
                    LABEL_NAMES.get(p[1] > p[0] ? 1 : 0),
                    Math.max(p[0], p[1]),
                    LABEL_NAMES.get(example.label()),
                    abbreviate(example.text().strip(), 70));
        }

        try {
            Path model = save(net, vocabulary, dir);
            out.println("saved model: " + model.toAbsolutePath() + " (vocabulary: "
                    + dir.resolve(VOCABULARY_FILE).toAbsolutePath() + ")");
        } catch (IOException e) {
            throw new UsageException("cannot save the model in " + dir.toAbsolutePath() + ": " + e.getMessage());
        }
        return 0;
    }

    /** Saves the classifier and its word vocabulary into {@code dir}, each file atomically. */
    public static Path save(MultiLayerNetwork net, WordVocabulary vocabulary, Path dir) throws IOException {
        Path model = dir.resolve(MODEL_FILE);
        AtomicFile.write(model, temporary -> ModelSerializer.writeModel(net, temporary.toFile(), true));
        vocabulary.save(dir.resolve(VOCABULARY_FILE));
        return model;
    }

    private Corpus corpus(Options o) throws UsageException {
        if (o.has("train") != o.has("dev")) {
            throw new UsageException("--train and --dev go together: give both, or neither to use --dataset");
        }
        if (o.has("train") && o.has("dataset")) {
            throw new UsageException("--train/--dev and --dataset both name the data: give one of them");
        }
        try {
            if (o.has("train")) {
                Path trainPath = existing(o.string("train", ""), "--train");
                Path devPath = existing(o.string("dev", ""), "--dev");
                if (Files.isDirectory(trainPath)) {
                    LabelledTextFiles files = Imdb.files();
                    return new Corpus(
                            trainPath.toString(),
                            files,
                            files.readFolders(trainPath),
                            files.readFolders(existingDirectory(devPath)));
                }
                LabelledTextFiles files = Sst2.files();
                return new Corpus(trainPath.toString(), files, files.read(trainPath), files.read(devPath));
            }
            String dataset = o.string("dataset", "sst2");
            switch (dataset) {
                case "sst2" -> {
                    Sst2 sst2 = new Sst2().progress(this::downloadProgress);
                    LabelledTextFiles files = Sst2.files();
                    return new Corpus("SST-2", files, files.read(sst2.train()), files.read(sst2.dev()));
                }
                case "imdb" -> {
                    Imdb imdb = new Imdb().progress(this::downloadProgress);
                    LabelledTextFiles files = Imdb.files();
                    return new Corpus("IMDB", files, files.readFolders(imdb.train()), files.readFolders(imdb.test()));
                }
                default -> throw new UsageException("unknown data set \"" + dataset + "\" (known: sst2, imdb)");
            }
        } catch (IOException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private void downloadProgress(long bytes, long total) {
        if (bytes == total) {
            System.err.printf("downloaded %,d bytes%n", bytes);
        }
    }

    private static Path existing(String path, String option) throws UsageException {
        Path p = Path.of(path);
        if (!Files.exists(p)) {
            throw new UsageException(option + ": no such file or folder: " + p.toAbsolutePath());
        }
        return p;
    }

    private static Path existingDirectory(Path p) throws UsageException {
        if (!Files.isDirectory(p)) {
            throw new UsageException("--dev: " + p.toAbsolutePath()
                    + " is not a folder, but --train is (give both as folders with neg/ and pos/, or both as TSV)");
        }
        return p;
    }

    private static String abbreviate(String text, int length) {
        return text.length() <= length ? text : text.substring(0, length - 3) + "...";
    }
}
