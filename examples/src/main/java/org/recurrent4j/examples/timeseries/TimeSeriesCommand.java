package org.recurrent4j.examples.timeseries;

import java.util.concurrent.Callable;
import org.recurrent4j.examples.cli.HelpOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code recurrent4j timeseries}: recurrent networks on numeric time series. {@code timeseries
 * classify} trains a sequence classifier (control-chart patterns by default), {@code timeseries
 * forecast} a next-value forecaster (noisy sines by default); each saves its model, the normalizer
 * fitted on its training data, and its learning curves.
 *
 * <pre>
 * ./recurrent4j timeseries classify --epochs 20 --out runs/timeseries-classify
 * ./recurrent4j timeseries forecast --csv sales.csv --column 1 --skip-lines 1 --window 24
 * </pre>
 */
@Command(
        name = "timeseries",
        description = {
            "Trains a recurrent network on numeric time series: 'classify' labels whole series, 'forecast'"
                    + " predicts their next values."
        },
        subcommands = {ClassifyCommand.class, ForecastCommand.class})
public final class TimeSeriesCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private HelpOption help;

    @Override
    public Integer call() {
        throw new ParameterException(
                spec.commandLine(),
                "missing subcommand: classify or forecast (recurrent4j timeseries --help lists what they do)");
    }
}
