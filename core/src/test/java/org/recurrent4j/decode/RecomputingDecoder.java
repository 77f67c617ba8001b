package org.recurrent4j.decode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The reference {@link SequenceDecoder} is tested against, and measured against in the benchmarks:
 * the decoder as it was before it stepped the graph. Greedy and beam-search decoding for an
 * encoder–decoder graph with two inputs (source, decoder input: START then the tokens so far) and
 * one softmax output over the target vocabulary; and sampling, by the same rule as {@code
 * SequenceDecoder.sample}.
 *
 * <pre>
 *   greedy:  y_t = argmax p(y | source, y_&lt;t) until END or the length limit
 *   beam:    keep the {@code width} prefixes of highest log p; a prefix that ends in END is done;
 *            stop when {@code width} are done or at the limit; rank by log p / length^α
 * </pre>
 *
 * <p>Each step runs the whole graph, as it was trained, over the source and the whole prefix (all
 * live beams in one batch): {@code O(M²)} decoder steps for M output tokens, and exact by
 * construction for every graph.
 */
public final class RecomputingDecoder {

    private final ComputationGraph graph;
    private final int vocabulary;
    private final boolean indices;
    private final int start;
    private final int end;
    private final double alpha;

    private RecomputingDecoder(
            ComputationGraph graph, int vocabulary, boolean indices, int start, int end, double alpha) {
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
    public static RecomputingDecoder oneHot(ComputationGraph graph, int vocabulary, int start, int end) {
        return new RecomputingDecoder(graph, vocabulary, false, start, end, 0);
    }

    /** For a decoder that reads token indices {@code [B, 1, T]}. */
    public static RecomputingDecoder indices(ComputationGraph graph, int vocabulary, int start, int end) {
        return new RecomputingDecoder(graph, vocabulary, true, start, end, 0);
    }

    /** Length normalization α ≥ 0 for ranking beams (0: raw log probability, 1: per-token mean). */
    public RecomputingDecoder lengthNormalization(double alpha) {
        if (!(alpha >= 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("length normalization must be a finite number >= 0, got " + alpha);
        }
        return new RecomputingDecoder(graph, vocabulary, indices, start, end, alpha);
    }

    /**
     * The most probable token at each step until END (not included) or {@code maxLength} tokens.
     *
     * @param source one example {@code [1, F, S]} (or {@code [1, 1, S]} indices)
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
    public List<SequenceDecoder.Hypothesis> beam(INDArray source, INDArray sourceMask, int width, int maxLength) {
        if (width < 1) {
            throw new IllegalArgumentException("beam width must be at least 1, got " + width);
        }
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be at least 1, got " + maxLength);
        }
        if (source.rank() != 3 || source.size(0) != 1) {
            throw new IllegalArgumentException(
                    "source must be one example [1, features, steps], got shape " + Arrays.toString(source.shape()));
        }
        record Beam(int[] tokens, double logP) {}
        List<Beam> live = List.of(new Beam(new int[0], 0.0));
        List<SequenceDecoder.Hypothesis> done = new ArrayList<>();
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
                    done.add(
                            new SequenceDecoder.Hypothesis(tokens, true, c.logP(), score(c.logP(), c.tokens().length)));
                } else {
                    next.add(c);
                }
            }
            if (atLimit) {
                if (done.isEmpty()) {
                    // No prefix can end (END has probability 0): the best one is kept as it stands.
                    Beam best = live.get(0);
                    done.add(new SequenceDecoder.Hypothesis(
                            best.tokens(), false, best.logP(), score(best.logP(), best.tokens().length)));
                }
                next = List.of();
            }
            live = next;
        }
        done.sort(Comparator.comparingDouble(SequenceDecoder.Hypothesis::score).reversed());
        return done;
    }

    /** Sampling by re-running the graph over the source and the prefix for every token. */
    public int[] sample(INDArray source, INDArray sourceMask, TokenSampler sampler, Random random, int maxLength) {
        List<Integer> tokens = new ArrayList<>();
        while (tokens.size() < maxLength) {
            int[] prefix = tokens.stream().mapToInt(Integer::intValue).toArray();
            double[] p = nextLogProbabilities(source, sourceMask, List.of(prefix))[0];
            for (int v = 0; v < p.length; v++) {
                p[v] = v == start ? 0 : Math.exp(p[v]);
            }
            int token = sampler.draw(p, random);
            if (token == end) {
                break;
            }
            tokens.add(token);
        }
        return tokens.stream().mapToInt(Integer::intValue).toArray();
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
