package org.recurrent4j.examples.charrnn;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.recurrent4j.checkpoint.Checkpoint;
import org.recurrent4j.checkpoint.CheckpointStore;
import org.recurrent4j.examples.cli.CheckpointOptions;
import org.recurrent4j.examples.cli.RunFailedException;
import org.recurrent4j.examples.cli.TrainingProgress;
import org.recurrent4j.examples.cli.UsageException;
import org.recurrent4j.examples.diagnostics.TrainingCurves;
import org.recurrent4j.examples.training.Divergence;
import org.recurrent4j.examples.training.LearningRate;
import org.recurrent4j.examples.training.RateSchedule;
import org.recurrent4j.text.CharacterSequenceRecordReader;
import org.recurrent4j.text.CharacterVocabulary;
import org.recurrent4j.training.DivergenceGuard;
import org.recurrent4j.training.TrainingDivergedException;

/**
 * A char-RNN training run as the command line does it: the text split 90/10 into training and
 * held-out text, the network trained under the budget with a progress bar, the loss of the whole
 * held-out text measured a few times on the way, checkpoints on the way and at the end (a run
 * resumed from one continues bit for bit), and the model saved with its curves.
 */
final class CharRnnTraining {

    /** The share of the text, at its end, held out. */
    private static final double HELD_OUT = 0.1;

    /** Held-out measurements per run, evenly spaced over the budget, besides the final one. */
    private static final int VALIDATIONS = 5;

    /** Characters per forward pass when the held-out text is read as one stream. */
    private static final int STREAM_CHUNK = 1000;

    private final CharRnnOptions o;
    private final PrintWriter out;

    /** The trained network, its vocabulary and its learning curves. */
    record Trained(MultiLayerNetwork net, CharacterVocabulary vocabulary, TrainingCurves curves) {}

    CharRnnTraining(CharRnnOptions options, PrintWriter out) {
        this.o = options;
        this.out = out;
    }

    /** Reads the text, builds the network (or takes it from {@code --resume}), trains it and prints what it did. */
    Trained run() throws UsageException, RunFailedException {
        Optional<Checkpoint> resume = o.checkpoints().resumeFrom();
        Run run = resume.isPresent() ? resumed(resume.get()) : fresh();
        CharacterVocabulary vocabulary = run.state().vocabulary();
        int[] text = vocabulary.encode(
                run.state().corpus().text(), run.state().corpus().name());
        // The last 10% is held out (cut as the reader cuts its training part); windows never cross the cut.
        int cut = (int) Math.floor(text.length * (1 - HELD_OUT));
        int[] heldOut = Arrays.copyOfRange(text, cut, text.length);
        int seqLength = run.state().seqLength();
        if (cut <= seqLength) {
            throw new UsageException("the text has " + text.length + " characters, " + cut
                    + " of them in its first 90% (the training part); a window of --seq-length " + seqLength
                    + " needs at least " + (seqLength + 1) + " there: use a longer text or a smaller --seq-length");
        }
        out.printf(
                "corpus: %s, %,d characters, %d distinct (train on another UTF-8 text with --text FILE)%n",
                run.state().corpus().name(), text.length, vocabulary.size());
        CharRnnModel.Settings settings = run.state().settings();
        MultiLayerNetwork net = run.net();
        out.printf(
                "model: %d x recurrent4j %s(%d) + softmax over %d characters, %,d parameters; truncated BPTT %d%s%n",
                settings.layers(),
                net.getLayer(0).conf().getLayer().getClass().getSimpleName(),
                settings.hidden(),
                vocabulary.size(),
                net.numParams(),
                settings.tbptt(),
                settings.dropout() > 0 ? "; dropout " + settings.dropout() : "");
        int batch = run.state().batch();
        RateSchedule schedule = run.state().schedule();
        out.printf(
                "training for %s%s on batches of %d x %d characters, learning rate %s%s...%n",
                formatMinutes(o.minutes()),
                o.steps() > 0 ? " or up to step " + o.steps() : "",
                batch,
                seqLength,
                settings.learningRate(),
                schedule.described());

        CharacterSequenceRecordReader.Batches batches;
        try {
            batches = CharRnnTrainer.randomWindows(
                    run.state().corpus().text(),
                    run.state().corpus().name(),
                    vocabulary,
                    CharacterSequenceRecordReader.Part.TRAINING,
                    HELD_OUT,
                    seqLength,
                    batch,
                    settings.seed());
        } catch (IOException e) {
            throw new UsageException(e.getMessage());
        }
        batches.skipContinuing(run.state().start().step());
        HeldOut validation = new HeldOut(heldOut, vocabulary.size(), seqLength, batch);
        CheckpointStore store = CheckpointOptions.store(o.out());
        CharRnnTrainer.Result result = fit(net, batches, run.state(), validation, store);
        out.printf(
                "trained to step %d in %s: loss %.3f -> %.3f nats/char, %,.0f chars/s%n",
                result.steps(),
                clock(result.elapsed()),
                result.firstLoss(),
                result.lastLoss(),
                result.charactersPerSecond());
        TrainingCurves curves = run.state().curves();
        // The budget may have run out right after a measurement: it is the final one then.
        double loss;
        if (curves.lastStep() == result.steps()) {
            loss = curves.lastValidation();
        } else {
            loss = validation.loss(net);
            curves.add(result.steps(), result.lastLoss(), loss);
        }
        if (Double.isFinite(loss)) {
            out.printf(
                    "held-out loss (the whole last 10%% of the text): %.3f nats/char in windows of %d from a zero"
                            + " state, %.3f read as one stream%n",
                    loss, seqLength, CharRnnTrainer.evaluateAsStream(net, heldOut, vocabulary.size(), STREAM_CHUNK));
        }
        if (result.steps() > run.state().start().step()) {
            CharRnnCheckpoints.State end = state(run.state(), result.end());
            out.println("checkpoint: " + checkpoint(store, net, end, result.steps()));
        }
        return new Trained(net, vocabulary, curves);
    }

    /** A run's network and its state at the step it starts from. */
    private record Run(MultiLayerNetwork net, CharRnnCheckpoints.State state) {}

    private Run fresh() throws UsageException {
        TextCorpus corpus = o.corpus();
        CharRnnModel.Settings settings = o.settings();
        RateSchedule schedule = o.schedule(settings.learningRate());
        CharacterVocabulary vocabulary = CharacterVocabulary.of(corpus.text());
        MultiLayerNetwork net = CharRnnModel.build(vocabulary.size(), settings);
        return new Run(
                net,
                new CharRnnCheckpoints.State(
                        settings,
                        schedule,
                        o.seqLength(),
                        o.training().batch(),
                        corpus,
                        vocabulary,
                        new TrainingCurves("validation_loss"),
                        CharRnnTrainer.Start.FRESH));
    }

    private Run resumed(Checkpoint c) throws UsageException {
        try {
            CharRnnModel.Settings settings = o.settings(c, CharRnnCheckpoints.settings(c));
            RateSchedule schedule = o.schedule(CharRnnCheckpoints.schedule(c), settings.learningRate());
            int seqLength = o.seqLength(c, CharRnnCheckpoints.intProperty(c, "seq.length"));
            int batch = o.batch(c, CharRnnCheckpoints.intProperty(c, "batch"));
            TextCorpus corpus = o.corpus(c.property("corpus.source"));
            CharRnnCheckpoints.checkCorpus(c, corpus);
            MultiLayerNetwork net = c.multiLayerNetwork();
            c.restoreRandomState();
            if (o.given("--lr")) {
                LearningRate.set(net, settings.learningRate());
            }
            CharRnnTrainer.Start start = CharRnnCheckpoints.start(c);
            out.printf(
                    "resuming from %s at step %,d%s%n",
                    c.directory(),
                    start.step(),
                    o.given("--lr") ? " with learning rate " + settings.learningRate() : "");
            return new Run(
                    net,
                    new CharRnnCheckpoints.State(
                            settings,
                            schedule,
                            seqLength,
                            batch,
                            corpus,
                            CharRnnCheckpoints.vocabulary(c),
                            CharRnnCheckpoints.curves(c),
                            start));
        } catch (IOException e) {
            throw new UsageException("--resume: " + e.getMessage());
        }
    }

    /**
     * The training loop: steps under the budget, the progress bar, a held-out measurement at every
     * fifth of the budget, a checkpoint every {@code --checkpoint-every} minutes, and a stop with
     * the last good checkpoint named if training diverges.
     */
    private CharRnnTrainer.Result fit(
            MultiLayerNetwork net,
            CharacterSequenceRecordReader.Batches batches,
            CharRnnCheckpoints.State state,
            HeldOut validation,
            CheckpointStore store)
            throws RunFailedException {
        double[] nextValidation = {1.0 / VALIDATIONS};
        long interval = o.checkpoints().interval().toNanos();
        long[] nextCheckpoint = {interval > 0 ? System.nanoTime() + interval : Long.MAX_VALUE};
        int[] lastStep = {state.start().step()};
        net.addListeners(new DivergenceGuard());
        try (TrainingProgress progress =
                TrainingProgress.start("char-rnn", "chars", o.training().progressBar())) {
            return CharRnnTrainer.train(
                    net,
                    batches,
                    CharRnnCommand.lastSegment(
                            state.seqLength(), state.settings().tbptt()),
                    state.start(),
                    Duration.ofMillis((long) (o.minutes() * 60_000)),
                    o.steps(),
                    state.schedule().rates(state.settings().learningRate()),
                    Duration.ofMillis(500),
                    p -> {
                        progress.update(p.done(), p.step(), p.loss(), p.charactersPerSecond());
                        if (p.done() >= nextValidation[0] && p.done() < 1) {
                            state.curves().add(p.step(), p.loss(), validation.loss(net));
                            nextValidation[0] += 1.0 / VALIDATIONS;
                        }
                    },
                    now -> {
                        lastStep[0] = now.step();
                        if (System.nanoTime() >= nextCheckpoint[0]) {
                            checkpoint(store, net, state(state, now), now.step());
                            nextCheckpoint[0] = System.nanoTime() + interval;
                        }
                    });
        } catch (TrainingDivergedException e) {
            throw new RunFailedException(
                    Divergence.advice(
                            store, lastStep[0] + 1, e, state.settings().learningRate()),
                    e);
        } catch (UncheckedIOException e) {
            throw new RunFailedException(e.getMessage(), e);
        }
    }

    private static CharRnnCheckpoints.State state(CharRnnCheckpoints.State s, CharRnnTrainer.Start now) {
        return new CharRnnCheckpoints.State(
                s.settings(), s.schedule(), s.seqLength(), s.batch(), s.corpus(), s.vocabulary(), s.curves(), now);
    }

    private static Path checkpoint(
            CheckpointStore store, MultiLayerNetwork net, CharRnnCheckpoints.State state, int step) {
        try {
            return CharRnnCheckpoints.save(store, net, state);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot write the checkpoint of step " + step + " into " + store.root() + ": " + e.getMessage(), e);
        }
    }

    /** Saves the model and its curves into {@code --out}, and says where. */
    void save(Trained trained) throws UsageException {
        Path dir = o.out();
        try {
            Path model = CharRnnCommand.save(trained.net(), trained.vocabulary(), dir);
            trained.curves().write(dir);
            out.println("saved model: " + model.toAbsolutePath() + " (vocabulary: "
                    + dir.resolve(CharRnnCommand.VOCABULARY_FILE).toAbsolutePath() + "; curves: "
                    + dir.resolve(TrainingCurves.PNG).toAbsolutePath() + ")");
        } catch (IOException e) {
            throw new UsageException("cannot save the model in " + dir.toAbsolutePath() + ": " + e.getMessage());
        }
    }

    /** The held-out text, measured whole; NaN when it is too short to predict anything. */
    private record HeldOut(int[] text, int vocabulary, int length, int batch) {
        double loss(MultiLayerNetwork net) {
            return text.length < 2 ? Double.NaN : CharRnnTrainer.evaluate(net, text, vocabulary, length, batch);
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
