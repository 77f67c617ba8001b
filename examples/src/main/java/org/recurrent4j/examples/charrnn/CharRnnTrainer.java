package org.recurrent4j.examples.charrnn;

import java.time.Duration;
import java.util.function.Consumer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Trains a char-RNN on random windows until a time budget or a step count is used up, reporting
 * progress at a fixed interval.
 */
public final class CharRnnTrainer {

    private CharRnnTrainer() {}

    /** A progress report: the smoothed training loss (nats per character) and the throughput. */
    public record Progress(int step, double loss, double charactersPerSecond, Duration elapsed) {}

    /** What a training run did. */
    public record Result(int steps, double firstLoss, double lastLoss, double charactersPerSecond, Duration elapsed) {}

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
            CharBatches batches,
            int stepsPerScore,
            Duration budget,
            int maxSteps,
            Duration reportEvery,
            Consumer<Progress> progress) {
        long start = System.nanoTime();
        long nextReport = start + reportEvery.toNanos();
        double firstLoss = Double.NaN;
        double smoothed = Double.NaN;
        int step = 0;
        while ((maxSteps <= 0 || step < maxSteps) && System.nanoTime() - start < budget.toNanos()) {
            net.fit(batches.next());
            step++;
            double loss = net.score() / stepsPerScore;
            if (step == 1) {
                firstLoss = loss;
                smoothed = loss;
            } else {
                smoothed = 0.9 * smoothed + 0.1 * loss;
            }
            long now = System.nanoTime();
            if (now >= nextReport) {
                progress.accept(
                        new Progress(step, smoothed, rate(step, batches, now - start), Duration.ofNanos(now - start)));
                nextReport = now + reportEvery.toNanos();
            }
        }
        long elapsed = System.nanoTime() - start;
        return new Result(step, firstLoss, smoothed, rate(step, batches, elapsed), Duration.ofNanos(elapsed));
    }

    private static double rate(int steps, CharBatches batches, long nanos) {
        return steps * (double) batches.charactersPerBatch() / Math.max(1, nanos) * 1e9;
    }

    /** The mean loss (nats per character) of a few batches, e.g. of held-out text. */
    public static double evaluate(MultiLayerNetwork net, CharBatches batches, int count) {
        double total = 0;
        for (int i = 0; i < count; i++) {
            total += net.score(batches.next(), false) / batches.length();
        }
        return total / count;
    }
}
