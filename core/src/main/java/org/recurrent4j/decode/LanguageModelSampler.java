package org.recurrent4j.decode;

import java.util.Arrays;
import java.util.Random;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Generates token sequences from a language model (a {@code MultiLayerNetwork}, or a {@code
 * ComputationGraph} with one input and one output such as {@link org.recurrent4j.arch.SequenceLabeler}
 * builds, whose output is a softmax over the vocabulary at every step) one token at a time with
 * {@code rnnTimeStep}: the
 * network keeps its recurrent state between calls, so each new token costs one step, not a pass
 * over everything so far.
 *
 * <pre>
 *   state ← run(prime)                     the prime text in one call
 *   repeat: y_t ~ sampler(p(· | state)); state ← step(y_t)
 * </pre>
 *
 * <p>Tokens go in as one-hot columns {@code [1, V, T]} ({@link #oneHot}) or as indices {@code [1,
 * 1, T]} for an embedding layer ({@link #indices}). DL4J 1.0.0-M2.1's {@code rnnTimeStep} throws
 * inside {@code Bidirectional} (a bidirectional model cannot generate left to right anyway) and
 * skips {@code LastTimeStep}; such networks are rejected when the sampler is made.
 *
 * <pre>{@code
 * LanguageModelSampler lm = LanguageModelSampler.oneHot(net).endToken(end);
 * int[] tokens = lm.generate(prime, 200, TokenSampler.withTemperature(0.8).topP(0.95), new Random(1));
 * }</pre>
 */
public final class LanguageModelSampler {

    private final Model net;
    private final boolean oneHot;
    private final int vocabulary;
    private final int endToken;

    private LanguageModelSampler(Model net, boolean oneHot, int vocabulary, int endToken) {
        this.net = net;
        this.oneHot = oneHot;
        this.vocabulary = vocabulary;
        this.endToken = endToken;
    }

    /** A model that reads each token one-hot, {@code [1, V, T]}, V its output size. */
    public static LanguageModelSampler oneHot(MultiLayerNetwork net) {
        return new LanguageModelSampler(net, true, check(net), -1);
    }

    /** A model that reads token indices {@code [1, 1, T]} (its first layer an embedding). */
    public static LanguageModelSampler indices(MultiLayerNetwork net) {
        return new LanguageModelSampler(net, false, check(net), -1);
    }

    /** A graph (one input, one output) that reads each token one-hot, {@code [1, V, T]}. */
    public static LanguageModelSampler oneHot(ComputationGraph net) {
        return new LanguageModelSampler(net, true, check(net), -1);
    }

    /** A graph (one input, one output) that reads token indices {@code [1, 1, T]} (an embedding first). */
    public static LanguageModelSampler indices(ComputationGraph net) {
        return new LanguageModelSampler(net, false, check(net), -1);
    }

    /** Stops generating after this token (it is included in the result). */
    public LanguageModelSampler endToken(int token) {
        checkToken(token, "end token");
        return new LanguageModelSampler(net, oneHot, vocabulary, token);
    }

    /** The vocabulary size V: the model's output size. */
    public int vocabulary() {
        return vocabulary;
    }

    /** Receives each token as it is drawn, before the next one is computed. */
    @FunctionalInterface
    public interface TokenListener {
        /**
         * @param token the token just drawn
         * @return {@code true} to go on, {@code false} to stop generating (the client has gone)
         */
        boolean accept(int token);
    }

    /**
     * Runs the prime, then draws up to {@code length} tokens (fewer if the end token comes first).
     * Clears the network's stored {@code rnnTimeStep} state before and after.
     *
     * @param prime at least one token, each in {@code [0, V)}
     * @return the generated tokens, without the prime
     */
    public int[] generate(int[] prime, int length, TokenSampler sampler, Random random) {
        return generate(prime, length, sampler, random, token -> true);
    }

    /**
     * {@link #generate(int[], int, TokenSampler, Random)}, giving each token to {@code listener} as
     * soon as it is drawn (to stream it), and stopping early when the listener says so.
     *
     * <pre>{@code
     * lm.generate(prime, 500, sampler, random, token -> stream.emit(vocabulary.character(token)));
     * }</pre>
     *
     * @return the generated tokens, without the prime: those the listener was given
     */
    public int[] generate(int[] prime, int length, TokenSampler sampler, Random random, TokenListener listener) {
        if (prime.length == 0) {
            throw new IllegalArgumentException("the prime must hold at least one token: the model predicts the"
                    + " next token from what it has read");
        }
        if (length < 0) {
            throw new IllegalArgumentException("length must be 0 or more, got " + length);
        }
        for (int i = 0; i < prime.length; i++) {
            checkToken(prime[i], "prime token " + i);
        }
        int[] out = new int[length];
        int n = 0;
        clearState();
        try {
            INDArray probabilities = step(encode(prime));
            while (n < length) {
                double[] p = probabilities
                        .get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.point(probabilities.size(2) - 1))
                        .toDoubleVector();
                int next = sampler.draw(p, random);
                out[n++] = next;
                if (!listener.accept(next) || next == endToken || n == length) {
                    break;
                }
                probabilities = step(encode(new int[] {next}));
            }
        } finally {
            clearState();
        }
        return Arrays.copyOf(out, n);
    }

    private INDArray step(INDArray x) {
        return net instanceof MultiLayerNetwork mln ? mln.rnnTimeStep(x) : ((ComputationGraph) net).rnnTimeStep(x)[0];
    }

    private void clearState() {
        if (net instanceof MultiLayerNetwork mln) {
            mln.rnnClearPreviousState();
        } else {
            ((ComputationGraph) net).rnnClearPreviousState();
        }
    }

    private INDArray encode(int[] tokens) {
        DataType type = net.params().dataType();
        if (oneHot) {
            INDArray x = Nd4j.zeros(type, 1, vocabulary, tokens.length);
            for (int t = 0; t < tokens.length; t++) {
                x.putScalar(0, tokens[t], t, 1.0);
            }
            return x;
        }
        INDArray x = Nd4j.zeros(type, 1, 1, tokens.length);
        for (int t = 0; t < tokens.length; t++) {
            x.putScalar(0, 0, t, tokens[t]);
        }
        return x;
    }

    private void checkToken(int token, String what) {
        if (token < 0 || token >= vocabulary) {
            throw new IllegalArgumentException(
                    what + " is " + token + ", outside the model's vocabulary [0, " + vocabulary + ")");
        }
    }

    /** The vocabulary size, after checking the graph can generate step by step. */
    private static int check(ComputationGraph net) {
        if (net.getNumInputArrays() != 1 || net.getNumOutputArrays() != 1) {
            throw new IllegalArgumentException("a language model graph has one input and one output, this one has "
                    + net.getNumInputArrays() + " and " + net.getNumOutputArrays());
        }
        Layer[] layers = net.getLayers();
        if (layers == null || layers.length == 0) {
            throw new IllegalArgumentException("the graph has no layers: call net.init() first");
        }
        return check(layers, net.getOutputLayer(0));
    }

    /** The vocabulary size, after checking the network can generate step by step. */
    private static int check(MultiLayerNetwork net) {
        Layer[] layers = net.getLayers();
        if (layers == null || layers.length == 0) {
            throw new IllegalArgumentException("the network has no layers: call net.init() first");
        }
        return check(layers, layers[layers.length - 1]);
    }

    private static int check(Layer[] layers, Layer outputLayer) {
        for (int i = 0; i < layers.length; i++) {
            org.deeplearning4j.nn.conf.layers.Layer conf = layers[i].conf().getLayer();
            if (conf instanceof Bidirectional) {
                throw new IllegalArgumentException("layer " + i + " (" + conf.getLayerName() + ") is Bidirectional: its"
                        + " backward direction reads tokens not generated yet, and DL4J's rnnTimeStep throws on it."
                        + " A language model that generates needs unidirectional layers");
            }
            if (conf instanceof LastTimeStep) {
                throw new IllegalArgumentException("layer " + i + " (" + conf.getLayerName() + ") is LastTimeStep: a"
                        + " language model predicts at every step, and DL4J's rnnTimeStep skips this wrapper");
            }
        }
        org.deeplearning4j.nn.conf.layers.Layer last = outputLayer.conf().getLayer();
        if (!(last instanceof BaseOutputLayer output) || !(output.getActivationFn() instanceof ActivationSoftmax)) {
            throw new IllegalArgumentException("the network's last layer must be an output layer with a softmax over"
                    + " the vocabulary, got " + last.getClass().getSimpleName());
        }
        return Math.toIntExact(output.getNOut());
    }
}
