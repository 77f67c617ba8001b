package org.recurrent4j.examples.charrnn;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.recurrent4j.examples.cli.TrainingProgress;
import org.recurrent4j.examples.cli.UsageException;
import org.recurrent4j.examples.diagnostics.TrainingCurves;
import org.recurrent4j.text.CharacterVocabulary;

/**
 * A char-RNN training run as the command line does it: the text split 90/10 into training and
 * held-out text, the network trained under the budget with a progress bar, the loss of the whole
 * held-out text measured a few times on the way, and the model saved with its curves.
 */
final class CharRnnTraining {

    /** Held-out measurements per run, evenly spaced over the budget, besides the final one. */
    private static final int VALIDATIONS = 5;

    private final CharRnnOptions o;
    private final PrintWriter out;

    /** The trained network, its vocabulary and its learning curves. */
    record Trained(MultiLayerNetwork net, CharacterVocabulary vocabulary, TrainingCurves curves) {}

    CharRnnTraining(CharRnnOptions options, PrintWriter out) {
        this.o = options;
        this.out = out;
    }

    /** Reads the text, builds the network, trains it and prints what it did. */
    Trained run() throws UsageException {
        TextCorpus corpus = o.corpus();
        CharRnnModel.Settings settings = o.settings();
        int seqLength = o.seqLength();
        CharacterVocabulary vocabulary = CharacterVocabulary.of(corpus.text());
        int[] text = vocabulary.encode(corpus.text(), corpus.name());
        // The last 10% is held out; windows never cross the cut.
        int cut = (int) (text.length * 0.9);
        int[] training = Arrays.copyOfRange(text, 0, cut);
        int[] heldOut = Arrays.copyOfRange(text, cut, text.length);
        if (training.length <= seqLength) {
            throw new UsageException("the text has " + text.length + " characters; training needs more than "
                    + (seqLength + 1) + " in its first 90%: use a longer text or a smaller --seq-length");
        }
        out.printf(
                "corpus: %s, %,d characters, %d distinct (train on another UTF-8 text with --text FILE)%n",
                corpus.name(), text.length, vocabulary.size());

        MultiLayerNetwork net = CharRnnModel.build(vocabulary.size(), settings);
        out.printf(
                "model: %d x recurrent4j %s(%d) + softmax over %d characters, %,d parameters; truncated BPTT %d%n",
                settings.layers(),
                net.getLayer(0).conf().getLayer().getClass().getSimpleName(),
                settings.hidden(),
                vocabulary.size(),
                net.numParams(),
                settings.tbptt());
        int batch = o.training().batch();
        out.printf(
                "training for %s%s on batches of %d x %d characters...%n",
                formatMinutes(o.minutes()), o.steps() > 0 ? " or " + o.steps() + " steps" : "", batch, seqLength);

        CharBatches batches = new CharBatches(training, vocabulary.size(), seqLength, batch, new Random(o.seed()));
        HeldOut validation = new HeldOut(heldOut, vocabulary.size(), seqLength, batch);
        TrainingCurves curves = new TrainingCurves("validation_loss");
        CharRnnTrainer.Result result = fit(net, batches, settings, validation, curves);
        out.printf(
                "trained %d steps in %s: loss %.3f -> %.3f nats/char, %,.0f chars/s%n",
                result.steps(),
                clock(result.elapsed()),
                result.firstLoss(),
                result.lastLoss(),
                result.charactersPerSecond());
        // The budget may have run out right after a measurement: it is the final one then.
        double loss;
        if (curves.lastStep() == result.steps()) {
            loss = curves.lastValidation();
        } else {
            loss = validation.loss(net);
            curves.add(result.steps(), result.lastLoss(), loss);
        }
        if (Double.isFinite(loss)) {
            out.printf("held-out loss (the whole last 10%% of the text): %.3f nats/char%n", loss);
        }
        return new Trained(net, vocabulary, curves);
    }

    /**
     * The training loop: steps under the budget, the progress bar, a held-out measurement at every
     * fifth of the budget.
     */
    private CharRnnTrainer.Result fit(
            MultiLayerNetwork net,
            CharBatches batches,
            CharRnnModel.Settings settings,
            HeldOut validation,
            TrainingCurves curves) {
        double[] nextValidation = {1.0 / VALIDATIONS};
        try (TrainingProgress progress =
                TrainingProgress.start("char-rnn", "chars", o.training().progressBar())) {
            return CharRnnTrainer.train(
                    net,
                    batches,
                    CharRnnCommand.lastSegment(o.seqLength(), settings.tbptt()),
                    Duration.ofMillis((long) (o.minutes() * 60_000)),
                    o.steps(),
                    Duration.ofMillis(500),
                    p -> {
                        progress.update(p.done(), p.step(), p.loss(), p.charactersPerSecond());
                        if (p.done() >= nextValidation[0] && p.done() < 1) {
                            curves.add(p.step(), p.loss(), validation.loss(net));
                            nextValidation[0] += 1.0 / VALIDATIONS;
                        }
                    });
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
