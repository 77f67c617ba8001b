package org.recurrent4j.examples.timeseries;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.recurrent4j.conf.CellTypes;
import org.recurrent4j.examples.cli.CheckpointOptions;
import org.recurrent4j.examples.cli.DashboardOption;
import org.recurrent4j.examples.cli.HelpOption;
import org.recurrent4j.examples.cli.NetworkOptions;
import org.recurrent4j.examples.cli.OutOption;
import org.recurrent4j.examples.cli.Range;
import org.recurrent4j.examples.cli.RunFailedException;
import org.recurrent4j.examples.cli.SeedOption;
import org.recurrent4j.examples.cli.TrainingOptions;
import org.recurrent4j.examples.cli.UsageException;
import org.recurrent4j.examples.training.RateDecayOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code recurrent4j timeseries classify}: trains a sequence classifier (recurrent layers, a softmax
 * at the last step) on labelled time series, prints the test accuracy every few epochs and DL4J's
 * confusion matrix at the end, and saves the model with the normalizer fitted on the training series
 * and the learning curves (see {@link TimeSeriesModel}).
 *
 * <p>Data: by default the six control-chart patterns of {@code SyntheticControlCharts}, generated
 * (training and test series from different seeds); {@code --dataset uci-synthetic-control} reads
 * the UCI data (downloaded once) and holds out a random fifth; {@code --train FILE --test FILE}
 * reads the user's CSV files, one series per row: the class in column {@code --label-column} (any
 * text; the classes are those of the training file) and the values, in time order, in the others.
 *
 * <pre>
 * ./recurrent4j timeseries classify
 * ./recurrent4j timeseries classify --train train.csv --test test.csv --cell lstm --hidden 64 --bidirectional
 * </pre>
 */
@Command(
        name = "classify",
        description = {
            "Trains a recurrent sequence classifier on time series, prints the test accuracy and the confusion"
                    + " matrix, and saves the model, its normalizer and curves.",
            "Data: generated control charts (default), --dataset uci-synthetic-control, or --train/--test CSV"
                    + " files of one series per row."
        })
public final class ClassifyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    private HelpOption help;

    @Option(
            names = "--dataset",
            paramLabel = "NAME",
            description = "uci-synthetic-control: the UCI control charts, downloaded once into ~/.recurrent4j/data"
                    + " (default: generated control charts)")
    String dataset;

    @Option(
            names = "--train",
            paramLabel = "FILE",
            description = "train on this CSV file: one series per row, its class in the --label-column, its values"
                    + " in the other columns")
    Path train;

    @Option(
            names = "--test",
            paramLabel = "FILE",
            description = "test on this CSV file (same layout as --train; required with --train)")
    Path test;

    @Option(
            names = "--label-column",
            paramLabel = "N",
            description = "the column of each row holding its class, counting from 0 (default: ${DEFAULT-VALUE})")
    @Range(min = 0, max = 1_000_000)
    int labelColumn = 0;

    @Option(
            names = "--train-series",
            paramLabel = "N",
            description = "generated training series (default: ${DEFAULT-VALUE})")
    @Range(min = 6, max = 1_000_000)
    int trainSeries = 1200;

    @Option(
            names = "--test-series",
            paramLabel = "N",
            description = "generated test series (default: ${DEFAULT-VALUE})")
    @Range(min = 6, max = 1_000_000)
    int testSeries = 600;

    @Option(
            names = "--length",
            paramLabel = "T",
            description = "steps of each generated series (default: ${DEFAULT-VALUE})")
    @Range(min = 3, max = 100_000)
    int length = 60;

    @Mixin
    NetworkOptions network = new NetworkOptions(CellTypes.GRU, 32);

    @Option(names = "--layers", paramLabel = "L", description = "stacked recurrent layers (default: ${DEFAULT-VALUE})")
    @Range(min = 1, max = 16)
    int layers = 1;

    @Option(names = "--bidirectional", description = "bidirectional recurrent layers (the two directions concatenated)")
    boolean bidirectional;

    @Option(
            names = "--epochs",
            paramLabel = "N",
            description = "passes over the training series (default: ${DEFAULT-VALUE})")
    @Range(min = 1, max = 100_000)
    int epochs = 20;

    @Option(
            names = "--report-every",
            paramLabel = "N",
            description = "epochs between printed test accuracies (default: ${DEFAULT-VALUE})")
    @Range(min = 1, max = 100_000)
    int reportEvery = 5;

    @Mixin
    TrainingOptions training = new TrainingOptions(32, 0.01, 0);

    @Mixin
    RateDecayOptions rateDecay = new RateDecayOptions();

    @Mixin
    SeedOption seed = new SeedOption(1);

    @Mixin
    OutOption out = new OutOption("runs/timeseries-classify");

    @Mixin
    CheckpointOptions checkpoints = new CheckpointOptions();

    @Mixin
    private DashboardOption dashboard = new DashboardOption();

    @Override
    public Integer call() throws UsageException, RunFailedException {
        SeriesClassification classification =
                new SeriesClassification(this, spec.commandLine().getOut());
        classification.save(classification.run());
        return 0;
    }
}
