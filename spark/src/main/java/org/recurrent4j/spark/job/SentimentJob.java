package org.recurrent4j.spark.job;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.recurrent4j.arch.SequenceClassifier;
import org.recurrent4j.checkpoint.Checkpoint;
import org.recurrent4j.checkpoint.CheckpointStore;
import org.recurrent4j.conf.CellTypes;
import org.recurrent4j.spark.SparkTrainingConf;
import org.recurrent4j.spark.data.LabelLayout;
import org.recurrent4j.spark.data.SparkLabelledText;
import org.recurrent4j.spark.training.SparkTrainingRun;
import org.recurrent4j.spark.training.TrainingMasters;
import org.recurrent4j.text.LabelledTextFiles;
import org.recurrent4j.text.Tokenizer;
import org.recurrent4j.text.WordVocabulary;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A Spark application that trains a sentiment classifier (word embeddings, stacked bidirectional
 * GRU, softmax) from labelled text files, with a checkpoint after every epoch; {@code --resume}
 * continues from the newest one. Submit the module's job jar with {@code spark-submit}:
 *
 * <pre>
 *   spark-submit --master spark://host:7077 --class org.recurrent4j.spark.job.SentimentJob \
 *       recurrent4j-spark-0.1.0-SNAPSHOT-job.jar --train data/train --dev data/dev.tsv --out runs/sentiment
 * </pre>
 *
 * <p>{@code --train} and {@code --dev} are TSV files {@code sentence<TAB>label} with a header (as
 * SST-2's), or folders of them; every executor reads its share of the files at the same path. The
 * vocabulary is counted on the executors and broadcast; each epoch is one {@code fit} of DL4J's
 * {@code SparkComputationGraph} (parameter averaging, or {@code --master shared} for gradient
 * sharing), then the dev accuracy is measured on the executors and the epoch is checkpointed into
 * {@code OUT/checkpoints} with the vocabulary. At the end {@code OUT/model.zip} and {@code
 * OUT/words.txt} are written (atomically).
 *
 * <p>Output: one line per epoch, {@code epoch 2/3: loss 0.4721, dev accuracy 0.8533, 41.2 s,
 * checkpoint OUT/checkpoints/checkpoint-000000000002}. A mistake on the command line is one line
 * on standard error and exit status 2; a failed run says which epoch failed and where to resume
 * from, with exit status 1.
 */
@Command(
        name = "sentiment-on-spark",
        mixinStandardHelpOptions = true,
        description = "Trains a sentiment classifier on Spark from labelled text files, checkpointing every epoch.")
public final class SentimentJob implements Callable<Integer> {

    /** The master that combines the workers' training. */
    enum Master {
        AVERAGING,
        SHARED
    }

    @Option(names = "--train", required = true, description = "training TSV file or folder of them (repeatable)")
    List<Path> train;

    @Option(names = "--dev", required = true, description = "dev TSV file or folder of them (repeatable)")
    List<Path> dev;

    @Option(names = "--out", required = true, description = "run directory: checkpoints, model.zip, words.txt")
    Path out;

    @Option(names = "--resume", description = "continue from the newest checkpoint in --out")
    boolean resume;

    @Option(
            names = "--labels",
            split = ",",
            defaultValue = "0,1",
            description = "the labels (default: ${DEFAULT-VALUE})")
    List<String> labels;

    @Option(
            names = "--header",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "the files start with a header line (default: true; --no-header if not)")
    boolean header;

    @Option(names = "--epochs", defaultValue = "3", description = "epochs in all (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(
            names = "--batch",
            defaultValue = "32",
            description = "sentences per mini-batch (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(
            names = "--max-length",
            defaultValue = "60",
            description = "tokens kept per sentence (default: ${DEFAULT-VALUE})")
    int maxLength;

    @Option(names = "--embedding", defaultValue = "32", description = "embedding size (default: ${DEFAULT-VALUE})")
    int embedding;

    @Option(
            names = "--hidden",
            defaultValue = "64",
            description = "GRU units per direction (default: ${DEFAULT-VALUE})")
    int hidden;

    @Option(
            names = "--layers",
            defaultValue = "2",
            description = "stacked bidirectional GRU layers (default: ${DEFAULT-VALUE})")
    int layers;

    @Option(
            names = "--min-count",
            defaultValue = "1",
            description = "rarer words become <unk> (default: ${DEFAULT-VALUE})")
    int minCount;

    @Option(names = "--lr", defaultValue = "0.01", description = "Adam's learning rate (default: ${DEFAULT-VALUE})")
    double learningRate;

    @Option(
            names = "--master",
            defaultValue = "averaging",
            description = "averaging or shared (default: ${DEFAULT-VALUE})")
    Master master;

    @Option(
            names = "--averaging-frequency",
            defaultValue = "5",
            description = "mini-batches per worker between averagings (default: ${DEFAULT-VALUE})")
    int averagingFrequency;

    @Option(
            names = "--shared-port",
            defaultValue = "40123",
            description =
                    "the parameter server's UDP port on the driver, for --master shared (default: ${DEFAULT-VALUE})")
    int sharedPort;

    @Option(
            names = "--partitions",
            description = "partitions of the training files (default: Spark's default parallelism)")
    Integer partitions;

    @Option(names = "--seed", defaultValue = "42", description = "initialization seed (default: ${DEFAULT-VALUE})")
    long seed;

    private static final String PROGRAM = "sentiment-on-spark";
    private static final String WORDS = "words.txt";

    private final PrintStream console;

    SentimentJob(PrintStream console) {
        this.console = console;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the job and returns its exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine line = new CommandLine(new SentimentJob(out));
        line.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        line.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        line.setCaseInsensitiveEnumValuesAllowed(true);
        line.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println(PROGRAM + ": error: " + e.getMessage());
            return 2;
        });
        line.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            if (e instanceof UsageError) {
                commandLine.getErr().println(PROGRAM + ": error: " + e.getMessage());
                return 2;
            }
            commandLine.getErr().println(PROGRAM + ": " + e.getMessage());
            e.printStackTrace(err);
            return 1;
        });
        return line.execute(args);
    }

    /** A mistake of the user's, reported in one line with exit status 2. */
    static final class UsageError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageError(String message) {
            super(message);
        }
    }

    @Override
    public Integer call() throws Exception {
        check();
        List<URI> trainFiles = files("--train", train);
        List<URI> devFiles = files("--dev", dev);
        CheckpointStore store = new CheckpointStore(out.resolve("checkpoints"), 2);
        Optional<Checkpoint> newest = store.newest();
        if (newest.isPresent() && !resume) {
            throw new UsageError(store.root() + " has checkpoints (the newest "
                    + newest.get().directory().getFileName() + "): --resume continues that run, or give another --out");
        }
        if (newest.isEmpty() && resume) {
            throw new UsageError("--resume: no checkpoint in " + store.root() + " to continue from");
        }
        LabelledTextFiles layout =
                LabelledTextFiles.tsv().header(header).labels(labels).build();

        SparkConf conf = new SparkConf().setAppName(PROGRAM);
        if (!conf.contains("spark.master")) {
            throw new UsageError("no Spark master: submit with spark-submit --master ..., or set spark.master");
        }
        SparkTrainingConf.useKryo(conf);
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            int parts = partitions != null ? partitions : sc.defaultParallelism();
            SparkLabelledText trainText = new SparkLabelledText(sc, layout, trainFiles, parts);
            SparkLabelledText devText = new SparkLabelledText(sc, layout, devFiles, parts);

            WordVocabulary vocabulary;
            ComputationGraph net;
            if (newest.isPresent()) {
                Checkpoint c = newest.get();
                vocabulary = WordVocabulary.load(c.file(WORDS));
                net = c.computationGraph();
                console.printf(
                        Locale.ROOT,
                        "resuming from %s (epoch %s, vocabulary of %d entries from the checkpoint)%n",
                        c.directory(),
                        c.property(SparkTrainingRun.EPOCH),
                        vocabulary.size());
            } else {
                vocabulary = trainText.vocabulary(Tokenizer.standard(), minCount, Integer.MAX_VALUE);
                net = network(vocabulary.size());
                console.printf(
                        Locale.ROOT,
                        "%d training file(s) in %d partition(s), %d dev file(s); vocabulary of %d entries counted on"
                                + " the executors; %d parameters%n",
                        trainFiles.size(),
                        Math.min(parts, trainFiles.size()),
                        devFiles.size(),
                        vocabulary.size(),
                        net.numParams());
            }
            byte[] words = vocabularyBytes(vocabulary);
            var broadcast = sc.broadcast(vocabulary);
            JavaRDD<DataSet> trainBatches = trainText
                    .batches(broadcast, maxLength, batch, LabelLayout.PER_SEQUENCE)
                    .cache();
            JavaRDD<DataSet> devBatches = devText.batches(broadcast, maxLength, batch, LabelLayout.PER_SEQUENCE)
                    .cache();

            TrainingMaster<?, ?> trainingMaster = master == Master.SHARED
                    ? TrainingMasters.sharedGradients(batch, sc.getConf().get("spark.driver.host"), sharedPort, 1e-3)
                    : TrainingMasters.parameterAveraging(sc.defaultParallelism(), batch, averagingFrequency);
            SparkComputationGraph spark = new SparkComputationGraph(sc, net, trainingMaster);
            SparkTrainingRun run = new SparkTrainingRun(store, Map.of(WORDS, o -> o.write(words)));
            long[] started = {System.nanoTime()};
            int done = run.epochsDone();
            try {
                run.train(spark, trainBatches, epochs, (epoch, model) -> {
                    Evaluation evaluation = spark.evaluate(devBatches);
                    console.printf(
                            Locale.ROOT,
                            "epoch %d/%d: loss %.4f, dev accuracy %.4f, %.1f s, checkpoint %s%n",
                            epoch,
                            epochs,
                            spark.getScore(),
                            evaluation.accuracy(),
                            (System.nanoTime() - started[0]) / 1e9,
                            store.root().resolve(String.format(Locale.ROOT, "checkpoint-%012d", epoch)));
                    started[0] = System.nanoTime();
                    return Map.of("dev.accuracy", Double.toString(evaluation.accuracy()));
                });
            } catch (RuntimeException e) {
                int saved = run.epochsDone();
                throw new IllegalStateException(
                        "training failed in epoch " + (saved + 1) + " (" + rootCause(e) + "); "
                                + (saved == 0
                                        ? "no epoch was checkpointed"
                                        : "epoch " + saved + " is checkpointed in " + store.root()
                                                + ": run again with --resume"),
                        e);
            }
            if (done >= epochs) {
                console.printf(
                        Locale.ROOT, "the checkpoints already hold %d epoch(s); --epochs %d adds none%n", done, epochs);
            }
            writeAtomically(
                    out.resolve("model.zip"),
                    file -> ModelSerializer.writeModel(spark.getNetwork(), file.toFile(), true));
            writeAtomically(out.resolve(WORDS), file -> Files.write(file, words));
            console.printf(Locale.ROOT, "model: %s, vocabulary: %s%n", out.resolve("model.zip"), out.resolve(WORDS));
        }
        return 0;
    }

    private ComputationGraph network(int vocabularySize) {
        int[] sizes = new int[layers];
        java.util.Arrays.fill(sizes, hidden);
        ComputationGraph net = new ComputationGraph(new SequenceClassifier()
                .tokens(vocabularySize, embedding)
                .cell(CellTypes.GRU)
                .hidden(sizes)
                .bidirectional(Bidirectional.Mode.CONCAT)
                .classes(labels.size())
                .updater(new Adam(learningRate))
                .seed(seed)
                .build());
        net.init();
        return net;
    }

    private void check() {
        positive("--epochs", epochs);
        positive("--batch", batch);
        positive("--max-length", maxLength);
        positive("--embedding", embedding);
        positive("--hidden", hidden);
        positive("--layers", layers);
        positive("--min-count", minCount);
        positive("--averaging-frequency", averagingFrequency);
        if (partitions != null) {
            positive("--partitions", partitions);
        }
        if (!(learningRate > 0)) {
            throw new UsageError("--lr must be positive, got " + learningRate);
        }
        if (labels.size() < 2) {
            throw new UsageError("--labels: a classifier needs at least 2 labels, got " + labels);
        }
    }

    private static void positive(String option, int value) {
        if (value < 1) {
            throw new UsageError(option + " must be at least 1, got " + value);
        }
    }

    /** The files given, a folder standing for its regular files in name order. */
    private static List<URI> files(String option, List<Path> paths) throws IOException {
        List<URI> files = new ArrayList<>();
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                try (Stream<Path> list = Files.list(path)) {
                    list.filter(Files::isRegularFile)
                            .filter(f -> !f.getFileName().toString().startsWith("."))
                            .sorted()
                            .forEach(f -> files.add(f.toAbsolutePath().toUri()));
                }
            } else if (Files.isRegularFile(path)) {
                files.add(path.toAbsolutePath().toUri());
            } else {
                throw new UsageError(option + ": " + path + " is neither a file nor a folder");
            }
        }
        if (files.isEmpty()) {
            throw new UsageError(option + ": no files in " + paths);
        }
        return files;
    }

    private static byte[] vocabularyBytes(WordVocabulary vocabulary) throws IOException {
        Path temporary = Files.createTempFile("words", ".txt");
        try {
            vocabulary.save(temporary);
            return Files.readAllBytes(temporary);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private interface FileWriter {
        void write(Path file) throws IOException;
    }

    /** Writes {@code target} through a temporary file beside it, forced to disk, then renamed over it. */
    private static void writeAtomically(Path target, FileWriter writer) throws IOException {
        Path directory = target.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        Path temporary = Files.createTempFile(directory, "." + target.getFileName(), ".tmp");
        try {
            writer.write(temporary);
            try (var channel = java.nio.channels.FileChannel.open(temporary, java.nio.file.StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | UncheckedIOException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
    }

    private static String rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message =
                cause.getMessage() == null ? "" : cause.getMessage().strip().replaceAll("\\s*\\R\\s*", " ");
        return cause.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
    }
}
