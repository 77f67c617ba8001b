package org.recurrent4j.examples.timeseries;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
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
import org.recurrent4j.examples.cli.CheckpointOptions;
import org.recurrent4j.examples.cli.RunFailedException;
import org.recurrent4j.examples.cli.UsageException;
import org.recurrent4j.examples.diagnostics.TrainingCurves;
import org.recurrent4j.examples.training.EpochTrainer;
import org.recurrent4j.examples.training.RunSettings;
import org.recurrent4j.timeseries.SeriesNormalization;

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
    record Trained(TimeSeriesModel model, Evaluation evaluation, double untrainedAccuracy, TrainingCurves curves) {}

    private final ClassifyCommand o;
    private final PrintWriter out;

    SeriesClassification(ClassifyCommand options, PrintWriter out) {
        this.o = options;
        this.out = out;
    }

    Trained run() throws UsageException, RunFailedException {
        Optional<Checkpoint> resume = o.checkpoints.resumeFrom();
        if (resume.isPresent()) {
            RunSettings.adopt(o.spec, resume.get());
        }
        ClassificationData.Split data = ClassificationData.load(o);
        DataSet train = data.train();
        DataSet test = data.test();
        RunSettings settings = RunSettings.of(
                o.spec,
                RunSettings.sha256(List.of(
                        RunSettings.sha256(train.getFeatures().ravel().toDoubleVector()),
                        RunSettings.sha256(train.getLabels().ravel().toDoubleVector()))));
        EpochTrainer.Start start = resume.isPresent()
                ? EpochTrainer.resume(resume.get(), settings, o.epochs)
                : EpochTrainer.fresh("test_accuracy");
        out.printf(
                "data: %s, %,d training and %,d test series of %d steps, %d classes %s%n",
                data.name(),
                train.numExamples(),
                test.numExamples(),
                train.getFeatures().size(2),
                data.classes().size(),
                data.classes());

        NormalizerStandardize normalizer;
        ComputationGraph net;
        if (resume.isPresent()) {
            try {
                normalizer = SeriesNormalization.load(resume.get().file(TimeSeriesModel.NORMALIZER_FILE));
                net = resume.get().computationGraph();
            } catch (IOException e) {
                throw new UsageException("--resume: " + e.getMessage());
            }
        } else {
            normalizer = SeriesNormalization.standardize(
                    new ListDataSetIterator<>(train.batchBy(o.training.batch())), false);
            net = new ComputationGraph(classifier(train, data.classes().size()).build());
            net.init();
        }
        normalizer.transform(train);
        normalizer.transform(test);
        out.printf(
                "model: %d %s%s layer(s) of %d -> softmax at the last step, %,d parameters%n",
                o.layers,
                o.bidirectional ? "bidirectional " : "",
                o.network.cell(),
                o.network.hidden(),
                net.numParams());

        double untrained = Double.NaN;
        if (resume.isPresent()) {
            out.printf(
                    "resuming from %s at step %,d%n",
                    resume.get().directory(), start.position().step());
        } else {
            untrained = evaluate(net, test, data.classes()).accuracy();
            out.printf(
                    "untrained: test accuracy %.4f (chance %.4f)%n",
                    untrained, 1.0 / data.classes().size());
        }
        EpochTrainer<DataSet> trainer = EpochTrainer.of(net, start)
                .progress("timeseries classify", "series", o.training.progressBar())
                .learningRate(o.training.learningRate(), RunSettings.given(o.spec, "--lr"))
                .decay(o.rateDecay.schedule(), RunSettings.given(o.spec, "--final-lr"))
                .checkpoints(
                        CheckpointOptions.store(o.out.directory()),
                        o.checkpoints.interval(),
                        settings.properties(),
                        Map.of(
                                TimeSeriesModel.NORMALIZER_FILE,
                                EpochTrainer.fileWrittenBy(file -> SeriesNormalization.save(normalizer, file))));
        out.println(trainer.plan(o.epochs, o.training.batch()));
        long began = System.nanoTime();
        Evaluation evaluation = fit(trainer, net, train, test, data.classes());
        out.println("checkpoint: " + trainer.lastCheckpoint());
        Duration took = Duration.ofNanos(System.nanoTime() - began);
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
        return new Trained(new TimeSeriesModel(net, normalizer, model), evaluation, untrained, trainer.curves());
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

    /** The epochs: shuffled mini-batches, the whole test part scored after each epoch. */
    private Evaluation fit(
            EpochTrainer<DataSet> trainer, ComputationGraph net, DataSet train, DataSet test, List<String> classes)
            throws RunFailedException {
        int batch = o.training.batch();
        Evaluation[] last = {null};
        trainer.train(
                o.epochs,
                (train.numExamples() + batch - 1) / batch,
                epoch -> {
                    train.shuffle(o.seed.seed() + epoch);
                    return train.batchBy(batch).iterator();
                },
                (epoch, step, loss, took) -> {
                    last[0] = evaluate(net, test, classes);
                    if (epoch % o.reportEvery == 0 || epoch == o.epochs) {
                        out.printf(
                                "epoch %3d  %d:%02d  training loss %.4f  test accuracy %.4f%n",
                                epoch, took.toMinutes(), took.toSecondsPart(), loss, last[0].accuracy());
                    }
                    return last[0].accuracy();
                });
        return last[0];
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
            trained.curves().write(dir);
            out.println("saved model: " + model.toAbsolutePath() + " (normalizer: "
                    + dir.resolve(TimeSeriesModel.NORMALIZER_FILE).toAbsolutePath() + "; curves: "
                    + dir.resolve(TrainingCurves.PNG).toAbsolutePath() + ")");
        } catch (IOException e) {
            throw new UsageException("cannot save the model in " + dir.toAbsolutePath() + ": " + e.getMessage());
        }
    }
}
