package org.recurrent4j.examples.charrnn;

import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.DoubleUnaryOperator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.recurrent4j.examples.training.BudgetShare;
import org.recurrent4j.examples.training.LearningRate;
import org.recurrent4j.text.CharacterSequenceRecordReader;
import org.recurrent4j.text.CharacterVocabulary;

/**
 * Trains a char-RNN on random windows (a {@link CharacterSequenceRecordReader} with random offsets,
 * read as one-hot batches) until a time budget or a step count is used up, reporting progress at a
 * fixed interval.
 */
public final class CharRnnTrainer {

    private CharRnnTrainer() {}

    /**
     * A progress report: the smoothed training loss (nats per character), the throughput, and the
     * share of the budget used ({@code done}, 0 to 1: of the time or of the steps, whichever is more).
     */
    public record Progress(int step, double loss, double charactersPerSecond, Duration elapsed, double done) {}

    /**
     * What a training run did.
     *
     * @param steps the steps done in all, counting those before a resumed run's start
     * @param charactersPerSecond the throughput of this run (its own steps over its own time)
     * @param budgetUsed the share of the budget used (see {@link #train(MultiLayerNetwork,
     *     CharacterSequenceRecordReader.Batches, int, Start, Duration, int, DoubleUnaryOperator, Duration,
     *     Consumer, AfterStep)})
     */
    public record Result(
            int steps,
            double firstLoss,
            double lastLoss,
            double charactersPerSecond,
            Duration elapsed,
            double budgetUsed) {

        /** Where a run resumed after this one would start. */
        public Start end() {
            return new Start(steps, firstLoss, lastLoss, budgetUsed);
        }
    }

    /**
     * Where a run begins: step 0, or where an earlier run stopped (its steps, its training loss,
     * first and smoothed, so that the reported loss carries on, and the share of its budget it had
     * used, so that a learning-rate schedule carries on).
     */
    public record Start(int step, double firstLoss, double smoothedLoss, double budgetUsed) {
        /** A fresh run. */
        public static final Start FRESH = new Start(0, Double.NaN, Double.NaN, 0);
    }

    /** Called after every step with where a run resumed from there would start, e.g. to write a checkpoint. */
    @FunctionalInterface
    public interface AfterStep {
        void stepDone(Start now);
    }

    /**
     * Random windows of {@code length + 1} characters of a part of {@code text} for training, as
     * batches of one-hot inputs and labels {@code [batch, V, length]}: the reader draws new offsets
     * from {@code seed}'s generator at every pass over the part.
     *
     * @throws IOException if the part is shorter than one window (the message names {@code
     *     source})
     */
    public static CharacterSequenceRecordReader.Batches randomWindows(
            String text,
            String source,
            CharacterVocabulary vocabulary,
            CharacterSequenceRecordReader.Part part,
            double heldOutFraction,
            int length,
            int batch,
            long seed)
            throws IOException {
        CharacterSequenceRecordReader reader = new CharacterSequenceRecordReader.Builder(vocabulary)
                .length(length)
                .randomOffsets(seed)
                .features(CharacterSequenceRecordReader.Features.ONE_HOT)
                .part(part, heldOutFraction)
                .build();
        reader.initialize(text, source);
        return reader.batches(batch);
    }

    /**
     * DL4J's score of a recurrent output layer sums the loss over the steps of a sequence (the last
     * truncated-BPTT segment, when training); dividing by those steps gives nats per character.
     *
     * @param stepsPerScore the steps the score after {@code fit} covers
     * @param maxSteps the most steps to take (0: no limit but the budget)
     * @param reportEvery how often to call {@code progress}
     */
    public static Result train(
            MultiLayerNetwork net,
            CharacterSequenceRecordReader.Batches batches,
            int stepsPerScore,
            Duration budget,
            int maxSteps,
            Duration reportEvery,
            Consumer<Progress> progress) {
        return train(
                net, batches, stepsPerScore, Start.FRESH, budget, maxSteps, null, reportEvery, progress, now -> {});
    }

    /**
     * Trains from {@code start} (whose data position {@code batches} must already be at) until the
     * time budget of this run is used or the run has reached {@code maxSteps} steps in all.
     *
     * <p>The share of the budget used, which {@code schedule} maps to the learning rate set before
     * every step, counts steps when there is a step limit ({@code step / maxSteps}, counting the
     * steps before {@code start}: the same rate at the same step however a run was split), else
     * time: from {@code start.budgetUsed()} at this run's start to 1 at the end of its {@code
     * budget}.
     *
     * @param schedule the learning rate for a share of the budget; null keeps the network's rate
     */
    public static Result train(
            MultiLayerNetwork net,
            CharacterSequenceRecordReader.Batches batches,
            int stepsPerScore,
            Start start,
            Duration budget,
            int maxSteps,
            DoubleUnaryOperator schedule,
            Duration reportEvery,
            Consumer<Progress> progress,
            AfterStep afterStep) {
        long begin = System.nanoTime();
        long nextReport = begin + reportEvery.toNanos();
        double firstLoss = start.firstLoss();
        double smoothed = start.smoothedLoss();
        int step = start.step();
        double rate = Double.NaN;
        while ((maxSteps <= 0 || step < maxSteps) && System.nanoTime() - begin < budget.toNanos()) {
            if (schedule != null) {
                double scheduled = schedule.applyAsDouble(budgetUsed(start, step, maxSteps, begin, budget));
                if (scheduled != rate) {
                    LearningRate.set(net, scheduled);
                    rate = scheduled;
                }
            }
            net.fit(batches.nextContinuing());
            step++;
            double loss = net.score() / stepsPerScore;
            if (Double.isNaN(smoothed)) {
                firstLoss = loss;
                smoothed = loss;
            } else {
                smoothed = 0.9 * smoothed + 0.1 * loss;
            }
            afterStep.stepDone(new Start(step, firstLoss, smoothed, budgetUsed(start, step, maxSteps, begin, budget)));
            long now = System.nanoTime();
            if (now >= nextReport) {
                double done = Math.max(
                        (now - begin) / (double) budget.toNanos(), maxSteps > 0 ? step / (double) maxSteps : 0);
                progress.accept(new Progress(
                        step,
                        smoothed,
                        rate(step - start.step(), batches, now - begin),
                        Duration.ofNanos(now - begin),
                        done));
                nextReport = now + reportEvery.toNanos();
            }
        }
        long elapsed = System.nanoTime() - begin;
        return new Result(
                step,
                firstLoss,
                smoothed,
                rate(step - start.step(), batches, elapsed),
                Duration.ofNanos(elapsed),
                budgetUsed(start, step, maxSteps, begin, budget));
    }

    /**
     * The share of the budget used after {@code step}: of {@code --steps} when given (so a run
     * resumed with more steps follows the schedule stretched over them), else of the minutes, from
     * the share the run started with.
     */
    private static double budgetUsed(Start start, int step, int maxSteps, long begin, Duration budget) {
        return maxSteps > 0
                ? new BudgetShare(0, 0, maxSteps).at(step)
                : new BudgetShare(start.budgetUsed(), 0, budget.toNanos()).at(System.nanoTime() - begin);
    }

    private static double rate(int steps, CharacterSequenceRecordReader.Batches batches, long nanos) {
        return steps * (double) batches.charactersPerBatch() / Math.max(1, nanos) * 1e9;
    }

    /**
     * The mean loss (nats per character) of a whole text, e.g. the held-out part: every character
     * after the first is predicted once, in consecutive windows of {@code length} (the last, shorter
     * part of the text, if any, as one more window of its own length).
     */
    public static double evaluate(MultiLayerNetwork net, int[] text, int vocabulary, int length, int batch) {
        double total = 0;
        int predicted = 0;
        int windows = (text.length - 1) / length;
        for (int first = 0; first < windows; first += batch) {
            int[] starts = new int[Math.min(batch, windows - first)];
            for (int b = 0; b < starts.length; b++) {
                starts[b] = (first + b) * length;
            }
            // DL4J's score is the mean over the examples of the loss summed over the steps.
            total += net.score(oneHotWindows(text, vocabulary, length, starts), false) * starts.length;
            predicted += starts.length * length;
        }
        int rest = text.length - 1 - windows * length;
        if (rest > 0) {
            total += net.score(oneHotWindows(text, vocabulary, rest, windows * length), false);
            predicted += rest;
        }
        return total / predicted;
    }

    /**
     * The mean loss (nats per character) of a whole text read as one stream: every character after
     * the first predicted once, from everything before it, the state carried from chunk to chunk of
     * {@code chunk} characters (as char-rnn's own evaluation does). Lower than {@link #evaluate}'s
     * windows, which start each window from a zero state. Clears the network's stored state.
     */
    public static double evaluateAsStream(MultiLayerNetwork net, int[] text, int vocabulary, int chunk) {
        net.rnnClearPreviousState();
        double total = 0;
        try {
            for (int first = 0; first < text.length - 1; first += chunk) {
                int length = Math.min(chunk, text.length - 1 - first);
                DataSet window = oneHotWindows(text, vocabulary, length, first);
                // [1, vocabulary, length] read once as a Java array (index c * length + t), not value by value.
                float[] probabilities =
                        net.rnnTimeStep(window.getFeatures()).dup('c').data().asFloat();
                for (int t = 0; t < length; t++) {
                    total -= Math.log(probabilities[text[first + t + 1] * length + t]);
                }
            }
        } finally {
            net.rnnClearPreviousState();
        }
        return total / (text.length - 1);
    }

    /** The mean loss (nats per character) of the next {@code count} batches, e.g. of held-out text. */
    public static double evaluate(MultiLayerNetwork net, CharacterSequenceRecordReader.Batches batches, int count) {
        double total = 0;
        for (int i = 0; i < count; i++) {
            DataSet batch = batches.nextContinuing();
            total += net.score(batch, false) / batch.getFeatures().size(2);
        }
        return total / count;
    }

    /**
     * The windows of {@code length + 1} characters of {@code text} that begin at {@code starts}, as
     * one mini-batch: one-hot inputs and next-character labels {@code [starts, V, length]}.
     */
    static DataSet oneHotWindows(int[] text, int vocabulary, int length, int... starts) {
        int batch = starts.length;
        float[] features = new float[batch * vocabulary * length];
        float[] labels = new float[batch * vocabulary * length];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < length; t++) {
                features[(b * vocabulary + text[starts[b] + t]) * length + t] = 1f;
                labels[(b * vocabulary + text[starts[b] + t + 1]) * length + t] = 1f;
            }
        }
        long[] shape = {batch, vocabulary, length};
        return new DataSet(Nd4j.create(features, shape, 'c'), Nd4j.create(labels, shape, 'c'));
    }
}
