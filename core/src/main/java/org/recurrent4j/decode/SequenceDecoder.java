package org.recurrent4j.decode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Greedy, beam-search and sampled decoding for an encoder–decoder graph with two inputs (source,
 * decoder input: START then the tokens so far) and one softmax output over the target vocabulary,
 * such as {@link org.recurrent4j.arch.EncoderDecoder} builds, or for a {@link
 * org.recurrent4j.arch.OneToMany} captioner whose first input is an image (or a vector) and whose
 * steps are the previous tokens.
 *
 * <pre>
 *   greedy:  y_t = argmax p(y | source, y_&lt;t) until END or the length limit
 *   beam:    keep the {@code width} prefixes of highest log p; a prefix that ends in END is done;
 *            stop when {@code width} are done or at the limit; rank by log p / length^α
 *   sample:  y_t drawn from p(y | source, y_&lt;t) through a {@link TokenSampler} until END or the limit
 * </pre>
 *
 * <p>The encoder side of the graph (every vertex that does not read the decoder input) runs once
 * per batch of sources; the decoder side is then stepped one token at a time from its state: each
 * recurrent layer from the state the last step left (a {@code RecurrentWithInitialState} vertex
 * first from its initial state), attention over the encoder's outputs with their keys computed
 * once. For M output tokens that is M decoder steps, where running the graph over the source and
 * the whole prefix for every token would be {@code O(M²)}. All live hypotheses, of all the sources
 * given, run as one batch. It computes the same as the full pass of the graph over the prefix,
 * which is how the graph was trained: the outputs agree token for token (the tests compare it with
 * a decoder that re-runs the graph for every token, for every cell, both contexts, attention,
 * bidirectional encoders and padded sources). DL4J 1.0.0-M2.1's {@code
 * ComputationGraph.rnnTimeStep} could not do this: it gives a recurrent vertex only its first input,
 * so a decoder stepped that way starts from zeros instead of the encoder's state.
 *
 * <p>The decoder side may hold recurrent layers (not bidirectional), layers that act on each step
 * alone, merge, element-wise and attention vertices: what the builders make. A graph with anything
 * else there (pooling over time, say) is refused when the decoder is made, naming the vertex. The
 * decoder steps the graph's own layers and reads their parameters at every call, so one decoder
 * serves a graph while it trains; like the graph, it serves one thread at a time.
 *
 * <pre>{@code
 * SequenceDecoder decoder = SequenceDecoder.oneHot(graph, targetVocabulary, start, end);
 * int[] answer = decoder.greedy(source, null, 10);                    // source [1, F, S]
 * List<SequenceDecoder.Hypothesis> best = decoder.beam(source, null, 4, 10);
 * List<int[]> answers = decoder.greedyBatch(sources, masks, 10);      // sources [N, F, S], masks [N, S]
 * int[] drawn = decoder.sample(source, null, TokenSampler.withTemperature(0.8), new Random(1), 10);
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
    private final DecoderStepPlan plan;
    private final int vocabulary;
    private final boolean indices;
    private final int start;
    private final int end;
    private final double alpha;

    private SequenceDecoder(
            ComputationGraph graph,
            DecoderStepPlan plan,
            int vocabulary,
            boolean indices,
            int start,
            int end,
            double alpha) {
        this.graph = graph;
        this.plan = plan;
        this.vocabulary = vocabulary;
        this.indices = indices;
        this.start = start;
        this.end = end;
        this.alpha = alpha;
    }

    private static SequenceDecoder of(ComputationGraph graph, int vocabulary, boolean indices, int start, int end) {
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
        return new SequenceDecoder(graph, DecoderStepPlan.of(graph), vocabulary, indices, start, end, 0);
    }

    /** For a decoder that reads its input one-hot, {@code [B, V, T]}. */
    public static SequenceDecoder oneHot(ComputationGraph graph, int vocabulary, int start, int end) {
        return of(graph, vocabulary, false, start, end);
    }

    /** For a decoder that reads token indices {@code [B, 1, T]}. */
    public static SequenceDecoder indices(ComputationGraph graph, int vocabulary, int start, int end) {
        return of(graph, vocabulary, true, start, end);
    }

    /** Length normalization α ≥ 0 for ranking beams (0: raw log probability, 1: per-token mean). */
    public SequenceDecoder lengthNormalization(double alpha) {
        if (!(alpha >= 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("length normalization must be a finite number >= 0, got " + alpha);
        }
        return new SequenceDecoder(graph, plan, vocabulary, indices, start, end, alpha);
    }

    /**
     * The most probable token at each step until END (not included) or {@code maxLength} tokens.
     *
     * @param source one example {@code [1, F, S]} (or {@code [1, 1, S]} indices)
     * @param sourceMask {@code [1, S]}, or null if every step is real
     */
    public int[] greedy(INDArray source, INDArray sourceMask, int maxLength) {
        checkOne(source);
        return greedyBatch(source, sourceMask, maxLength).get(0);
    }

    /**
     * {@link #greedy} for every source of a batch, decoded together.
     *
     * @param sources {@code [N, F, S]} (or {@code [N, 1, S]} indices)
     * @param sourceMasks {@code [N, S]}, 1 at real steps, or null if every step is real
     * @return the tokens of each source, in order
     */
    public List<int[]> greedyBatch(INDArray sources, INDArray sourceMasks, int maxLength) {
        return beamBatch(sources, sourceMasks, 1, maxLength).stream()
                .map(h -> h.get(0).tokens())
                .toList();
    }

    /**
     * Beam search; the finished hypotheses, best score first (at least one).
     *
     * @param source one example {@code [1, F, S]} (or {@code [1, 1, S]} indices)
     * @param sourceMask {@code [1, S]}, or null if every step is real
     * @param width beams kept at each step, at least 1
     * @param maxLength most target tokens (END not counted)
     */
    public List<Hypothesis> beam(INDArray source, INDArray sourceMask, int width, int maxLength) {
        checkOne(source);
        return beamBatch(source, sourceMask, width, maxLength).get(0);
    }

    /**
     * {@link #beam} for every source of a batch: the beams of all sources run as one batch.
     *
     * @param sources {@code [N, F, S]} (or {@code [N, 1, S]} indices)
     * @param sourceMasks {@code [N, S]}, 1 at real steps, or null if every step is real
     * @return for each source, its finished hypotheses, best score first (at least one)
     */
    public List<List<Hypothesis>> beamBatch(INDArray sources, INDArray sourceMasks, int width, int maxLength) {
        if (width < 1) {
            throw new IllegalArgumentException("beam width must be at least 1, got " + width);
        }
        checkLength(maxLength);
        int n = checkSources(sources, sourceMasks);
        List<Search> searches = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            searches.add(new Search(width, i));
        }
        try (DecodingRows rows = DecodingRows.start(plan, sources, sourceMasks, vocabulary, indices, start)) {
            int[] last = new int[n];
            Arrays.fill(last, start);
            for (int t = 0; ; t++) {
                double[][] p = rows.next(last);
                List<Integer> parents = new ArrayList<>();
                List<Integer> tokens = new ArrayList<>();
                for (Search s : searches) {
                    s.advance(p, t == maxLength, parents, tokens);
                }
                if (parents.isEmpty()) {
                    break;
                }
                int[] keep = parents.stream().mapToInt(Integer::intValue).toArray();
                rows.keep(keep);
                last = tokens.stream().mapToInt(Integer::intValue).toArray();
            }
        }
        return searches.stream().map(Search::finished).toList();
    }

    /**
     * Draws tokens from the predicted distributions (after the sampler's temperature and cuts) until
     * END (not included) or {@code maxLength} tokens. START is never drawn.
     *
     * @param source one example {@code [1, F, S]} (or {@code [1, 1, S]} indices)
     * @param sourceMask {@code [1, S]}, or null if every step is real
     */
    public int[] sample(INDArray source, INDArray sourceMask, TokenSampler sampler, Random random, int maxLength) {
        checkOne(source);
        return sampleBatch(source, sourceMask, sampler, random, maxLength).get(0);
    }

    /**
     * {@link #sample} for every source of a batch, decoded together; at each step the sources still
     * writing draw in order from {@code random}.
     *
     * @return the tokens of each source, in order
     */
    public List<int[]> sampleBatch(
            INDArray sources, INDArray sourceMasks, TokenSampler sampler, Random random, int maxLength) {
        checkLength(maxLength);
        int n = checkSources(sources, sourceMasks);
        List<List<Integer>> written = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            written.add(new ArrayList<>());
        }
        try (DecodingRows rows = DecodingRows.start(plan, sources, sourceMasks, vocabulary, indices, start)) {
            int[] writing = new int[n];
            int[] last = new int[n];
            for (int i = 0; i < n; i++) {
                writing[i] = i;
            }
            Arrays.fill(last, start);
            for (int t = 0; t < maxLength && writing.length > 0; t++) {
                double[][] p = rows.next(last);
                List<Integer> parents = new ArrayList<>();
                List<Integer> tokens = new ArrayList<>();
                for (int r = 0; r < writing.length; r++) {
                    p[r][start] = 0;
                    int token = sampler.draw(p[r], random);
                    if (token != end) {
                        written.get(writing[r]).add(token);
                        parents.add(r);
                        tokens.add(token);
                    }
                }
                int[] keep = parents.stream().mapToInt(Integer::intValue).toArray();
                int[] still = new int[keep.length];
                for (int i = 0; i < keep.length; i++) {
                    still[i] = writing[keep[i]];
                }
                writing = still;
                if (writing.length > 0 && t + 1 < maxLength) {
                    rows.keep(keep);
                }
                last = tokens.stream().mapToInt(Integer::intValue).toArray();
            }
        }
        return written.stream()
                .map(w -> w.stream().mapToInt(Integer::intValue).toArray())
                .toList();
    }

    /** One source's beam search, advanced one step at a time over the rows its live beams hold. */
    private final class Search {
        private record Beam(int[] tokens, double logP, int row) {}

        private final int width;
        private List<Beam> live;
        private final List<Hypothesis> done = new ArrayList<>();

        Search(int width, int row) {
            this.width = width;
            this.live = List.of(new Beam(new int[0], 0.0, row));
        }

        /**
         * Extends the live beams by the step's probabilities ({@code p[row]}); appends the rows of
         * the beams that go on (the row each continues, and its last token) to {@code parents} and
         * {@code tokens}.
         *
         * @param atLimit whether the prefixes hold the most tokens, so that only END may follow
         */
        void advance(double[][] p, boolean atLimit, List<Integer> parents, List<Integer> tokens) {
            if (live.isEmpty()) {
                return;
            }
            int room = width - done.size();
            // Each beam's best `room` tokens hold the best `room` continuations of all beams.
            List<double[]> candidates = new ArrayList<>();
            for (int b = 0; b < live.size(); b++) {
                Beam beam = live.get(b);
                for (int v : best(p[beam.row()], room, atLimit)) {
                    candidates.add(new double[] {beam.logP() + Math.log(p[beam.row()][v]), b, v});
                }
            }
            // Best first; equal ones in the order of their beam, then of their token.
            candidates.sort((x, y) -> x[0] != y[0]
                    ? Double.compare(y[0], x[0])
                    : x[1] != y[1] ? Double.compare(x[1], y[1]) : Double.compare(x[2], y[2]));
            List<Beam> next = new ArrayList<>();
            for (double[] c : candidates) {
                if (next.size() + done.size() >= width) {
                    break;
                }
                Beam parent = live.get((int) c[1]);
                int token = (int) c[2];
                if (token == end) {
                    done.add(new Hypothesis(
                            parent.tokens().clone(), true, c[0], score(c[0], parent.tokens().length + 1)));
                } else {
                    int[] extended = Arrays.copyOf(parent.tokens(), parent.tokens().length + 1);
                    extended[extended.length - 1] = token;
                    next.add(new Beam(extended, c[0], parent.row()));
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
            if (next.isEmpty() && done.isEmpty()) {
                // Nothing may follow (every token but START has probability 0): the prefix stands.
                Beam best = live.get(0);
                done.add(new Hypothesis(best.tokens(), false, best.logP(), score(best.logP(), best.tokens().length)));
            }
            live = new ArrayList<>();
            if (done.size() < width) {
                for (Beam beam : next) {
                    live.add(new Beam(beam.tokens(), beam.logP(), parents.size()));
                    parents.add(beam.row());
                    tokens.add(beam.tokens()[beam.tokens().length - 1]);
                }
            }
        }

        /** The {@code k} most probable tokens that may follow (never START; only END at the limit), best first. */
        private int[] best(double[] p, int k, boolean atLimit) {
            if (atLimit) {
                return p[end] > 0 ? new int[] {end} : new int[0];
            }
            int[] top = new int[k];
            int count = 0;
            for (int v = 0; v < p.length; v++) {
                if (v == start || !(p[v] > 0)) {
                    continue;
                }
                // Insert v after the tokens at least as probable (a lower index wins a tie).
                int at = count;
                while (at > 0 && p[top[at - 1]] < p[v]) {
                    at--;
                }
                if (at >= k) {
                    continue;
                }
                System.arraycopy(top, at, top, at + 1, Math.min(count, k - 1) - at);
                top[at] = v;
                count = Math.min(count + 1, k);
            }
            return Arrays.copyOf(top, count);
        }

        List<Hypothesis> finished() {
            List<Hypothesis> sorted = new ArrayList<>(done);
            sorted.sort(Comparator.comparingDouble(Hypothesis::score).reversed());
            return sorted;
        }
    }

    private double score(double logP, int length) {
        return alpha == 0 ? logP : logP / Math.pow(length, alpha);
    }

    private static void checkOne(INDArray source) {
        if (source.rank() < 2 || source.size(0) != 1) {
            throw new IllegalArgumentException("source must be one example ([1, features, steps], or [1, C, H, W]"
                    + " for an image captioner), got shape "
                    + Arrays.toString(source.shape()) + "; decode several with the *Batch methods");
        }
    }

    private static void checkLength(int maxLength) {
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be at least 1, got " + maxLength);
        }
    }

    /** The number of sources, after checking the sources and their masks agree. */
    private static int checkSources(INDArray sources, INDArray masks) {
        if (sources.rank() < 2 || sources.size(0) < 1) {
            throw new IllegalArgumentException("sources must be [examples, features, steps] (or [examples, C, H, W]"
                    + " images for a captioner), got shape " + Arrays.toString(sources.shape()));
        }
        if (masks != null
                && (sources.rank() != 3
                        || masks.rank() != 2
                        || masks.size(0) != sources.size(0)
                        || masks.size(1) != sources.size(2))) {
            throw new IllegalArgumentException("the source mask must be [examples, steps] = [" + sources.size(0) + ", "
                    + sources.size(2) + "], got shape " + Arrays.toString(masks.shape()));
        }
        return Math.toIntExact(sources.size(0));
    }
}
