package org.recurrent4j.examples.images;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.recurrent4j.arch.ImageClassifier;
import org.recurrent4j.conf.CellTypes;
import org.recurrent4j.examples.cli.ProgressBarListener;
import org.recurrent4j.examples.cli.RunFailedException;
import org.recurrent4j.examples.cli.UsageException;
import org.recurrent4j.examples.diagnostics.CurvesChart;
import org.recurrent4j.examples.training.CommandRun;
import org.recurrent4j.examples.training.EpochReport;
import org.recurrent4j.images.LabelledImages;
import org.recurrent4j.training.EpochSource;
import org.recurrent4j.training.Interval;
import org.recurrent4j.training.LearningCurves;
import org.recurrent4j.training.Metric;
import org.recurrent4j.training.RunResult;
import org.recurrent4j.training.TrainingRun;

/**
 * An {@code image train} run: the images loaded, an {@link ImageClassifier} trained for the epochs
 * (the training images reshuffled every epoch with the seed and the epoch's number) with the test
 * loss and accuracy measured after each, checkpoints on the way and at the end (continued with
 * {@code --resume}), the confusion matrix, and the model saved.
 */
final class ImageTraining {

    /** Test images evaluated in one batch. */
    private static final int EVALUATION_BATCH = 256;

    /**
     * The trained classifier, its last test evaluation, the untrained one's accuracy (NaN when
     * resumed), and the learning curves.
     */
    record Trained(ImageModel model, Evaluation evaluation, double untrainedAccuracy, LearningCurves curves) {}

    private final ImageTrainCommand o;
    private final PrintWriter out;

    ImageTraining(ImageTrainCommand options, PrintWriter out) {
        this.o = options;
        this.out = out;
    }

    Trained run() throws UsageException, RunFailedException {
        CommandRun command = CommandRun.start(o.spec, o.checkpoints);
        ImageData.Split data = ImageData.load(o);
        LabelledImages trainImages = data.train();
        long[] shape = trainImages.images().shape();
        int channels = (int) shape[1];
        int height = (int) shape[2];
        int width = (int) shape[3];
        command.settings(fingerprint(trainImages));
        out.printf(
                "data: %s, %,d training and %,d test images of %d×%d (%s), %d classes %s%n",
                data.name(),
                trainImages.size(),
                data.test().size(),
                height,
                width,
                channels == 1 ? "grey" : channels + " channels",
                trainImages.classes().size(),
                trainImages.classes());
        if (height % o.patch != 0 || width % o.patch != 0) {
            throw new UsageException("--patch " + o.patch + " does not divide the images' " + height + "×" + width
                    + " (height × width): give a patch size that divides both");
        }

        DataSet train = trainImages.dataSet();
        DataSet test = data.test().dataSet();
        int batch = o.training.batch();
        Evaluation[] last = {null};
        Metric accuracy = Metric.of("test_accuracy", Metric.Goal.MAXIMIZE, net -> {
            last[0] = evaluate((ComputationGraph) net, test, trainImages);
            return last[0].accuracy();
        });
        Metric loss = Metric.of("test_loss", Metric.Goal.MINIMIZE, net -> score((ComputationGraph) net, test));
        ProgressBarListener progress = new ProgressBarListener("image train", o.training.progressBar());
        TrainingRun.Builder builder = command.builder(() -> classifier(channels, height, width, trainImages))
                .data((EpochSource<DataSet>) epoch -> {
                    train.shuffle(o.seed.seed() + epoch);
                    return train.batchBy(batch).iterator();
                })
                .epochs(o.epochs)
                .batchesPerEpoch((train.numExamples() + batch - 1) / batch)
                .learningRate(command.schedule(o.rateDecay, o.training.learningRate()))
                .evaluate(Interval.epochs(1), loss, accuracy)
                .listener(progress)
                .listener(new EpochReport(out, o.reportEvery, o.epochs));
        TrainingRun run = command.build(builder, o.checkpoints, o.out.directory());
        ComputationGraph net = run.computationGraph();
        out.printf(
                "model: %d layer(s) of %s sweeps (%s, %s) of %d units per direction%s%s, %s pooling, %,d"
                        + " parameters%n",
                o.layers,
                o.network.cell().id(),
                o.composition.name().toLowerCase(Locale.ROOT),
                o.merge.name().toLowerCase(Locale.ROOT),
                o.network.hidden(),
                o.patch > 1 ? String.format(Locale.ROOT, " over %d×%d patches", o.patch, o.patch) : "",
                o.convolutionKernel > 0
                        ? String.format(
                                Locale.ROOT,
                                ", input from a %d×%d convolution of %d channels",
                                o.convolutionKernel,
                                o.convolutionKernel,
                                o.convolutionChannels)
                        : "",
                o.pooling.name().toLowerCase(Locale.ROOT),
                net.numParams());
        double untrained = Double.NaN;
        if (command.resumed()) {
            out.printf("resuming from %s at step %,d%n", command.resume().get().directory(), run.startStep());
        } else {
            untrained = evaluate(net, test, trainImages).accuracy();
            out.printf(
                    "untrained: test accuracy %.4f (chance %.4f)%n",
                    untrained, 1.0 / trainImages.classes().size());
        }
        out.println("training: " + o.epochs + " epochs of batches of " + batch + ", learning rate " + run.schedule());
        RunResult result = CommandRun.train(run, progress);
        out.println("checkpoint: " + result.lastCheckpoint());
        Evaluation evaluation = last[0];
        Duration took = result.elapsed();
        out.printf(
                "trained %d epochs in %d:%02d: test accuracy %.4f on %,d images%s%n",
                o.epochs,
                took.toMinutes(),
                took.toSecondsPart(),
                evaluation.accuracy(),
                test.numExamples(),
                Double.isNaN(untrained) ? "" : String.format(Locale.ROOT, " (untrained %.4f)", untrained));
        out.println(evaluation.confusionToString());
        return new Trained(
                new ImageModel(net, trainImages.classes(), o.channels, height, width),
                evaluation,
                untrained,
                result.curves());
    }

    private ComputationGraph classifier(int channels, int height, int width, LabelledImages train)
            throws UsageException {
        int[] hidden = new int[o.layers];
        Arrays.fill(hidden, o.network.hidden());
        ImageClassifier classifier = new ImageClassifier()
                .image(height, width, channels)
                .cell(CellTypes.named(o.network.cell().id()))
                .hidden(hidden)
                .composition(o.composition)
                .merge(o.merge)
                .patchSize(o.patch)
                .pooling(o.pooling)
                .dropout(o.dropout)
                .classes(train.classes().size())
                .updater(new Adam(o.training.learningRate()))
                .gradientClipping(o.training.clipping(), o.training.clip())
                .seed(o.seed.seed());
        if (o.convolutionKernel > 0) {
            classifier.inputConvolution(o.convolutionKernel, o.convolutionChannels);
        }
        ComputationGraph net;
        try {
            net = new ComputationGraph(classifier.build());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        net.init();
        return net;
    }

    /** DL4J's evaluation of the classifier on every test image, in batches. */
    static Evaluation evaluate(ComputationGraph net, DataSet test, LabelledImages train) {
        Evaluation evaluation = new Evaluation(train.classes());
        DataSetIterator batches =
                new org.deeplearning4j.datasets.iterator.ExistingDataSetIterator(test.batchBy(EVALUATION_BATCH));
        while (batches.hasNext()) {
            DataSet b = batches.next();
            evaluation.eval(b.getLabels(), net.outputSingle(false, b.getFeatures()));
        }
        return evaluation;
    }

    /** The mean cross-entropy of the test images, in batches. */
    private static double score(ComputationGraph net, DataSet test) {
        double sum = 0;
        for (DataSet b : test.batchBy(EVALUATION_BATCH)) {
            sum += net.score(b, false) * b.numExamples();
        }
        return sum / test.numExamples();
    }

    /**
     * The SHA-256 of the training images' values (float32, little-endian) and labels, with their
     * classes: a resumed run must train on the same images.
     */
    static String fingerprint(LabelledImages images) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        INDArray all = images.images();
        int chunk = 1024;
        for (int from = 0; from < images.size(); from += chunk) {
            float[] values = all.get(NDArrayIndex.interval(from, Math.min(images.size(), from + chunk)))
                    .dup('c')
                    .data()
                    .asFloat();
            ByteBuffer bytes = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asFloatBuffer().put(values);
            digest.update(bytes.array());
        }
        ByteBuffer labels = ByteBuffer.allocate(4 * images.size()).order(ByteOrder.LITTLE_ENDIAN);
        labels.asIntBuffer().put(images.labels());
        digest.update(labels.array());
        digest.update(String.join("\n", images.classes()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Saves the classifier, its settings and its curves into {@code --out}. */
    void save(Trained trained) throws UsageException {
        Path dir = o.out.directory();
        try {
            Path model = trained.model().save(dir);
            CurvesChart.write(trained.curves(), dir);
            out.println("saved model: " + model.toAbsolutePath() + " (settings: "
                    + dir.resolve(ImageModel.SETTINGS_FILE).toAbsolutePath() + "; curves: "
                    + dir.resolve(CurvesChart.PNG).toAbsolutePath() + ")");
        } catch (IOException e) {
            throw new UsageException("cannot save the model in " + dir.toAbsolutePath() + ": " + e.getMessage());
        }
    }
}
