package org.recurrent4j.examples.sentiment;

import java.nio.file.Path;
import org.recurrent4j.conf.CellTypes;
import org.recurrent4j.examples.cli.CheckpointOptions;
import org.recurrent4j.examples.cli.DashboardOption;
import org.recurrent4j.examples.cli.NetworkOptions;
import org.recurrent4j.examples.cli.OutOption;
import org.recurrent4j.examples.cli.Range;
import org.recurrent4j.examples.cli.SeedOption;
import org.recurrent4j.examples.cli.TrainingOptions;
import org.recurrent4j.examples.training.RateDecayOptions;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The options of sentiment training, shared by {@code sentiment} and {@code sentiment train}. */
public final class SentimentOptions {

    @Option(
            names = "--dataset",
            paramLabel = "NAME",
            description = "sst2 (the default) or imdb, downloaded once into ~/.recurrent4j/data")
    String dataset;

    @Option(
            names = "--train",
            paramLabel = "PATH",
            description = "train on this instead: a TSV file \"sentence<TAB>label\" with a header and labels 0/1"
                    + " (SST-2's layout), or a folder with neg/ and pos/ folders of one text per file")
    Path train;

    @Option(
            names = "--dev",
            paramLabel = "PATH",
            description = "evaluate on this (same layout as --train; required with --train)")
    Path dev;

    @Option(
            names = "--epochs",
            paramLabel = "N",
            description = "passes over the training data (default: ${DEFAULT-VALUE})")
    @Range(min = 1, max = 1000)
    int epochs = 2;

    @Option(
            names = "--max-length",
            paramLabel = "N",
            description = "tokens kept per text, from its start (default: ${DEFAULT-VALUE})")
    @Range(min = 1, max = 100_000)
    int maxLength = 60;

    @Option(
            names = "--min-count",
            paramLabel = "N",
            description = "words seen fewer times become <unk> (default: ${DEFAULT-VALUE})")
    @Range(min = 1)
    int minCount = 2;

    @Option(
            names = "--vocabulary",
            paramLabel = "N",
            description = "at most N vocabulary entries (default: ${DEFAULT-VALUE})")
    @Range(min = 3)
    int vocabulary = 20_000;

    @Option(names = "--embedding", paramLabel = "N", description = "embedding size (default: ${DEFAULT-VALUE})")
    @Range(min = 1, max = 4096)
    int embedding = 64;

    @Option(
            names = "--pooling",
            paramLabel = "HOW",
            description = "how the sentence is read from the recurrent outputs: last (the last token), max or mean"
                    + " (over its tokens) (default: ${DEFAULT-VALUE})")
    SentimentModel.Pooling pooling = SentimentModel.Pooling.LAST;

    @Option(
            names = "--bidirectional",
            description = "read each sentence forwards and backwards (with --pooling last: the forward direction at"
                    + " the last token, the backward one after the whole sentence)")
    boolean bidirectional;

    @Option(
            names = "--dropout",
            paramLabel = "P",
            description = "drop each value of the sentence's vector (read or pooled) with probability P while"
                    + " training (default: ${DEFAULT-VALUE})")
    @Range(min = 0, max = 0.95)
    double dropout = 0;

    @Option(
            names = "--embedding-dropout",
            paramLabel = "P",
            description = "drop each value of the word embeddings the recurrent layer reads with probability P while"
                    + " training, against memorising words (default: ${DEFAULT-VALUE})")
    @Range(min = 0, max = 0.95)
    double embeddingDropout = 0;

    @Mixin
    NetworkOptions network = new NetworkOptions(CellTypes.GRU, 128);

    @Mixin
    TrainingOptions training = new TrainingOptions(64, 0.005, 0);

    @Mixin
    RateDecayOptions rateDecay = new RateDecayOptions();

    @Mixin
    SeedOption seed = new SeedOption(42);

    @Mixin
    OutOption out = new OutOption("runs/sentiment");

    @Mixin
    CheckpointOptions checkpoints = new CheckpointOptions();

    @Mixin
    private DashboardOption dashboard = new DashboardOption();

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    SentimentModel.Settings settings() {
        return new SentimentModel.Settings(
                network.cell(),
                embedding,
                network.hidden(),
                training.learningRate(),
                training.clip(),
                seed.seed(),
                pooling,
                bidirectional,
                dropout,
                embeddingDropout);
    }
}
