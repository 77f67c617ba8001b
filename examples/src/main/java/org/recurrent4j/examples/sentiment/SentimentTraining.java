package org.recurrent4j.examples.sentiment;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.recurrent4j.examples.cli.TrainingProgress;
import org.recurrent4j.examples.cli.UsageException;
import org.recurrent4j.examples.diagnostics.TrainingCurves;
import org.recurrent4j.text.LabelledText;
import org.recurrent4j.text.LabelledTextRecordReader;
import org.recurrent4j.text.Tokenizer;
import org.recurrent4j.text.WordVocabulary;

/**
 * A sentiment training run as the command line does it: the word vocabulary built from the
 * training texts, the classifier trained for the epochs with a progress bar, its accuracy on the
 * whole dev part after every epoch, and the model saved with its curves.
 */
final class SentimentTraining {

    private final SentimentOptions o;
    private final PrintWriter out;

    /** The trained classifier, its vocabulary, the data it saw and its learning curves. */
    record Trained(
            MultiLayerNetwork net, WordVocabulary vocabulary, SentimentData.Corpus corpus, TrainingCurves curves) {}

    SentimentTraining(SentimentOptions options, PrintWriter out) {
        this.o = options;
        this.out = out;
    }

    Trained run() throws UsageException {
        SentimentData.Corpus corpus = SentimentData.load(o.dataset, o.train, o.dev);
        WordVocabulary vocabulary;
        LabelledTextRecordReader train;
        LabelledTextRecordReader dev;
        try {
            vocabulary = WordVocabulary.builder(Tokenizer.standard())
                    .minCount(o.minCount)
                    .maxSize(o.vocabulary)
                    .build(corpus.train().stream().map(LabelledText::text).toList());
            train = new LabelledTextRecordReader.Builder(corpus.files(), vocabulary)
                    .maxLength(o.maxLength)
                    .shuffle(o.seed.seed())
                    .build();
            train.initialize(corpus.train());
            dev = SentimentCommand.reader(corpus, vocabulary, o.maxLength);
        } catch (IOException | IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        out.printf(
                "data: %s, %,d training and %,d dev texts; %,d vocabulary entries (min count, <pad>, <unk>);"
                        + " %,d training texts cut to %d tokens%n",
                corpus.name(), train.sequences(), dev.sequences(), vocabulary.size(), train.truncated(), o.maxLength);

        SentimentModel.Settings settings = o.settings();
        MultiLayerNetwork net = SentimentModel.build(vocabulary.size(), SentimentData.LABEL_NAMES.size(), settings);
        out.printf(
                "model: embedding(%d) -> %srecurrent4j %s(%d) -> %s, %,d parameters%n",
                settings.embedding(),
                settings.bidirectional() ? "bidirectional " : "",
                settings.cell().name().toLowerCase(java.util.Locale.ROOT),
                settings.hidden(),
                settings.pooling() == SentimentModel.Pooling.LAST
                        ? "softmax at the last token"
                        : settings.pooling().name().toLowerCase(java.util.Locale.ROOT) + " pooling over the tokens"
                                + " -> softmax",
                net.numParams());
        TrainingCurves curves = new TrainingCurves("validation_accuracy");
        fit(net, train, dev, curves);
        return new Trained(net, vocabulary, corpus, curves);
    }

    /** The training loop: the epochs, the progress bar, the whole dev part scored after each epoch. */
    private void fit(
            MultiLayerNetwork net,
            LabelledTextRecordReader train,
            LabelledTextRecordReader dev,
            TrainingCurves curves) {
        int batch = o.training.batch();
        DataSetIterator batches = SentimentModel.batches(net, train, batch);
        long total = (long) o.epochs * ((train.sequences() + batch - 1) / batch);
        long step = 0;
        try (TrainingProgress progress = TrainingProgress.start("sentiment", "examples", o.training.progressBar())) {
            for (int epoch = 1; epoch <= o.epochs; epoch++) {
                long start = System.nanoTime();
                batches.reset();
                double lossSum = 0;
                long examples = 0;
                int fitted = 0;
                while (batches.hasNext()) {
                    DataSet next = batches.next();
                    net.fit(next);
                    step++;
                    fitted++;
                    lossSum += net.score();
                    examples += next.numExamples();
                    double seconds = (System.nanoTime() - start) / 1e9;
                    progress.update(step / (double) total, step, lossSum / fitted, examples / seconds);
                }
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                Evaluation evaluation = net.evaluate(SentimentModel.batches(net, dev, 256));
                curves.add(step, lossSum / fitted, evaluation.accuracy());
                out.printf(
                        "epoch %d: %d:%02d, training loss %.3f, dev accuracy %.4f (%d texts)%n",
                        epoch,
                        took.toMinutes(),
                        took.toSecondsPart(),
                        lossSum / fitted,
                        evaluation.accuracy(),
                        evaluation.getNumRowCounter());
            }
        }
    }

    /** Saves the classifier, its vocabulary, its settings and curves into {@code --out}. */
    void save(Trained trained) throws UsageException {
        Path dir = o.out.directory();
        try {
            Path model = SentimentCommand.save(trained.net(), trained.vocabulary(), o.maxLength, dir);
            trained.curves().write(dir);
            out.println("saved model: " + model.toAbsolutePath() + " (vocabulary: "
                    + dir.resolve(SentimentCommand.VOCABULARY_FILE).toAbsolutePath() + "; curves: "
                    + dir.resolve(TrainingCurves.PNG).toAbsolutePath() + ")");
        } catch (IOException e) {
            throw new UsageException("cannot save the model in " + dir.toAbsolutePath() + ": " + e.getMessage());
        }
    }

    int maxLength() {
        return o.maxLength;
    }
}
