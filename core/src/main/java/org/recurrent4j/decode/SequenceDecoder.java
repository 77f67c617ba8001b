package org.recurrent4j.decode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Greedy and beam-search decoding for an encoder–decoder graph with two inputs (source, decoder
 * input: START then the tokens so far) and one softmax output over the target vocabulary, such as
 * {@link org.recurrent4j.arch.EncoderDecoder} builds, or a {@link org.recurrent4j.arch.OneToMany}
 * captioner whose first input is an image (or a vector) and whose steps are the previous tokens.
 *
 * <pre>
 *   greedy:  y_t = argmax p(y | source, y_&lt;t) until END or the length limit
 *   beam:    keep the {@code width} prefixes of highest log p; a prefix that ends in END is done;
 *            stop when {@code width} are done or at the limit; rank by log p / length^α
 * </pre>
 *
 * <p>Each step runs the graph over the source and the whole prefix (all live beams in one batch),
 * which costs {@code O(M²)} decoder steps for M output tokens. It is exact for every graph the
 * builders make, including bidirectional encoders and initial states fed through a second input,
 * which DL4J 1.0.0-M2.1's {@code ComputationGraph.rnnTimeStep} cannot step (it passes only the
 * first input); for the short outputs these models write, the quadratic term is small.
 *
 * <pre>{@code
 * SequenceDecoder decoder = SequenceDecoder.oneHot(graph, targetVocabulary, start, end);
 * int[] answer = decoder.greedy(source, null, 10);
 * List<SequenceDecoder.Hypothesis> best = decoder.beam(source, null, 4, 10);
 * }</pre>
 */
public final class SequenceDecoder {

    /**
     * A decoded sequence.
     *
     * @param tokens the target tokens, without START and END
     * @param ended whether it ended with END (rather than at the length limit)
     * @param logProbability the sum of log p of its tokens (END included)
     * @param score {@code logProbability / length^α}, length counting END
     */
    public record Hypothesis(int[] tokens, boolean ended, double logProbability, double score) {
        @Override
        public String toString() {
            return Arrays.toString(tokens) + (ended ? "" : " (not ended)") + " log p " + logProbability;
        }
    }

    private final ComputationGraph graph;
    private final int vocabulary;
    private final boolean indices;
    private final int start;
    private final int end;
    private final double alpha;

    private SequenceDecoder(ComputationGraph graph, int vocabulary, boolean indices, int start, int end, double alpha) {
        if (graph.getNumInputArrays() != 2 || graph.getNumOutputArrays() != 1) {
            throw new IllegalArgumentException("an encoder-decoder graph has 2 inputs (source, decoder input) and 1"
                    + " output, this one has " + graph.getNumInputArrays() + " and " + graph.getNumOutputArrays());
        }
        for (int[] t : new int[][] {{start, 0}, {end, 1}}) {
            if (t[0] < 0 || t[0] >= vocabulary) {
                throw new IllegalArgumentException((t[1] == 0 ? "start" : "end") + " token is " + t[0]
                        + ", outside the target vocabulary [0, " + vocabulary + ")");
            }
        }
        this.graph = graph;
        this.vocabulary = vocabulary;
        this.indices = indices;
        this.start = start;
        this.end = end;
        this.alpha = alpha;
    }

    /** For a decoder that reads its input one-hot, {@code [B, V, T]}. */
    public static SequenceDecoder oneHot(ComputationGraph graph, int vocabulary, int start, int end) {
        return new SequenceDecoder(graph, vocabulary, false, start, end, 0);
    }

    /** For a decoder that reads token indices {@code [B, 1, T]}. */
    public static SequenceDecoder indices(ComputationGraph graph, int vocabulary, int start, int end) {
        return new SequenceDecoder(graph, vocabulary, true, start, end, 0);
    }

    /** Length normalization α ≥ 0 for ranking beams (0: raw log probability, 1: per-token mean). */
    public SequenceDecoder lengthNormalization(double alpha) {
        if (!(alpha >= 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("length normalization must be a finite number >= 0, got " + alpha);
        }
        return new SequenceDecoder(graph, vocabulary, indices, start, end, alpha);
    }

    /**
     * The most probable token at each step until END (not included) or {@code maxLength} tokens.
     *
     * @param source one example {@code [1, F, S]} (or {@code [1, 1, S]} indices; or an image {@code
     *     [1, C, H, W]} for a {@link org.recurrent4j.arch.OneToMany} captioner)
     * @param sourceMask {@code [1, S]}, or null if every step is real
     */
    public int[] greedy(INDArray source, INDArray sourceMask, int maxLength) {
        return beam(source, sourceMask, 1, maxLength).get(0).tokens();
    }

    /**
     * Beam search; the finished hypotheses, best score first (at least one).
     *
     * @param width beams kept at each step, at least 1
     * @param maxLength most target tokens (END not counted)
     */
    public List<Hypothesis> beam(INDArray source, INDArray sourceMask, int width, int maxLength) {
        if (width < 1) {
            throw new IllegalArgumentException("beam width must be at least 1, got " + width);
        }
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be at least 1, got " + maxLength);
        }
        if (source.rank() < 2 || source.size(0) != 1) {
            throw new IllegalArgumentException("source must be one example ([1, features, steps], or [1, C, H, W] for"
                    + " an image), got shape " + Arrays.toString(source.shape()));
        }
        record Beam(int[] tokens, double logP) {}
        List<Beam> live = List.of(new Beam(new int[0], 0.0));
        List<Hypothesis> done = new ArrayList<>();
        for (int t = 0; !live.isEmpty() && done.size() < width; t++) {
            // The prefixes hold t tokens; at the limit only END may follow them.
            boolean atLimit = t == maxLength;
            double[][] logP = nextLogProbabilities(
                    source, sourceMask, live.stream().map(Beam::tokens).toList());
            List<Beam> candidates = new ArrayList<>();
            for (int b = 0; b < live.size(); b++) {
                Beam beam = live.get(b);
                for (int v = 0; v < vocabulary; v++) {
                    if (v == start || (atLimit && v != end) || logP[b][v] == Double.NEGATIVE_INFINITY) {
                        continue;
                    }
                    int[] tokens = Arrays.copyOf(beam.tokens(), beam.tokens().length + 1);
                    tokens[tokens.length - 1] = v;
                    candidates.add(new Beam(tokens, beam.logP() + logP[b][v]));
                }
            }
            candidates.sort(Comparator.comparingDouble(Beam::logP).reversed());
            List<Beam> next = new ArrayList<>();
            for (Beam c : candidates) {
                if (next.size() + done.size() >= width) {
                    break;
                }
                if (c.tokens()[c.tokens().length - 1] == end) {
                    int[] tokens = Arrays.copyOf(c.tokens(), c.tokens().length - 1);
                    done.add(new Hypothesis(tokens, true, c.logP(), score(c.logP(), c.tokens().length)));
                } else {
                    next.add(c);
                }
            }
            if (atLimit) {
                if (done.isEmpty()) {
                    // No prefix can end (END has probability 0): the best one is kept as it stands.
                    Beam best = live.get(0);
                    done.add(new Hypothesis(
                            best.tokens(), false, best.logP(), score(best.logP(), best.tokens().length)));
                }
                next = List.of();
            }
            live = next;
        }
        done.sort(Comparator.comparingDouble(Hypothesis::score).reversed());
        return done;
    }

    private double score(double logP, int length) {
        return alpha == 0 ? logP : logP / Math.pow(length, alpha);
    }

    /** log p(next token) for each prefix, in one batch: {@code [prefix][token]}. */
    private double[][] nextLogProbabilities(INDArray source, INDArray sourceMask, List<int[]> prefixes) {
        int n = prefixes.size();
        int steps = prefixes.get(0).length + 1;
        INDArray sources = source.repeat(0, n);
        INDArray masks = sourceMask == null ? null : sourceMask.repeat(0, n);
        INDArray decoderInput = indices
                ? Nd4j.zeros(source.dataType(), n, 1, steps)
                : Nd4j.zeros(source.dataType(), n, vocabulary, steps);
        for (int b = 0; b < n; b++) {
            int[] p = prefixes.get(b);
            for (int t = 0; t < steps; t++) {
                int token = t == 0 ? start : p[t - 1];
                if (indices) {
                    decoderInput.putScalar(b, 0, t, token);
                } else {
                    decoderInput.putScalar(b, token, t, 1.0);
                }
            }
        }
        INDArray out = graph.output(false, new INDArray[] {sources, decoderInput}, new INDArray[] {masks, null})[0];
        if (out.rank() != 3 || out.size(1) != vocabulary) {
            throw new IllegalStateException("the graph's output has shape " + Arrays.toString(out.shape())
                    + ", expected [beams, " + vocabulary + ", steps]: is the target vocabulary right?");
        }
        double[][] logP = out.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(steps - 1))
                .toDoubleMatrix();
        for (double[] row : logP) {
            for (int v = 0; v < vocabulary; v++) {
                row[v] = row[v] > 0 ? Math.log(row[v]) : Double.NEGATIVE_INFINITY;
            }
        }
        return logP;
    }
}
