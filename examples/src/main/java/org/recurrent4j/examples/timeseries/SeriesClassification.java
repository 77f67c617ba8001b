package org.recurrent4j.examples.timeseries;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.preprocessor.NormalizerStandardize;
import org.nd4j.linalg.learning.config.Adam;
import org.recurrent4j.arch.CellType;
import org.recurrent4j.arch.SequenceClassifier;
import org.recurrent4j.examples.cli.TrainingProgress;
import org.recurrent4j.examples.cli.UsageException;
import org.recurrent4j.examples.diagnostics.TrainingCurves;
import org.recurrent4j.timeseries.SeriesNormalization;

/**
 * A {@code timeseries classify} run: the data loaded, a standardizer fitted on the training series
 * only and applied to both parts, a {@link SequenceClassifier} trained for the epochs with the test
 * accuracy measured after each (printed every few), the confusion matrix, and the model saved.
 */
final class SeriesClassification {

    /** The trained classifier, its last test evaluation, the untrained one, and the learning curves. */
    record Trained(TimeSeriesModel model, Evaluation evaluation, double untrainedAccuracy, TrainingCurves curves) {}

    private final ClassifyCommand o;
    private final PrintWriter out;

    SeriesClassification(ClassifyCommand options, PrintWriter out) {
        this.o = options;
        this.out = out;
    }

    Trained run() throws UsageException {
        ClassificationData.Split data = ClassificationData.load(o);
        DataSet train = data.train();
        DataSet test = data.test();
        out.printf(
                "data: %s, %,d training and %,d test series of %d steps, %d classes %s%n",
                data.name(),
                train.numExamples(),
                test.numExamples(),
                train.getFeatures().size(2),
                data.classes().size(),
                data.classes());

        NormalizerStandardize normalizer =
                SeriesNormalization.standardize(new ListDataSetIterator<>(train.batchBy(o.training.batch())), false);
        normalizer.transform(train);
        normalizer.transform(test);

        int[] hidden = new int[o.layers];
        Arrays.fill(hidden, o.network.hidden());
        SequenceClassifier classifier = new SequenceClassifier()
                .features((int) train.getFeatures().size(1))
                .cell(CellType.named(o.network.cell().id()))
                .hidden(hidden)
                .pooling(SequenceClassifier.Pooling.LAST)
                .classes(data.classes().size())
                .updater(new Adam(o.training.learningRate()))
                .gradientClipping(o.training.clipping(), o.training.clip())
                .seed(o.seed.seed());
        if (o.bidirectional) {
            classifier.bidirectional(Bidirectional.Mode.CONCAT);
        }
        ComputationGraph net = new ComputationGraph(classifier.build());
        net.init();
        out.printf(
                "model: %d %s%s layer(s) of %d -> softmax at the last step, %,d parameters%n",
                o.layers,
                o.bidirectional ? "bidirectional " : "",
                o.network.cell(),
                o.network.hidden(),
                net.numParams());

        double untrained = evaluate(net, test, data.classes()).accuracy();
        out.printf(
                "untrained: test accuracy %.4f (chance %.4f)%n",
                untrained, 1.0 / data.classes().size());
        TrainingCurves curves = new TrainingCurves("test_accuracy");
        long start = System.nanoTime();
        Evaluation evaluation = fit(net, train, test, data.classes(), curves);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        out.printf(
                "trained %d epochs in %d:%02d: test accuracy %.4f on %,d series (untrained %.4f)%n",
                o.epochs, took.toMinutes(), took.toSecondsPart(), evaluation.accuracy(), test.numExamples(), untrained);
        out.println(evaluation.confusionToString());

        Properties settings = new Properties();
        settings.setProperty("task", "classify");
        settings.setProperty("classes", String.join(",", data.classes()));
        settings.setProperty("features", Long.toString(train.getFeatures().size(1)));
        return new Trained(new TimeSeriesModel(net, normalizer, settings), evaluation, untrained, curves);
    }

    /** The epochs: shuffled mini-batches, the whole test part scored after each epoch. */
    private Evaluation fit(
            ComputationGraph net, DataSet train, DataSet test, List<String> classes, TrainingCurves curves) {
        int batch = o.training.batch();
        long perEpoch = (train.numExamples() + batch - 1) / batch;
        long start = System.nanoTime();
        long step = 0;
        Evaluation evaluation = null;
        try (TrainingProgress progress =
                TrainingProgress.start("timeseries classify", "series", o.training.progressBar())) {
            for (int epoch = 1; epoch <= o.epochs; epoch++) {
                train.shuffle(o.seed.seed() + epoch);
                double lossSum = 0;
                int fitted = 0;
                long series = 0;
                for (DataSet next : train.batchBy(batch)) {
                    net.fit(next);
                    step++;
                    fitted++;
                    lossSum += net.score();
                    series += next.numExamples();
                    double seconds = (System.nanoTime() - start) / 1e9;
                    progress.update(
                            step / (double) (perEpoch * o.epochs),
                            step,
                            lossSum / fitted,
                            ((epoch - 1) * (double) train.numExamples() + series) / seconds);
                }
                evaluation = evaluate(net, test, classes);
                curves.add(step, lossSum / fitted, evaluation.accuracy());
                if (epoch % o.reportEvery == 0 || epoch == o.epochs) {
                    Duration took = Duration.ofNanos(System.nanoTime() - start);
                    out.printf(
                            "epoch %3d  %d:%02d  training loss %.4f  test accuracy %.4f%n",
                            epoch, took.toMinutes(), took.toSecondsPart(), lossSum / fitted, evaluation.accuracy());
                }
            }
        }
        return evaluation;
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
