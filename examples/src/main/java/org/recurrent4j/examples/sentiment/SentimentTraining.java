package org.recurrent4j.examples.sentiment;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.recurrent4j.checkpoint.Checkpoint;
import org.recurrent4j.examples.cli.CheckpointOptions;
import org.recurrent4j.examples.cli.RunFailedException;
import org.recurrent4j.examples.cli.UsageException;
import org.recurrent4j.examples.diagnostics.TrainingCurves;
import org.recurrent4j.examples.training.EpochTrainer;
import org.recurrent4j.examples.training.RunSettings;
import org.recurrent4j.text.LabelledText;
import org.recurrent4j.text.LabelledTextRecordReader;
import org.recurrent4j.text.Tokenizer;
import org.recurrent4j.text.WordVocabulary;

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
            ComputationGraph net, WordVocabulary vocabulary, SentimentData.Corpus corpus, TrainingCurves curves) {}

    SentimentTraining(SentimentOptions options, PrintWriter out) {
        this.o = options;
        this.out = out;
    }

    Trained run() throws UsageException, RunFailedException {
        Optional<Checkpoint> resume = o.checkpoints.resumeFrom();
        if (resume.isPresent()) {
            RunSettings.adopt(o.command, resume.get());
        }
        SentimentData.Corpus corpus = SentimentData.load(o.dataset, o.train, o.dev);
        RunSettings settings = RunSettings.of(
                o.command,
                RunSettings.sha256(corpus.train().stream()
                        .map(t -> t.label() + "\t" + t.text())
                        .toList()));
        EpochTrainer.Start start = resume.isPresent()
                ? EpochTrainer.resume(resume.get(), settings, o.epochs)
                : EpochTrainer.fresh("validation_accuracy");
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
        ComputationGraph net;
        if (resume.isPresent()) {
            try {
                net = resume.get().computationGraph();
            } catch (IOException e) {
                throw new UsageException("--resume: " + e.getMessage());
            }
            out.printf(
                    "resuming from %s at step %,d%n",
                    resume.get().directory(), start.position().step());
        } else {
            net = SentimentModel.build(vocabulary.size(), SentimentData.LABEL_NAMES.size(), model);
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
        EpochTrainer<DataSet> trainer = EpochTrainer.of(net, start)
                .progress("sentiment", "examples", o.training.progressBar())
                .learningRate(model.learningRate(), RunSettings.given(o.command, "--lr"))
                .decay(o.rateDecay.schedule(), RunSettings.given(o.command, "--final-lr"))
                .checkpoints(
                        CheckpointOptions.store(o.out.directory()),
                        o.checkpoints.interval(),
                        settings.properties(),
                        Map.of(VOCABULARY, EpochTrainer.fileWrittenBy(vocabulary::save)));
        out.println(trainer.plan(o.epochs, o.training.batch()));
        fit(trainer, net, train, dev);
        out.println("checkpoint: " + trainer.lastCheckpoint());
        return new Trained(net, vocabulary, corpus, trainer.curves());
    }

    /** The epochs, with the whole dev part scored after each. */
    private void fit(
            EpochTrainer<DataSet> trainer,
            ComputationGraph net,
            LabelledTextRecordReader train,
            LabelledTextRecordReader dev)
            throws RunFailedException {
        int batch = o.training.batch();
        DataSetIterator batches = SentimentModel.batches(train, batch);
        long perEpoch = (train.sequences() + batch - 1) / batch;
        trainer.train(
                o.epochs,
                perEpoch,
                epoch -> {
                    batches.reset();
                    return batches;
                },
                (epoch, step, loss, took) -> {
                    Evaluation evaluation = net.evaluate(SentimentModel.batches(dev, 256));
                    out.printf(
                            "epoch %d: %d:%02d, training loss %.3f, dev accuracy %.4f (%d texts)%n",
                            epoch,
                            took.toMinutes(),
                            took.toSecondsPart(),
                            loss,
                            evaluation.accuracy(),
                            evaluation.getNumRowCounter());
                    return evaluation.accuracy();
                });
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
