package org.recurrent4j.seq2seq;

import java.io.Serial;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.recurrent4j.data.MultiBatchIterator;
import org.recurrent4j.seq2seq.HeldOutSplit.Part;
import org.recurrent4j.synthetic.PairTask;

/**
 * Batches of a {@link PairTask} for an encoder–decoder {@code ComputationGraph}: {@code batches}
 * mini-batches per epoch of {@code batchSize} freshly drawn pairs, in the layout of {@link
 * EncoderDecoderBatch} (features: source, decoder input; labels: target then END; masks with
 * padding at the end). Reproducible from the seed: {@link #reset()} replays the same epoch.
 *
 * <p>With a {@link Part} other than ALL, pairs are drawn until their source lies in that part of
 * a {@link HeldOutSplit}, so a TRAINING iterator never yields a held-out source and a HELD_OUT
 * iterator yields nothing else, whatever the seeds.
 *
 * <p>For an exact-match evaluation take the raw pairs with {@link #nextPairs()}, decode each
 * source with the model and compare with {@link SequencePair#target()}.
 *
 * <pre>{@code
 * PairTask task = PairTask.reverse(8, 3, 10);
 * SequencePairIterator train = new SequencePairIterator.Builder(task)
 *         .batchSize(32).batches(200).seed(1).part(Part.TRAINING, 0.1).build();
 * SequencePairIterator test = new SequencePairIterator.Builder(task)
 *         .batchSize(100).batches(5).seed(2).part(Part.HELD_OUT, 0.1).build();
 * graph.fit(train, 10);
 * List<SequencePair> pairs = test.nextPairs();   // sources the model never saw
 * }</pre>
 */
public final class SequencePairIterator extends MultiBatchIterator {

    @Serial
    private static final long serialVersionUID = 1L;

    /** Fewest and most draws tried for one pair of a part before the split is declared too small. */
    private static final long MIN_ATTEMPTS = 100_000;

    private static final long MAX_ATTEMPTS = 10_000_000;

    private final PairTask task;
    private final int batches;
    private final long seed;
    private final Part part;
    private final HeldOutSplit split;
    private final TokenEncoding encoding;
    private Random random;
    private int produced;

    private SequencePairIterator(Builder b) {
        super(b.batchSize);
        this.task = b.task;
        this.batches = b.batches;
        this.seed = b.seed;
        this.part = b.part;
        this.split = b.split;
        this.encoding = b.encoding;
        this.random = new Random(seed);
    }

    /** Builds a {@link SequencePairIterator}. */
    public static final class Builder {
        private final PairTask task;
        private int batchSize = 32;
        private int batches = 100;
        private long seed;
        private Part part = Part.ALL;
        private HeldOutSplit split;
        private TokenEncoding encoding = TokenEncoding.ONE_HOT;

        public Builder(PairTask task) {
            if (task == null) {
                throw new IllegalArgumentException("task must not be null");
            }
            this.task = task;
        }

        /** Pairs per batch (default 32). */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /** Batches per epoch (default 100). */
        public Builder batches(int batches) {
            if (batches < 1) {
                throw new IllegalArgumentException("batches must be at least 1, got " + batches);
            }
            this.batches = batches;
            return this;
        }

        /** Seed of the random draws (default 0). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Draws only from one part of the split that holds out {@code heldOutFraction} of the
         * sources (default: every source).
         */
        public Builder part(Part part, double heldOutFraction) {
            if (part == null) {
                throw new IllegalArgumentException("part must not be null");
            }
            this.split = HeldOutSplit.of(heldOutFraction);
            this.part = part;
            return this;
        }

        /** How the source and decoder input are written (default ONE_HOT); labels are always one-hot. */
        public Builder encoding(TokenEncoding encoding) {
            if (encoding == null) {
                throw new IllegalArgumentException("encoding must not be null");
            }
            this.encoding = encoding;
            return this;
        }

        public SequencePairIterator build() {
            return new SequencePairIterator(this);
        }
    }

    public PairTask task() {
        return task;
    }

    public Alphabet sourceAlphabet() {
        return task.sourceAlphabet();
    }

    public Alphabet targetAlphabet() {
        return task.targetAlphabet();
    }

    public TokenEncoding encoding() {
        return encoding;
    }

    /** The part drawn from. */
    public Part part() {
        return part;
    }

    /** The split, or null for {@link Part#ALL}. */
    public HeldOutSplit split() {
        return split;
    }

    /** The next batch's pairs, raw, instead of its arrays: it counts as one of the epoch's batches. */
    public List<SequencePair> nextPairs() {
        return nextPairs(batch());
    }

    /** As {@link #nextPairs()}, with {@code num} pairs. */
    public List<SequencePair> nextPairs(int num) {
        if (num < 1) {
            throw new IllegalArgumentException("num must be at least 1, got " + num);
        }
        if (!hasNext()) {
            throw new NoSuchElementException("epoch finished after " + batches + " batches: call reset()");
        }
        produced++;
        List<SequencePair> pairs = new ArrayList<>(num);
        for (int i = 0; i < num; i++) {
            pairs.add(drawFromPart());
        }
        return pairs;
    }

    private SequencePair drawFromPart() {
        if (part == Part.ALL) {
            return task.draw(random);
        }
        long attempts = Math.min(MAX_ATTEMPTS, Math.max(MIN_ATTEMPTS, (long) Math.ceil(1000 / split.share(part))));
        for (long a = 0; a < attempts; a++) {
            SequencePair pair = task.draw(random);
            if (split.contains(part, pair.source())) {
                return pair;
            }
        }
        throw new IllegalStateException("drew " + attempts + " pairs of " + task + " and none in the " + part
                + " part of the " + split + ": the task has only " + (long) task.distinctSources()
                + " distinct sources, too few for this split. Use more symbols, longer sequences or more"
                + " digits, or another held-out fraction.");
    }

    /** The arrays of these pairs, in this iterator's encoding (see {@link EncoderDecoderBatch}). */
    public MultiDataSet encode(List<SequencePair> pairs) {
        return EncoderDecoderBatch.of(pairs, task.sourceAlphabet(), task.targetAlphabet(), encoding);
    }

    @Override
    protected MultiDataSet nextBatch(int num) {
        return encode(nextPairs(num));
    }

    @Override
    protected String exhausted() {
        return "epoch finished after " + batches + " batches: call reset()";
    }

    @Override
    public boolean hasNext() {
        return produced < batches;
    }

    @Override
    public void reset() {
        random = new Random(seed);
        produced = 0;
    }
}
