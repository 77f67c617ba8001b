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
 * {@code recurrent4j timeseries forecast}: trains a many-to-many recurrent regressor that predicts,
 * at every step of a window, the next {@code --horizon} values of a series; the forecast of a
 * window is its output at the window's last step. The last {@code --test-fraction} of every series
 * is held out (training windows end before it, so nothing of it is seen in training); the command
 * reports the test MSE and MAE in the series' own units beside those of the naive forecast (the last
 * value seen, repeated), and saves the model with the normalizer fitted on the training part and
 * the learning curves (see {@link TimeSeriesModel}).
 *
 * <p>Data: by default {@code --series} noisy sums of two sines ({@code NoisySines}, generated);
 * {@code --csv FILE --column N} reads one column of a CSV file as the series (the other columns may
 * hold anything, e.g. dates).
 *
 * <pre>
 * ./recurrent4j timeseries forecast
 * ./recurrent4j timeseries forecast --csv sales.csv --column 1 --skip-lines 1 --window 24 --horizon 3
 * </pre>
 */
@Command(
        name = "forecast",
        description = {
            "Trains a recurrent forecaster of the next value(s) of a series, tests it on the end of the series"
                    + " against the naive last-value forecast, and saves the model, its normalizer and curves.",
            "Data: generated noisy sines (default) or a column of a CSV file (--csv, --column)."
        })
public final class ForecastCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    private HelpOption help;

    @Option(names = "--csv", paramLabel = "FILE", description = "forecast a column of this CSV file, a row per step")
    Path csv;

    @Option(
            names = "--column",
            paramLabel = "N",
            description = "the column of --csv to forecast, counting from 0 (default: ${DEFAULT-VALUE})")
    @Range(min = 0, max = 1_000_000)
    int column = 0;

    @Option(
            names = "--skip-lines",
            paramLabel = "N",
            description = "lines to skip at the start of --csv, such as a header (default: ${DEFAULT-VALUE})")
    @Range(min = 0, max = 1_000_000)
    int skipLines = 0;

    @Option(
            names = "--series",
            paramLabel = "N",
            description = "generated series, each its own sum of two sines (default: ${DEFAULT-VALUE})")
    @Range(min = 1, max = 10_000)
    int series = 4;

    @Option(
            names = "--length",
            paramLabel = "T",
            description = "steps of each generated series (default: ${DEFAULT-VALUE})")
    @Range(min = 2, max = 10_000_000)
    int length = 1000;

    @Option(
            names = "--noise",
            paramLabel = "S",
            description = "standard deviation of the noise on the generated series (default: ${DEFAULT-VALUE})")
    @Range(min = 0, max = 100)
    double noise = 0.1;

    @Option(
            names = "--window",
            paramLabel = "W",
            description = "steps the network reads before forecasting (default: ${DEFAULT-VALUE})")
    @Range(min = 1, max = 100_000)
    int window = 48;

    @Option(
            names = "--horizon",
            paramLabel = "H",
            description = "values forecast, 1 to H steps ahead (default: ${DEFAULT-VALUE})")
    @Range(min = 1, max = 10_000)
    int horizon = 1;

    @Option(
            names = "--test-fraction",
            paramLabel = "F",
            description = "share of each series, at its end, held out for the test (default: ${DEFAULT-VALUE})")
    @Range(min = 0.01, max = 0.9)
    double testFraction = 0.2;

    @Mixin
    NetworkOptions network = new NetworkOptions(CellTypes.GRU, 32);

    @Option(names = "--layers", paramLabel = "L", description = "stacked recurrent layers (default: ${DEFAULT-VALUE})")
    @Range(min = 1, max = 16)
    int layers = 1;

    @Option(
            names = "--epochs",
            paramLabel = "N",
            description = "passes over the training windows (default: ${DEFAULT-VALUE})")
    @Range(min = 1, max = 100_000)
    int epochs = 8;

    @Mixin
    TrainingOptions training = new TrainingOptions(32, 0.005, 0);

    @Mixin
    RateDecayOptions rateDecay = new RateDecayOptions();

    @Mixin
    SeedOption seed = new SeedOption(1);

    @Mixin
    OutOption out = new OutOption("runs/timeseries-forecast");

    @Mixin
    CheckpointOptions checkpoints = new CheckpointOptions();

    @Mixin
    private DashboardOption dashboard = new DashboardOption();

    @Override
    public Integer call() throws UsageException, RunFailedException {
        SeriesForecasting forecasting =
                new SeriesForecasting(this, spec.commandLine().getOut());
        forecasting.save(forecasting.run());
        return 0;
    }
}
