package org.recurrent4j.examples.timeseries;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.function.LongUnaryOperator;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.preprocessor.NormalizerStandardize;
import org.nd4j.linalg.learning.config.Adam;
import org.recurrent4j.arch.SequenceClassifier;
import org.recurrent4j.checkpoint.Checkpoint;
import org.recurrent4j.checkpoint.CheckpointStore;
import org.recurrent4j.examples.cli.ProgressBarListener;
import org.recurrent4j.examples.cli.RunFailedException;
import org.recurrent4j.examples.cli.UsageException;
import org.recurrent4j.examples.diagnostics.CurvesChart;
import org.recurrent4j.examples.training.CommandRun;
import org.recurrent4j.examples.training.EpochReport;
import org.recurrent4j.timeseries.SeriesNormalization;
import org.recurrent4j.training.DataFingerprint;
import org.recurrent4j.training.EpochSource;
import org.recurrent4j.training.Interval;
import org.recurrent4j.training.LearningCurves;
import org.recurrent4j.training.Metric;
import org.recurrent4j.training.RunResult;
import org.recurrent4j.training.TrainingRun;

/**
 * A {@code timeseries classify} run: the data loaded, a standardizer fitted on the training series
 * only and applied to both parts, a {@link SequenceClassifier} trained for the epochs with the test
 * accuracy measured after each (printed every few), checkpoints on the way and at the end (continued
 * with {@code --resume}), the confusion matrix, and the model saved.
 */
final class SeriesClassification {

    /**
     * The trained classifier, its last test evaluation, the untrained one's accuracy (NaN when
     * resumed), and the learning curves.
     */
    record Trained(TimeSeriesModel model, Evaluation evaluation, double untrainedAccuracy, LearningCurves curves) {}

    private final ClassifyCommand o;
    private final PrintWriter out;

    SeriesClassification(ClassifyCommand options, PrintWriter out) {
        this.o = options;
        this.out = out;
    }

    Trained run() throws UsageException, RunFailedException {
        CommandRun command = CommandRun.start(o.spec, o.checkpoints);
        Optional<Checkpoint> resume = command.resume();
        ClassificationData.Split data = ClassificationData.load(o);
        DataSet train = data.train();
        DataSet test = data.test();
        command.settings(DataFingerprint.sha256(List.of(
                DataFingerprint.sha256(train.getFeatures().ravel().toDoubleVector()),
                DataFingerprint.sha256(train.getLabels().ravel().toDoubleVector()))));
        out.printf(
                "data: %s, %,d training and %,d test series of %d steps, %d classes %s%n",
                data.name(),
                train.numExamples(),
                test.numExamples(),
                train.getFeatures().size(2),
                data.classes().size(),
                data.classes());

        NormalizerStandardize normalizer;
        try {
            normalizer = resume.isPresent()
                    ? SeriesNormalization.load(resume.get().file(TimeSeriesModel.NORMALIZER_FILE))
                    : SeriesNormalization.standardize(
                            new ListDataSetIterator<>(train.batchBy(o.training.batch())), false);
        } catch (IOException e) {
            throw new UsageException("--resume: " + e.getMessage());
        }
        normalizer.transform(train);
        normalizer.transform(test);
        int batch = o.training.batch();
        Evaluation[] last = {null};
        Metric accuracy = Metric.of("test_accuracy", Metric.Goal.MAXIMIZE, net -> {
            last[0] = evaluate((ComputationGraph) net, test, data.classes());
            return last[0].accuracy();
        });
        Metric loss = Metric.of("test_loss", Metric.Goal.MINIMIZE, net -> ((ComputationGraph) net).score(test));
        ProgressBarListener progress = new ProgressBarListener(
                "timeseries classify", "series", LongUnaryOperator.identity(), o.training.progressBar());
        TrainingRun.Builder builder = command.builder(() -> {
                    ComputationGraph net = new ComputationGraph(
                            classifier(train, data.classes().size()).build());
                    net.init();
                    return net;
                })
                .data((EpochSource<DataSet>) epoch -> {
                    train.shuffle(o.seed.seed() + epoch);
                    return train.batchBy(batch).iterator();
                })
                .epochs(o.epochs)
                .batchesPerEpoch((train.numExamples() + batch - 1) / batch)
                .learningRate(command.schedule(o.rateDecay, o.training.learningRate()))
                .evaluate(Interval.epochs(1), loss, accuracy)
                .checkpointFile(
                        TimeSeriesModel.NORMALIZER_FILE,
                        CheckpointStore.Extra.writtenBy(file -> SeriesNormalization.save(normalizer, file)))
                .listener(progress)
                .listener(new EpochReport(out, o.reportEvery, o.epochs));
        TrainingRun run = command.build(builder, o.checkpoints, o.out.directory());
        ComputationGraph net = run.computationGraph();
        out.printf(
                "model: %d %s%s layer(s) of %d -> softmax at the last step, %,d parameters%n",
                o.layers,
                o.bidirectional ? "bidirectional " : "",
                o.network.cell().id(),
                o.network.hidden(),
                net.numParams());
        double untrained = Double.NaN;
        if (resume.isPresent()) {
            out.printf("resuming from %s at step %,d%n", resume.get().directory(), run.startStep());
        } else {
            untrained = evaluate(net, test, data.classes()).accuracy();
            out.printf(
                    "untrained: test accuracy %.4f (chance %.4f)%n",
                    untrained, 1.0 / data.classes().size());
        }
        out.println("training: " + o.epochs + " epochs of batches of " + batch + ", learning rate " + run.schedule());
        RunResult result = CommandRun.train(run, progress);
        out.println("checkpoint: " + result.lastCheckpoint());
        Evaluation evaluation = last[0];
        Duration took = result.elapsed();
        out.printf(
                "trained %d epochs in %d:%02d: test accuracy %.4f on %,d series%s%n",
                o.epochs,
                took.toMinutes(),
                took.toSecondsPart(),
                evaluation.accuracy(),
                test.numExamples(),
                Double.isNaN(untrained) ? "" : String.format(Locale.ROOT, " (untrained %.4f)", untrained));
        out.println(evaluation.confusionToString());

        Properties model = new Properties();
        model.setProperty("task", "classify");
        model.setProperty("classes", String.join(",", data.classes()));
        model.setProperty("features", Long.toString(train.getFeatures().size(1)));
        return new Trained(new TimeSeriesModel(net, normalizer, model), evaluation, untrained, result.curves());
    }

    private SequenceClassifier classifier(DataSet train, int classes) {
        int[] hidden = new int[o.layers];
        Arrays.fill(hidden, o.network.hidden());
        SequenceClassifier classifier = new SequenceClassifier()
                .features((int) train.getFeatures().size(1))
                .cell(o.network.cell())
                .hidden(hidden)
                .pooling(SequenceClassifier.Pooling.LAST)
                .classes(classes)
                .updater(new Adam(o.training.learningRate()))
                .gradientClipping(o.training.clipping(), o.training.clip())
                .seed(o.seed.seed());
        if (o.bidirectional) {
            classifier.bidirectional(Bidirectional.Mode.CONCAT);
        }
        return classifier;
    }

    /** DL4J's evaluation of the classifier on every series of {@code test}. */
    static Evaluation evaluate(ComputationGraph net, DataSet test, List<String> classes) {
        INDArray mask = test.getFeaturesMaskArray();
        INDArray output =
                net.output(false, new INDArray[] {test.getFeatures()}, mask == null ? null : new INDArray[] {mask})[0];
        Evaluation evaluation = new Evaluation(classes);
        evaluation.eval(test.getLabels(), output);
        return evaluation;
    }

    /** Saves the classifier, its normalizer, its settings and its curves into {@code --out}. */
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
