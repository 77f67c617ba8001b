package org.recurrent4j.training;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The loss of a next-token language model (one-hot input {@code [batch, V, T]}, softmax output
 * with cross-entropy, as {@code SequenceLabeler} or a char-RNN builds it) on a whole held-out
 * token stream, in nats per token: every token after the first is predicted once.
 *
 * <ul>
 *   <li>{@link #inWindows}: in consecutive windows of {@code length}, each from a zero state (as
 *       training sees its windows), a batch of windows per forward pass;
 *   <li>{@link #asStream}: read as one stream, the state carried from chunk to chunk, each token
 *       predicted from everything before it (as a sampling model runs): lower than the windows'.
 * </ul>
 *
 * <pre>{@code
 * double nats = TokenStreamLoss.inWindows(net, vocabulary.encode(heldOutText, "held-out"), vocabulary.size(), 100, 64);
 * }</pre>
 */
public final class TokenStreamLoss {

    private TokenStreamLoss() {}

    /**
     * The mean loss per predicted token, in consecutive windows of {@code length} (the rest of the
     * stream, if shorter, as one window of its own length); NaN for a stream of fewer than 2 tokens.
     */
    public static double inWindows(Model net, int[] tokens, int vocabulary, int length, int batch) {
        if (tokens.length < 2) {
            return Double.NaN;
        }
        double total = 0;
        int predicted = 0;
        int windows = (tokens.length - 1) / length;
        for (int first = 0; first < windows; first += batch) {
            int[] starts = new int[Math.min(batch, windows - first)];
            for (int b = 0; b < starts.length; b++) {
                starts[b] = (first + b) * length;
            }
            // DL4J's score is the mean over the examples of the loss summed over the steps.
            total += score(net, oneHotWindows(tokens, vocabulary, length, starts)) * starts.length;
            predicted += starts.length * length;
        }
        int rest = tokens.length - 1 - windows * length;
        if (rest > 0) {
            total += score(net, oneHotWindows(tokens, vocabulary, rest, windows * length));
            predicted += rest;
        }
        return total / predicted;
    }

    /**
     * The mean loss per predicted token of the stream read as one sequence through {@code
     * rnnTimeStep}, {@code chunk} tokens per call; clears the network's stored state before and
     * after. NaN for a stream of fewer than 2 tokens.
     */
    public static double asStream(Model net, int[] tokens, int vocabulary, int chunk) {
        if (tokens.length < 2) {
            return Double.NaN;
        }
        clearState(net);
        double total = 0;
        try {
            for (int first = 0; first < tokens.length - 1; first += chunk) {
                int length = Math.min(chunk, tokens.length - 1 - first);
                DataSet window = oneHotWindows(tokens, vocabulary, length, first);
                // [1, vocabulary, length] read once as a Java array (index c * length + t), not value by value.
                float[] probabilities = (net instanceof MultiLayerNetwork mln
                                ? mln.rnnTimeStep(window.getFeatures())
                                : ((ComputationGraph) net).rnnTimeStep(window.getFeatures())[0])
                        .dup('c')
                        .data()
                        .asFloat();
                for (int t = 0; t < length; t++) {
                    total -= Math.log(probabilities[tokens[first + t + 1] * length + t]);
                }
            }
        } finally {
            clearState(net);
        }
        return total / (tokens.length - 1);
    }

    /**
     * The windows of {@code length + 1} tokens that begin at {@code starts}, as one mini-batch:
     * one-hot inputs and next-token labels {@code [starts, V, length]}.
     */
    public static DataSet oneHotWindows(int[] tokens, int vocabulary, int length, int... starts) {
        int batch = starts.length;
        float[] features = new float[batch * vocabulary * length];
        float[] labels = new float[batch * vocabulary * length];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < length; t++) {
                features[(b * vocabulary + tokens[starts[b] + t]) * length + t] = 1f;
                labels[(b * vocabulary + tokens[starts[b] + t + 1]) * length + t] = 1f;
            }
        }
        long[] shape = {batch, vocabulary, length};
        return new DataSet(Nd4j.create(features, shape, 'c'), Nd4j.create(labels, shape, 'c'));
    }

    private static double score(Model net, DataSet batch) {
        return net instanceof MultiLayerNetwork mln ? mln.score(batch, false) : ((ComputationGraph) net).score(batch);
    }

    private static void clearState(Model net) {
        if (net instanceof MultiLayerNetwork mln) {
            mln.rnnClearPreviousState();
        } else {
            ((ComputationGraph) net).rnnClearPreviousState();
        }
    }
}
