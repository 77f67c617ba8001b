package org.recurrent4j.examples.timeseries;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.preprocessor.NormalizerStandardize;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.recurrent4j.arch.CellType;
import org.recurrent4j.arch.SequenceLabeler;
import org.recurrent4j.examples.cli.TrainingProgress;
import org.recurrent4j.examples.cli.UsageException;
import org.recurrent4j.examples.diagnostics.TrainingCurves;
import org.recurrent4j.timeseries.ForecastWindows;
import org.recurrent4j.timeseries.SeriesNormalization;

/**
 * A {@code timeseries forecast} run. Windows of {@code W} steps are cut from the training parts of
 * the series ({@link ForecastWindows}); a standardizer is fitted on them and applied to inputs and
 * targets alike (the targets are later values of the same series). The network is a {@link
 * SequenceLabeler} with {@code H} linear outputs per step, trained many-to-many: at every step
 * {@code t} of a window it predicts the values {@code t+1 .. t+H}, so each window gives W training
 * targets instead of one. Its forecast for a window is its output at the last step, turned back to
 * the series' units; test windows forecast only the held-out end of each series.
 */
final class SeriesForecasting {

    /** Mean squared and mean absolute error, in the series' units, over every window and horizon. */
    record Scores(double mse, double mae, long windows) {}

    /** The trained forecaster, its scores before and after training, the naive forecast's, and the curves. */
    record Trained(TimeSeriesModel model, Scores untrained, Scores trained, Scores naive, TrainingCurves curves) {}

    private final ForecastCommand o;
    private final PrintWriter out;
    private NormalizerStandardize normalizer;
    private double mean;
    private double std;

    SeriesForecasting(ForecastCommand options, PrintWriter out) {
        this.o = options;
        this.out = out;
    }

    Trained run() throws UsageException {
        ForecastData.Source source = ForecastData.load(o);
        ForecastData.Split split = ForecastData.split(source, o.window, o.horizon, o.testFraction);
        ForecastWindows train;
        ForecastWindows test;
        try {
            train = windows(split.train()).shuffle(o.seed.seed()).build();
            test = windows(split.test()).build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        out.printf(
                "data: %s; %,d training windows of %d steps; test: the last %,d steps of each series, %,d windows"
                        + " (forecast %d step(s) ahead)%n",
                source.name(), train.windows(), o.window, split.heldOut(), test.windows(), o.horizon);

        normalizer = SeriesNormalization.standardize(train, false);
        mean = normalizer.getMean().getDouble(0);
        std = normalizer.getStd().getDouble(0);

        int[] hidden = new int[o.layers];
        Arrays.fill(hidden, o.network.hidden());
        ComputationGraph net = new ComputationGraph(new SequenceLabeler()
                .features(1)
                .cell(CellType.named(o.network.cell().id()))
                .hidden(hidden)
                .regression(o.horizon)
                .updater(new Adam(o.training.learningRate()))
                .gradientClipping(o.training.clipping(), o.training.clip())
                .seed(o.seed.seed())
                .build());
        net.init();
        out.printf(
                "model: %d %s layer(s) of %d -> %d linear output(s) at every step, %,d parameters%n",
                o.layers, o.network.cell(), o.network.hidden(), o.horizon, net.numParams());

        Scores naive = naive(test);
        Scores untrained = score(net, test);
        out.printf(
                "naive forecast (the last value seen): test MSE %.5f  MAE %.5f; untrained network: MSE %.5f  MAE %.5f%n",
                naive.mse(), naive.mae(), untrained.mse(), untrained.mae());
        TrainingCurves curves = new TrainingCurves("test_mse");
        long start = System.nanoTime();
        Scores trained = fit(net, train, test, curves);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        out.printf(
                "trained %d epochs in %d:%02d: test MSE %.5f  MAE %.5f on %,d windows; naive MSE %.5f  MAE %.5f:"
                        + " the network %s the naive forecast (MSE %.1f%% of it)%n",
                o.epochs,
                took.toMinutes(),
                took.toSecondsPart(),
                trained.mse(),
                trained.mae(),
                trained.windows(),
                naive.mse(),
                naive.mae(),
                trained.mse() < naive.mse() ? "beats" : "does not beat",
                100 * trained.mse() / naive.mse());

        Properties settings = new Properties();
        settings.setProperty("task", "forecast");
        settings.setProperty("window", Integer.toString(o.window));
        settings.setProperty("horizon", Integer.toString(o.horizon));
        settings.setProperty("data", source.name());
        return new Trained(new TimeSeriesModel(net, normalizer, settings), untrained, trained, naive, curves);
    }

    private ForecastWindows.Builder windows(List<double[]> series) {
        return ForecastWindows.Builder.of(series.toArray(double[][]::new))
                .window(o.window)
                .horizon(o.horizon)
                .batchSize(o.training.batch());
    }

    /** The epochs over the shuffled training windows, the test windows scored after each. */
    private Scores fit(ComputationGraph net, ForecastWindows train, ForecastWindows test, TrainingCurves curves) {
        long perEpoch = (train.windows() + o.training.batch() - 1) / o.training.batch();
        long start = System.nanoTime();
        long step = 0;
        Scores scores = null;
        try (TrainingProgress progress =
                TrainingProgress.start("timeseries forecast", "windows", o.training.progressBar())) {
            for (int epoch = 1; epoch <= o.epochs; epoch++) {
                train.reset();
                double lossSum = 0;
                int fitted = 0;
                long windows = 0;
                while (train.hasNext()) {
                    DataSet next = perStep(train.next());
                    net.fit(next);
                    step++;
                    fitted++;
                    lossSum += net.score();
                    windows += next.numExamples();
                    double seconds = (System.nanoTime() - start) / 1e9;
                    progress.update(
                            step / (double) (perEpoch * o.epochs),
                            step,
                            lossSum / fitted,
                            ((epoch - 1) * (double) train.windows() + windows) / seconds);
                }
                scores = score(net, test);
                curves.add(step, lossSum / fitted, scores.mse());
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                out.printf(
                        "epoch %3d  %d:%02d  training loss %.4f  test MSE %.5f  MAE %.5f%n",
                        epoch, took.toMinutes(), took.toSecondsPart(), lossSum / fitted, scores.mse(), scores.mae());
            }
        }
        return scores;
    }

    /**
     * A batch of windows as many-to-many training data, standardized: the inputs {@code [B, 1, W]}
     * and, at each step {@code t}, the next H values {@code [B, H, W]}, read from the window and the
     * values that follow it (the window's labels).
     */
    private DataSet perStep(DataSet windows) {
        INDArray x = standardized(windows.getFeatures());
        long batch = x.size(0);
        int w = o.window;
        INDArray following = windows.getLabels().sub(mean).div(std);
        INDArray values = Nd4j.hstack(x.reshape(batch, w), following);
        INDArray targets = Nd4j.create(x.dataType(), batch, o.horizon, w);
        for (int h = 0; h < o.horizon; h++) {
            targets.get(all(), point(h), all()).assign(values.get(all(), interval(h + 1, h + 1 + w)));
        }
        return new DataSet(x, targets);
    }

    private INDArray standardized(INDArray features) {
        INDArray x = features.dup();
        normalizer.transform(x);
        return x;
    }

    /** The network's forecasts (its outputs at each window's last step) against the held-out values. */
    private Scores score(ComputationGraph net, ForecastWindows test) {
        test.reset();
        double squares = 0;
        double absolute = 0;
        long windows = 0;
        long values = 0;
        while (test.hasNext()) {
            DataSet next = test.next();
            INDArray output = net.outputSingle(standardized(next.getFeatures()));
            double[][] forecast = output.get(all(), all(), point(o.window - 1))
                    .mul(std)
                    .add(mean)
                    .toDoubleMatrix();
            double[][] actual = next.getLabels().toDoubleMatrix();
            for (int b = 0; b < actual.length; b++) {
                for (int h = 0; h < actual[b].length; h++) {
                    double error = forecast[b][h] - actual[b][h];
                    squares += error * error;
                    absolute += Math.abs(error);
                    values++;
                }
            }
            windows += actual.length;
        }
        return new Scores(squares / values, absolute / values, windows);
    }

    /** The naive forecast: every future value equals the last value of the window. */
    private Scores naive(ForecastWindows test) {
        test.reset();
        double squares = 0;
        double absolute = 0;
        long windows = 0;
        long values = 0;
        while (test.hasNext()) {
            DataSet next = test.next();
            double[][] actual = next.getLabels().toDoubleMatrix();
            double[] last =
                    next.getFeatures().get(all(), point(0), point(o.window - 1)).toDoubleVector();
            for (int b = 0; b < actual.length; b++) {
                for (int h = 0; h < actual[b].length; h++) {
                    double error = last[b] - actual[b][h];
                    squares += error * error;
                    absolute += Math.abs(error);
                    values++;
                }
            }
            windows += actual.length;
        }
        return new Scores(squares / values, absolute / values, windows);
    }

    /** Saves the forecaster, its normalizer, its settings and its curves into {@code --out}. */
    void save(Trained trained) throws UsageException {
        Path dir = o.out.directory();
        try {
            Path model = trained.model().save(dir);
            trained.curves().write(dir);
            out.println("saved model: " + model.toAbsolutePath() + " (normalizer: "
                    + dir.resolve(TimeSeriesModel.NORMALIZER_FILE).toAbsolutePath() + "; curves: "
                    + dir.resolve(TrainingCurves.PNG).toAbsolutePath() + ")");
        } catch (IOException e) {
            throw new UsageException("cannot save the model in " + dir.toAbsolutePath() + ": " + e.getMessage());
        }
    }
}
