package org.recurrent4j.examples.charrnn;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.recurrent4j.checkpoint.Checkpoint;
import org.recurrent4j.checkpoint.CheckpointStore;
import org.recurrent4j.examples.cli.ProgressBarListener;
import org.recurrent4j.examples.cli.RunFailedException;
import org.recurrent4j.examples.cli.UsageException;
import org.recurrent4j.examples.diagnostics.CurvesChart;
import org.recurrent4j.examples.training.CommandRun;
import org.recurrent4j.text.CharacterSequenceRecordReader;
import org.recurrent4j.text.CharacterVocabulary;
import org.recurrent4j.training.BatchSource;
import org.recurrent4j.training.DataFingerprint;
import org.recurrent4j.training.Interval;
import org.recurrent4j.training.LearningCurves;
import org.recurrent4j.training.Metrics;
import org.recurrent4j.training.RunResult;
import org.recurrent4j.training.TokenStreamLoss;
import org.recurrent4j.training.TrainingRun;

/**
 * A char-RNN training run as the command line does it, on the library's {@link TrainingRun}: the
 * text split 90/10 into training and held-out text, random windows of the training part (a {@link
 * CharacterSequenceRecordReader} with random offsets) under a time or step budget, the loss of the
 * whole held-out text measured at every fifth of the budget, checkpoints on the way and at the end
 * (a run resumed from one continues bit for bit), and the model saved with its curves.
 */
final class CharRnnTraining {

    /** The share of the text, at its end, held out. */
    private static final double HELD_OUT = 0.1;

    /** Characters per forward pass when the held-out text is read as one stream. */
    private static final int STREAM_CHUNK = 1000;

    /** The vocabulary's file in every checkpoint. */
    private static final String VOCABULARY = "vocabulary.txt";

    private final CharRnnOptions o;
    private final PrintWriter out;
    private final Set<String> notRecorded;

    /** The trained network, its vocabulary and its learning curves. */
    record Trained(MultiLayerNetwork net, CharacterVocabulary vocabulary, LearningCurves curves) {}

    /**
     * @param notRecorded options of the command that are not the training run's (sampling), which
     *     checkpoints do not record
     */
    CharRnnTraining(CharRnnOptions options, PrintWriter out, Set<String> notRecorded) {
        this.o = options;
        this.out = out;
        this.notRecorded = notRecorded;
    }

    /** Reads the text, builds the network (or takes it from {@code --resume}), trains it and prints what it did. */
    Trained run() throws UsageException, RunFailedException {
        CommandRun command = CommandRun.start(o.command(), o.checkpoints(), notRecorded);
        Optional<Checkpoint> resume = command.resume();
        TextCorpus corpus = o.corpus();
        command.settings(DataFingerprint.sha256(List.of(corpus.text())));
        CharacterVocabulary vocabulary;
        try {
            vocabulary = resume.isPresent()
                    ? CharacterVocabulary.load(resume.get().file(VOCABULARY))
                    : CharacterVocabulary.of(corpus.text());
        } catch (IOException e) {
            throw new UsageException("--resume: " + e.getMessage());
        }
        int[] text = vocabulary.encode(corpus.text(), corpus.name());
        // The last 10% is held out (cut as the reader cuts its training part); windows never cross the cut.
        int cut = (int) Math.floor(text.length * (1 - HELD_OUT));
        int[] heldOut = Arrays.copyOfRange(text, cut, text.length);
        int seqLength = o.seqLength();
        if (cut <= seqLength) {
            throw new UsageException("the text has " + text.length + " characters, " + cut
                    + " of them in its first 90% (the training part); a window of --seq-length " + seqLength
                    + " needs at least " + (seqLength + 1) + " there: use a longer text or a smaller --seq-length");
        }
        out.printf(
                "corpus: %s, %,d characters, %d distinct (train on another UTF-8 text with --text FILE)%n",
                corpus.name(), text.length, vocabulary.size());
        CharRnnModel.Settings settings = o.settings();
        int batch = o.training().batch();
        CharacterSequenceRecordReader.Batches windows = randomWindows(corpus, vocabulary, seqLength, batch, o.seed());
        int lastSegment = CharRnnCommand.lastSegment(seqLength, settings.tbptt());
        ProgressBarListener progress = new ProgressBarListener(
                "char-rnn",
                "chars",
                examples -> examples * seqLength,
                o.training().progressBar());
        TrainingRun.Builder builder = command.builder(() -> CharRnnModel.build(vocabulary.size(), settings))
                .data(new BatchSource<DataSet>() {
                    @Override
                    public DataSet next() {
                        return windows.nextContinuing();
                    }

                    @Override
                    public void skip(long batches) {
                        windows.skipContinuing(Math.toIntExact(batches));
                    }
                })
                .time(Duration.ofMillis(Math.max(1, (long) (o.minutes() * 60_000))))
                .steps(o.steps())
                .learningRate(command.schedule(o.rateDecay(), settings.learningRate()))
                // DL4J's score of the recurrent output sums the loss over the last truncated-BPTT segment's steps.
                .trainingLoss(score -> score / lastSegment)
                .evaluate(
                        Interval.shareOfBudget(0.2), Metrics.natsPerToken(heldOut, vocabulary.size(), seqLength, batch))
                .checkpointFile(VOCABULARY, CheckpointStore.Extra.writtenBy(vocabulary::save))
                .listener(progress);
        TrainingRun run = command.build(builder, o.checkpoints(), o.out());
        MultiLayerNetwork net = run.multiLayerNetwork();
        if (resume.isPresent()) {
            out.printf(
                    "resuming from %s at step %,d%s%n",
                    resume.get().directory(),
                    run.startStep(),
                    command.given("--lr") ? " with learning rate " + settings.learningRate() : "");
        }
        out.printf(
                "model: %d x recurrent4j %s(%d) + softmax over %d characters, %,d parameters; truncated BPTT %d%s%n",
                settings.layers(),
                net.getLayer(0).conf().getLayer().getClass().getSimpleName(),
                settings.hidden(),
                vocabulary.size(),
                net.numParams(),
                settings.tbptt(),
                settings.dropout() > 0 ? "; dropout " + settings.dropout() : "");
        out.printf(
                "training for %s%s on batches of %d x %d characters, learning rate %s...%n",
                formatMinutes(o.minutes()),
                o.steps() > 0 ? " or up to step " + o.steps() : "",
                batch,
                seqLength,
                run.schedule());
        RunResult result = CommandRun.train(run, progress);
        LearningCurves curves = result.curves();
        out.printf(
                "trained to step %d in %s: loss %.3f -> %.3f nats/char, %,.0f chars/s%n",
                result.steps(),
                clock(result.elapsed()),
                curves.column("train_loss")[firstTrainingRow(curves)],
                progress.smoothedLoss(),
                result.examplesPerSecond() * seqLength);
        Double loss = result.lastMeasurement().get("heldout_loss");
        if (loss != null && Double.isFinite(loss)) {
            out.printf(
                    "held-out loss (the whole last 10%% of the text): %.3f nats/char in windows of %d from a zero"
                            + " state, %.3f read as one stream%n",
                    loss, seqLength, TokenStreamLoss.asStream(net, heldOut, vocabulary.size(), STREAM_CHUNK));
        }
        out.println("checkpoint: " + result.lastCheckpoint());
        return new Trained(net, vocabulary, curves);
    }

    /** The row of the first step's training loss. */
    private static int firstTrainingRow(LearningCurves curves) {
        double[] losses = curves.column("train_loss");
        for (int i = 0; i < losses.length; i++) {
            if (!Double.isNaN(losses[i])) {
                return i;
            }
        }
        return 0;
    }

    /**
     * Random windows of {@code length + 1} characters of the training part of the text, as batches
     * of one-hot inputs and labels {@code [batch, V, length]}: the reader draws new offsets from
     * {@code seed}'s generator at every pass over the part.
     */
    private static CharacterSequenceRecordReader.Batches randomWindows(
            TextCorpus corpus, CharacterVocabulary vocabulary, int length, int batch, long seed) throws UsageException {
        CharacterSequenceRecordReader reader = new CharacterSequenceRecordReader.Builder(vocabulary)
                .length(length)
                .randomOffsets(seed)
                .features(CharacterSequenceRecordReader.Features.ONE_HOT)
                .part(CharacterSequenceRecordReader.Part.TRAINING, HELD_OUT)
                .build();
        try {
            reader.initialize(corpus.text(), corpus.name());
        } catch (IOException e) {
            throw new UsageException(e.getMessage());
        }
        return reader.batches(batch);
    }

    /** Saves the model and its curves into {@code --out}, and says where. */
    void save(Trained trained) throws UsageException {
        Path dir = o.out();
        try {
            Path model = CharRnnCommand.save(trained.net(), trained.vocabulary(), dir);
            CurvesChart.write(trained.curves(), dir);
            out.println("saved model: " + model.toAbsolutePath() + " (vocabulary: "
                    + dir.resolve(CharRnnCommand.VOCABULARY_FILE).toAbsolutePath() + "; curves: "
                    + dir.resolve(CurvesChart.PNG).toAbsolutePath() + ")");
        } catch (IOException e) {
            throw new UsageException("cannot save the model in " + dir.toAbsolutePath() + ": " + e.getMessage());
        }
    }

    private static String formatMinutes(double minutes) {
        return minutes == Math.rint(minutes) ? (long) minutes + " min" : String.format("%.2f min", minutes);
    }

    static String clock(Duration d) {
        long s = d.toSeconds();
        return String.format("%d:%02d", s / 60, s % 60);
    }
}
