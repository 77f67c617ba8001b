package org.recurrent4j.text;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import org.datavec.api.split.InputSplit;
import org.datavec.api.writable.IntWritable;
import org.datavec.api.writable.Writable;
import org.deeplearning4j.datasets.datavec.SequenceRecordReaderDataSetIterator;
import org.deeplearning4j.datasets.datavec.SequenceRecordReaderDataSetIterator.AlignmentMode;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.recurrent4j.records.IndexedSequenceRecordReader;

/**
 * A DataVec sequence reader for text classification: each example of a {@link LabelledTextFiles}
 * corpus becomes a sequence of token indices of a {@link WordVocabulary}, one step {@code [index]}
 * per token, cut to at most {@code maxLength} tokens (keeping the head or the tail of the text).
 *
 * <p>The label is one sequence of one step, {@code [label index]}, from the companion reader
 * {@link #labelReader()}. Given both to DataVec's iterator with {@link AlignmentMode#ALIGN_END}, a
 * batch of examples of different lengths becomes
 * <ul>
 *   <li>features {@code [B, 1, T]} (T the longest example of the batch), padded at the end, with
 *       a features mask {@code [B, T]} that is 1 on the real tokens;
 *   <li>labels {@code [B, C, T]} one-hot at each example's <em>last real token</em>, with a labels
 *       mask {@code [B, T]} that is 1 only there —
 * </ul>
 * which is what an N→1 classifier ({@code EmbeddingSequenceLayer} → recurrent layer → {@code
 * RnnOutputLayer}) needs: the loss sees each example's label once, after its last token. {@link
 * #iterator(int)} builds that iterator.
 *
 * <p>A text with no tokens is an error naming where it was read, unless the corpus skips empty
 * examples; {@link #skipped()} counts those and {@link #truncated()} the texts that were cut.
 *
 * <pre>{@code
 * LabelledTextFiles sst2 = LabelledTextFiles.tsv().header(true).labels("0", "1").build();
 * WordVocabulary vocabulary = WordVocabulary.builder(Tokenizer.standard()).minCount(2)
 *         .build(sst2.read(trainFile).stream().map(LabelledText::text).toList());
 * LabelledTextRecordReader reader = new LabelledTextRecordReader.Builder(sst2, vocabulary)
 *         .maxLength(60).truncation(Truncation.KEEP_HEAD).shuffle(42).build();
 * reader.initialize(new FileSplit(trainFile.toFile()));
 * DataSetIterator train = reader.iterator(32);
 * }</pre>
 */
public class LabelledTextRecordReader extends IndexedSequenceRecordReader {

    private static final long serialVersionUID = 1L;

    /** Which part of a text longer than {@code maxLength} tokens is kept. */
    public enum Truncation {
        /** The first {@code maxLength} tokens. */
        KEEP_HEAD,
        /** The last {@code maxLength} tokens (reviews often conclude at the end). */
        KEEP_TAIL
    }

    /** The encoded examples, shared with the {@link #labelReader()}. */
    private static final class Examples {
        int[][] tokens = new int[0][];
        int[] labels = new int[0];
        String[] sources = new String[0];
    }

    private final LabelledTextFiles files;
    private final WordVocabulary vocabulary;
    private final int maxLength;
    private final Truncation truncation;
    private final Long shuffleSeed;
    private final Examples examples = new Examples();
    private long skipped;
    private long truncated;

    private LabelledTextRecordReader(Builder b) {
        this.files = b.files;
        this.vocabulary = b.vocabulary;
        this.maxLength = b.maxLength;
        this.truncation = b.truncation;
        this.shuffleSeed = b.shuffleSeed;
    }

    /** Builds a {@link LabelledTextRecordReader}. */
    public static final class Builder {
        private final LabelledTextFiles files;
        private final WordVocabulary vocabulary;
        private int maxLength = Integer.MAX_VALUE;
        private Truncation truncation = Truncation.KEEP_HEAD;
        private Long shuffleSeed;

        /**
         * @param files how the corpus is laid out and its labels
         * @param vocabulary the words and the tokenizer (build it from the training texts)
         */
        public Builder(LabelledTextFiles files, WordVocabulary vocabulary) {
            this.files = Objects.requireNonNull(files, "files");
            this.vocabulary = Objects.requireNonNull(vocabulary, "vocabulary");
        }

        /** At most this many tokens per sequence (default: no limit). */
        public Builder maxLength(int maxLength) {
            if (maxLength < 1) {
                throw new IllegalArgumentException("maximum length must be at least 1 token, got " + maxLength);
            }
            this.maxLength = maxLength;
            return this;
        }

        /** Which part of a longer text to keep (default {@link Truncation#KEEP_HEAD}). */
        public Builder truncation(Truncation truncation) {
            this.truncation = Objects.requireNonNull(truncation, "truncation");
            return this;
        }

        /**
         * Shuffles the examples once, reproducibly, after reading (default: file order) — needed for
         * corpora stored by label, such as IMDB's folders, so that batches mix the labels.
         */
        public Builder shuffle(long seed) {
            this.shuffleSeed = seed;
            return this;
        }

        public LabelledTextRecordReader build() {
            return new LabelledTextRecordReader(this);
        }
    }

    @Override
    public void initialize(InputSplit split) throws IOException {
        long skippedBefore = files.skipped();
        setExamples(files.read(split), files.skipped() - skippedBefore);
    }

    /** Initializes from examples read already, e.g. by {@link LabelledTextFiles#readFolders}. */
    public void initialize(List<LabelledText> texts) throws IOException {
        setExamples(texts, 0);
    }

    private void setExamples(List<LabelledText> texts, long skippedByFiles) throws IOException {
        List<LabelledText> order = new ArrayList<>(texts);
        if (shuffleSeed != null) {
            Collections.shuffle(order, new Random(shuffleSeed));
        }
        List<int[]> tokens = new ArrayList<>(order.size());
        List<LabelledText> kept = new ArrayList<>(order.size());
        skipped = skippedByFiles;
        truncated = 0;
        for (LabelledText example : order) {
            if (example.label() < 0 || example.label() >= files.labels().size()) {
                throw new IOException(example.source() + ": label index " + example.label() + " outside [0, "
                        + files.labels().size() + ")");
            }
            int[] encoded = vocabulary.encode(example.text());
            if (encoded.length == 0) {
                if (files.skipsEmpty()) {
                    skipped++;
                    continue;
                }
                throw new IOException(example.source() + ": the text has no tokens for " + vocabulary.tokenizer()
                        + " (skipEmpty(true) on the LabelledTextFiles skips and counts such examples)");
            }
            if (encoded.length > maxLength) {
                truncated++;
                int from = truncation == Truncation.KEEP_HEAD ? 0 : encoded.length - maxLength;
                encoded = Arrays.copyOfRange(encoded, from, from + maxLength);
            }
            tokens.add(encoded);
            kept.add(example);
        }
        if (kept.isEmpty()) {
            throw new IOException("no examples to read (" + skipped + " skipped as empty)");
        }
        examples.tokens = tokens.toArray(new int[0][]);
        examples.labels = kept.stream().mapToInt(LabelledText::label).toArray();
        examples.sources = kept.stream().map(LabelledText::source).toArray(String[]::new);
        rewind();
    }

    @Override
    public int sequences() {
        return examples.tokens.length;
    }

    /** The token indices of example {@code index}, one step {@code [token]} each. */
    @Override
    public List<List<Writable>> sequence(int index) {
        checkIndex(index);
        int[] tokens = examples.tokens[index];
        List<List<Writable>> steps = new ArrayList<>(tokens.length);
        for (int token : tokens) {
            steps.add(List.of(new IntWritable(token)));
        }
        return steps;
    }

    /** The label index of example {@code index}. */
    public int label(int index) {
        checkIndex(index);
        return examples.labels[index];
    }

    /** Where example {@code index} was read ({@code file:line} or the file). */
    public String source(int index) {
        checkIndex(index);
        return examples.sources[index];
    }

    /**
     * A reader of the labels, in step with this one: each sequence is one step {@code [label
     * index]}. It sees the examples of this reader's last initialization; it has its own position.
     */
    public IndexedSequenceRecordReader labelReader() {
        return new LabelReader(this);
    }

    /**
     * DataVec's iterator over this reader and its {@link #labelReader()} with {@link
     * AlignmentMode#ALIGN_END}: features {@code [B, 1, T]}, labels {@code [B, C, T]} at each
     * example's last token, masks for both.
     *
     * <p>As with any DataVec reader, iterators over one reader share its position: use one at a
     * time, and initialize a second reader for a second data set. The iterator starts at the first
     * example.
     */
    public DataSetIterator iterator(int batchSize) {
        reset();
        return new SequenceRecordReaderDataSetIterator(
                this, labelReader(), batchSize, files.labels().size(), false, AlignmentMode.ALIGN_END);
    }

    @Override
    public List<String> getLabels() {
        return files.labels();
    }

    /** The vocabulary's size: the input size of the embedding layer. */
    public int vocabularySize() {
        return vocabulary.size();
    }

    /** Examples skipped as empty in the last initialization (only if the corpus skips empty ones). */
    public long skipped() {
        return skipped;
    }

    /** Examples cut to {@code maxLength} tokens in the last initialization. */
    public long truncated() {
        return truncated;
    }

    private static final class LabelReader extends IndexedSequenceRecordReader {
        private static final long serialVersionUID = 1L;
        private final LabelledTextRecordReader tokens;

        LabelReader(LabelledTextRecordReader tokens) {
            this.tokens = tokens;
        }

        @Override
        public void initialize(InputSplit split) {
            throw new UnsupportedOperationException(
                    "the label reader follows its LabelledTextRecordReader: initialize that one");
        }

        @Override
        public int sequences() {
            return tokens.sequences();
        }

        @Override
        public List<List<Writable>> sequence(int index) {
            return List.of(List.of(new IntWritable(tokens.label(index))));
        }

        @Override
        public List<String> getLabels() {
            return tokens.getLabels();
        }
    }
}
