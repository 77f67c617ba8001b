package org.recurrent4j.examples.sentiment;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.recurrent4j.checkpoint.Checkpoint;
import org.recurrent4j.checkpoint.CheckpointStore;
import org.recurrent4j.examples.cli.ProgressBarListener;
import org.recurrent4j.examples.cli.RunFailedException;
import org.recurrent4j.examples.cli.UsageException;
import org.recurrent4j.examples.diagnostics.CurvesChart;
import org.recurrent4j.examples.training.CommandRun;
import org.recurrent4j.text.LabelledText;
import org.recurrent4j.text.LabelledTextRecordReader;
import org.recurrent4j.text.Tokenizer;
import org.recurrent4j.text.WordVocabulary;
import org.recurrent4j.training.DataFingerprint;
import org.recurrent4j.training.Interval;
import org.recurrent4j.training.LearningCurves;
import org.recurrent4j.training.Metrics;
import org.recurrent4j.training.RunListener;
import org.recurrent4j.training.RunResult;
import org.recurrent4j.training.TrainingRun;

/**
 * A sentiment training run as the command line does it: the word vocabulary built from the
 * training texts, the classifier trained for the epochs with a progress bar, its accuracy on the
 * whole dev part after every epoch, checkpoints on the way and at the end (continued with {@code
 * --resume}), and the model saved with its curves.
 */
final class SentimentTraining {

    /** The vocabulary's file in every checkpoint. */
    private static final String VOCABULARY = "vocabulary.txt";

    private final SentimentOptions o;
    private final PrintWriter out;

    /** The trained classifier, its vocabulary, the data it saw and its learning curves. */
    record Trained(
            ComputationGraph net, WordVocabulary vocabulary, SentimentData.Corpus corpus, LearningCurves curves) {}

    SentimentTraining(SentimentOptions options, PrintWriter out) {
        this.o = options;
        this.out = out;
    }

    Trained run() throws UsageException, RunFailedException {
        CommandRun command = CommandRun.start(o.command, o.checkpoints);
        Optional<Checkpoint> resume = command.resume();
        SentimentData.Corpus corpus = SentimentData.load(o.dataset, o.train, o.dev);
        command.settings(DataFingerprint.sha256(
                corpus.train().stream().map(t -> t.label() + "\t" + t.text()).toList()));
        WordVocabulary vocabulary;
        LabelledTextRecordReader train;
        LabelledTextRecordReader dev;
        try {
            vocabulary = resume.isPresent()
                    ? WordVocabulary.load(resume.get().file(VOCABULARY))
                    : WordVocabulary.builder(Tokenizer.standard())
                            .minCount(o.minCount)
                            .maxSize(o.vocabulary)
                            .build(corpus.train().stream()
                                    .map(LabelledText::text)
                                    .toList());
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

        SentimentModel.Settings model = o.settings();
        int batch = o.training.batch();
        DataSetIterator heldOut = SentimentModel.batches(dev, 256);
        ProgressBarListener progress = new ProgressBarListener("sentiment", o.training.progressBar());
        TrainingRun.Builder builder = command.builder(
                        () -> SentimentModel.build(vocabulary.size(), SentimentData.LABEL_NAMES.size(), model))
                .data(SentimentModel.batches(train, batch))
                .epochs(o.epochs)
                .batchesPerEpoch((train.sequences() + batch - 1) / batch)
                .learningRate(command.schedule(o.rateDecay, model.learningRate()))
                .evaluate(
                        Interval.epochs(1),
                        Metrics.loss(heldOut).named("dev_loss"),
                        Metrics.accuracy(heldOut).named("dev_accuracy"))
                .checkpointFile(VOCABULARY, CheckpointStore.Extra.writtenBy(vocabulary::save))
                .listener(progress)
                .listener(new RunListener() {
                    @Override
                    public void measured(Measurement m) {
                        if (m.step() > 0) {
                            out.printf(
                                    "epoch %d: %d:%02d, dev loss %.3f, dev accuracy %.4f (%d texts)%n",
                                    m.epoch(),
                                    m.elapsed().toMinutes(),
                                    m.elapsed().toSecondsPart(),
                                    m.values().get("dev_loss"),
                                    m.values().get("dev_accuracy"),
                                    dev.sequences());
                        }
                    }
                });
        TrainingRun run = command.build(builder, o.checkpoints, o.out.directory());
        ComputationGraph net = run.computationGraph();
        if (resume.isPresent()) {
            out.printf("resuming from %s at step %,d%n", resume.get().directory(), run.startStep());
        }
        out.printf(
                "model: embedding(%d)%s -> %srecurrent4j %s(%d) -> %s%s -> softmax, %,d parameters%n",
                model.embedding(),
                model.embeddingDropout() > 0 ? " -> dropout " + model.embeddingDropout() : "",
                model.bidirectional() ? "bidirectional " : "",
                model.cell().id(),
                model.hidden(),
                model.pooling() == SentimentModel.Pooling.LAST
                        ? "read at the last token"
                        : model.pooling().name().toLowerCase(Locale.ROOT) + " pooling over the tokens",
                model.dropout() > 0 ? " -> dropout " + model.dropout() : "",
                net.numParams());
        out.println("training: " + o.epochs + " epochs of batches of " + batch + ", learning rate " + run.schedule());
        RunResult result = CommandRun.train(run, progress);
        out.println("checkpoint: " + result.lastCheckpoint());
        return new Trained(net, vocabulary, corpus, result.curves());
    }

    /** Saves the classifier, its vocabulary, its settings and curves into {@code --out}. */
    void save(Trained trained) throws UsageException {
        Path dir = o.out.directory();
        try {
            Path model = SentimentCommand.save(trained.net(), trained.vocabulary(), o.maxLength, dir);
            CurvesChart.write(trained.curves(), dir);
            out.println("saved model: " + model.toAbsolutePath() + " (vocabulary: "
                    + dir.resolve(SentimentCommand.VOCABULARY_FILE).toAbsolutePath() + "; curves: "
                    + dir.resolve(CurvesChart.PNG).toAbsolutePath() + ")");
        } catch (IOException e) {
            throw new UsageException("cannot save the model in " + dir.toAbsolutePath() + ": " + e.getMessage());
        }
    }

    int maxLength() {
        return o.maxLength;
    }
}
