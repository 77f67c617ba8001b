package org.recurrent4j.training;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;

/**
 * The common {@link Metric}s, each measured over the whole of a held-out iterator (reset before
 * every measurement), on a {@code MultiLayerNetwork} or a {@code ComputationGraph}:
 *
 * <ul>
 *   <li>{@link #loss}: the mean loss per example, as DL4J scores it ({@code heldout_loss});
 *   <li>{@link #natsPerStep}: the summed loss over every real (unmasked) output step divided by
 *       the number of such steps — nats per character for a character language model with a
 *       softmax and cross-entropy output ({@code heldout_loss});
 *   <li>{@link #natsPerToken}: a language model's loss on a whole held-out token stream (nats per
 *       character for a char-RNN);
 *   <li>{@link #accuracy}: the share of examples (of real steps, for a per-step output) whose most
 *       probable class is the label's, by DL4J's {@code Evaluation} ({@code heldout_accuracy});
 *   <li>{@link #exactMatch}: the share of examples whose every real output step is right ({@code
 *       heldout_exact_match}), for labelling and teacher-forced sequence outputs.
 * </ul>
 *
 * <pre>{@code
 * TrainingRun.of(net).data(train).epochs(10)
 *         .evaluate(Interval.epochs(1), Metrics.loss(dev), Metrics.accuracy(dev))
 *         .build().train();
 * }</pre>
 */
public final class Metrics {

    private Metrics() {}

    /** The mean held-out loss per example, named {@code heldout_loss}. */
    public static Metric loss(DataSetIterator heldOut) {
        return Metric.of("heldout_loss", Metric.Goal.MINIMIZE, net -> {
            double total = 0;
            long examples = 0;
            heldOut.reset();
            while (heldOut.hasNext()) {
                DataSet batch = heldOut.next();
                int n = batch.numExamples();
                total += score(net, batch) * n;
                examples += n;
            }
            return examples == 0 ? Double.NaN : total / examples;
        });
    }

    /** The mean held-out loss per example of a graph fed {@link MultiDataSet}s, named {@code heldout_loss}. */
    public static Metric loss(MultiDataSetIterator heldOut) {
        return Metric.of("heldout_loss", Metric.Goal.MINIMIZE, net -> {
            ComputationGraph graph = graph(net);
            double total = 0;
            long examples = 0;
            heldOut.reset();
            while (heldOut.hasNext()) {
                MultiDataSet batch = heldOut.next();
                long n = batch.getFeatures(0).size(0);
                total += graph.score(batch, false) * n;
                examples += n;
            }
            return examples == 0 ? Double.NaN : total / examples;
        });
    }

    /**
     * The held-out loss per real output step, named {@code heldout_loss}: DL4J's score of a
     * per-step output sums the loss over the steps and averages over the examples, so the total
     * is the score times the examples, and the steps are the label mask's ones (all steps without
     * a mask).
     */
    public static Metric natsPerStep(DataSetIterator heldOut) {
        return Metric.of("heldout_loss", Metric.Goal.MINIMIZE, net -> {
            double total = 0;
            double steps = 0;
            heldOut.reset();
            while (heldOut.hasNext()) {
                DataSet batch = heldOut.next();
                total += score(net, batch) * batch.numExamples();
                INDArray labels = batch.getLabels();
                INDArray mask = batch.getLabelsMaskArray();
                steps += mask != null ? mask.sumNumber().doubleValue() : labels.size(0) * labels.size(2);
            }
            return steps == 0 ? Double.NaN : total / steps;
        });
    }

    /**
     * A next-token language model's loss on a whole held-out token stream, in nats per token,
     * named {@code heldout_loss}: {@link TokenStreamLoss#inWindows} (windows of {@code length}
     * from a zero state, {@code batch} windows per pass).
     */
    public static Metric natsPerToken(int[] heldOut, int vocabulary, int length, int batch) {
        int[] tokens = heldOut.clone();
        return Metric.of(
                "heldout_loss",
                Metric.Goal.MINIMIZE,
                net -> TokenStreamLoss.inWindows(net, tokens, vocabulary, length, batch));
    }

    /** The held-out classification accuracy, named {@code heldout_accuracy}. */
    public static Metric accuracy(DataSetIterator heldOut) {
        return Metric.of("heldout_accuracy", Metric.Goal.MAXIMIZE, net -> {
            heldOut.reset();
            Evaluation evaluation = net instanceof MultiLayerNetwork mln
                    ? mln.evaluate(heldOut)
                    : graph(net).evaluate(heldOut);
            return evaluation.getNumRowCounter() == 0 ? Double.NaN : evaluation.accuracy();
        });
    }

    /**
     * The share of held-out examples whose every real output step has the label's class as its
     * most probable one, named {@code heldout_exact_match}. Outputs are {@code [batch, classes,
     * steps]} (or {@code [batch, classes]}, one step).
     */
    public static Metric exactMatch(DataSetIterator heldOut) {
        return Metric.of("heldout_exact_match", Metric.Goal.MAXIMIZE, net -> {
            long right = 0;
            long examples = 0;
            heldOut.reset();
            while (heldOut.hasNext()) {
                DataSet batch = heldOut.next();
                INDArray output = output(net, batch);
                right += ExactMatch.count(output, batch.getLabels(), batch.getLabelsMaskArray());
                examples += batch.numExamples();
            }
            return examples == 0 ? Double.NaN : right / (double) examples;
        });
    }

    private static double score(Model net, DataSet batch) {
        if (net instanceof MultiLayerNetwork mln) {
            return mln.score(batch, false);
        }
        return graph(net).score(batch, false);
    }

    private static INDArray output(Model net, DataSet batch) {
        if (net instanceof MultiLayerNetwork mln) {
            return mln.output(batch.getFeatures(), false, batch.getFeaturesMaskArray(), batch.getLabelsMaskArray());
        }
        ComputationGraph graph = graph(net);
        return graph.output(
                        false,
                        new INDArray[] {batch.getFeatures()},
                        batch.getFeaturesMaskArray() == null ? null : new INDArray[] {batch.getFeaturesMaskArray()},
                        batch.getLabelsMaskArray() == null ? null : new INDArray[] {batch.getLabelsMaskArray()})[0];
    }

    private static ComputationGraph graph(Model net) {
        if (net instanceof ComputationGraph graph) {
            return graph;
        }
        throw new IllegalArgumentException("this metric measures a MultiLayerNetwork or a ComputationGraph, got "
                + net.getClass().getName());
    }
}
