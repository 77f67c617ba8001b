package org.recurrent4j.examples.timeseries;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.function.LongUnaryOperator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.preprocessor.NormalizerStandardize;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.recurrent4j.arch.SequenceLabeler;
import org.recurrent4j.checkpoint.Checkpoint;
import org.recurrent4j.checkpoint.CheckpointStore;
import org.recurrent4j.examples.cli.ProgressBarListener;
import org.recurrent4j.examples.cli.RunFailedException;
import org.recurrent4j.examples.cli.UsageException;
import org.recurrent4j.examples.diagnostics.CurvesChart;
import org.recurrent4j.examples.training.CommandRun;
import org.recurrent4j.timeseries.ForecastWindows;
import org.recurrent4j.timeseries.SeriesNormalization;
import org.recurrent4j.training.DataFingerprint;
import org.recurrent4j.training.EpochSource;
import org.recurrent4j.training.Interval;
import org.recurrent4j.training.LearningCurves;
import org.recurrent4j.training.Metric;
import org.recurrent4j.training.RunListener;
import org.recurrent4j.training.RunResult;
import org.recurrent4j.training.TrainingRun;

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

    /** The trained forecaster, its scores before (null when resumed) and after training, the naive forecast's, and the curves. */
    record Trained(TimeSeriesModel model, Scores untrained, Scores trained, Scores naive, LearningCurves curves) {}

    private final ForecastCommand o;
    private final PrintWriter out;
    private NormalizerStandardize normalizer;
    private double mean;
    private double std;

    SeriesForecasting(ForecastCommand options, PrintWriter out) {
        this.o = options;
        this.out = out;
    }

    Trained run() throws UsageException, RunFailedException {
        CommandRun command = CommandRun.start(o.spec, o.checkpoints);
        Optional<Checkpoint> resume = command.resume();
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
        command.settings(DataFingerprint.sha256(
                split.train().stream().map(DataFingerprint::sha256).toList()));
        out.printf(
                "data: %s; %,d training windows of %d steps; test: the last %,d steps of each series, %,d windows"
                        + " (forecast %d step(s) ahead)%n",
                source.name(), train.windows(), o.window, split.heldOut(), test.windows(), o.horizon);
        try {
            normalizer = resume.isPresent()
                    ? SeriesNormalization.load(resume.get().file(TimeSeriesModel.NORMALIZER_FILE))
                    : SeriesNormalization.standardize(train, false);
        } catch (IOException e) {
            throw new UsageException("--resume: " + e.getMessage());
        }
        mean = normalizer.getMean().getDouble(0);
        std = normalizer.getStd().getDouble(0);

        // Fitting the normalizer read (and reset) the training windows; the epochs read windows of their own, so
        // that a resumed run, which loads the normalizer instead, sees the same shuffles.
        ForecastWindows epochs = windows(split.train()).shuffle(o.seed.seed()).build();
        Scores[] last = {null};
        Metric mse = Metric.of("test_mse", Metric.Goal.MINIMIZE, net -> {
            last[0] = score((ComputationGraph) net, test);
            return last[0].mse();
        });
        Metric loss = Metric.of("test_loss", Metric.Goal.MINIMIZE, net -> testLoss((ComputationGraph) net, test));
        NormalizerStandardize saved = normalizer;
        ProgressBarListener progress = new ProgressBarListener(
                "timeseries forecast", "windows", LongUnaryOperator.identity(), o.training.progressBar());
        TrainingRun.Builder builder = command.builder(() -> {
                    ComputationGraph net = new ComputationGraph(labeler().build());
                    net.init();
                    return net;
                })
                .data((EpochSource<DataSet>) epoch -> {
                    epochs.reset();
                    return new Iterator<DataSet>() {
                        @Override
                        public boolean hasNext() {
                            return epochs.hasNext();
                        }

                        @Override
                        public DataSet next() {
                            return perStep(epochs.next());
                        }
                    };
                })
                .epochs(o.epochs)
                .batchesPerEpoch((epochs.windows() + o.training.batch() - 1) / o.training.batch())
                .learningRate(command.schedule(o.rateDecay, o.training.learningRate()))
                .evaluate(Interval.epochs(1), loss, mse)
                .measureAtStart(false)
                .checkpointFile(
                        TimeSeriesModel.NORMALIZER_FILE,
                        CheckpointStore.Extra.writtenBy(file -> SeriesNormalization.save(saved, file)))
                .listener(progress)
                .listener(new RunListener() {
                    @Override
                    public void measured(Measurement m) {
                        out.printf(
                                "epoch %3d  %d:%02d  test loss %.4f  test MSE %.5f  MAE %.5f%n",
                                m.epoch(),
                                m.elapsed().toMinutes(),
                                m.elapsed().toSecondsPart(),
                                m.values().get("test_loss"),
                                last[0].mse(),
                                last[0].mae());
                    }
                });
        TrainingRun run = command.build(builder, o.checkpoints, o.out.directory());
        ComputationGraph net = run.computationGraph();
        out.printf(
                "model: %d %s layer(s) of %d -> %d linear output(s) at every step, %,d parameters%n",
                o.layers, o.network.cell().id(), o.network.hidden(), o.horizon, net.numParams());

        Scores naive = naive(test);
        Scores untrained = null;
        if (resume.isPresent()) {
            out.printf(
                    "naive forecast (the last value seen): test MSE %.5f  MAE %.5f; resuming from %s at step %,d%n",
                    naive.mse(), naive.mae(), resume.get().directory(), run.startStep());
        } else {
            untrained = score(net, test);
            out.printf(
                    "naive forecast (the last value seen): test MSE %.5f  MAE %.5f; untrained network: MSE %.5f  MAE"
                            + " %.5f%n",
                    naive.mse(), naive.mae(), untrained.mse(), untrained.mae());
        }
        out.println("training: " + o.epochs + " epochs of batches of " + o.training.batch() + ", learning rate "
                + run.schedule());
        RunResult result = CommandRun.train(run, progress);
        out.println("checkpoint: " + result.lastCheckpoint());
        Scores trained = last[0];
        Duration took = result.elapsed();
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

        Properties model = new Properties();
        model.setProperty("task", "forecast");
        model.setProperty("window", Integer.toString(o.window));
        model.setProperty("horizon", Integer.toString(o.horizon));
        model.setProperty("data", source.name());
        return new Trained(new TimeSeriesModel(net, normalizer, model), untrained, trained, naive, result.curves());
    }

    /** The training loss on the test windows (standardized, every step's next values), as the network scores it. */
    private double testLoss(ComputationGraph net, ForecastWindows test) {
        test.reset();
        double total = 0;
        long windows = 0;
        while (test.hasNext()) {
            DataSet batch = perStep(test.next());
            total += net.score(batch) * batch.numExamples();
            windows += batch.numExamples();
        }
        return total / Math.max(1, windows);
    }

    private SequenceLabeler labeler() {
        int[] hidden = new int[o.layers];
        Arrays.fill(hidden, o.network.hidden());
        return new SequenceLabeler()
                .features(1)
                .cell(o.network.cell())
                .hidden(hidden)
                .regression(o.horizon)
                .updater(new Adam(o.training.learningRate()))
                .gradientClipping(o.training.clipping(), o.training.clip())
                .seed(o.seed.seed());
    }

    private ForecastWindows.Builder windows(List<double[]> series) {
        return ForecastWindows.Builder.of(series.toArray(double[][]::new))
                .window(o.window)
                .horizon(o.horizon)
                .batchSize(o.training.batch());
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
            CurvesChart.write(trained.curves(), dir);
            out.println("saved model: " + model.toAbsolutePath() + " (normalizer: "
                    + dir.resolve(TimeSeriesModel.NORMALIZER_FILE).toAbsolutePath() + "; curves: "
                    + dir.resolve(CurvesChart.PNG).toAbsolutePath() + ")");
        } catch (IOException e) {
            throw new UsageException("cannot save the model in " + dir.toAbsolutePath() + ": " + e.getMessage());
        }
    }
}
