package org.recurrent4j.text;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Collectors;
import org.datavec.api.split.InputSplit;
import org.datavec.api.writable.IntWritable;
import org.datavec.api.writable.Writable;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.recurrent4j.data.BatchIterator;
import org.recurrent4j.records.IndexedSequenceRecordReader;

/**
 * A DataVec sequence reader for character-level language modelling: the text of one or more UTF-8
 * files, cut into windows of {@code length} characters every {@code stride} characters, each step
 * labelled with the character that follows it.
 *
 * <p>Each sequence has {@code length} steps; a step is {@code [input, label]} with both as
 * character indices of the {@link CharacterVocabulary} ({@link Features#INDEX}, the default: suits
 * an {@code EmbeddingSequenceLayer} and uses little memory), or {@code [v_0 .. v_{V-1}, label]}
 * with the input one-hot ({@link Features#ONE_HOT}). The label is always the last column, so
 * {@code new SequenceRecordReaderDataSetIterator(reader, batch, vocabulary.size(), labelIndex,
 * false)} (label index 1 for INDEX, V for ONE_HOT) gives features {@code [batch, 1 or V, length]}
 * and one-hot labels {@code [batch, V, length]}.
 *
 * <p>Files are read in the order of the split and joined. {@link Part} selects a split by position:
 * the last {@code validationFraction} of the characters is the validation part, the rest the
 * training part, and no window crosses the cut.
 *
 * <p>With {@link Builder#randomOffsets(long)}, each pass gives as many windows as {@code stride =
 * length} would, but each starts at an offset drawn uniformly from the whole part by a generator
 * seeded once: every {@link #reset()} draws new offsets (the generator goes on), so the passes
 * differ and a run is reproducible. That is how a character language model is usually trained.
 *
 * <p>{@link #batches(int)} gives the same sequences as mini-batches built directly from the
 * character indices, without DataVec's writables: for training at full speed, where building a
 * writable per one-hot value would cost more than the step (65 × 100 × 32 values per batch of a
 * char-RNN).
 *
 * <pre>{@code
 * CharacterSequenceRecordReader train = new CharacterSequenceRecordReader.Builder(vocabulary)
 *         .length(100).stride(50).part(Part.TRAINING, 0.1).build();
 * train.initialize(new FileSplit(new File("input.txt")));
 * DataSetIterator it = new SequenceRecordReaderDataSetIterator(train, 32, vocabulary.size(), 1, false);
 *
 * CharacterSequenceRecordReader random = new CharacterSequenceRecordReader.Builder(vocabulary)
 *         .length(100).randomOffsets(42).features(Features.ONE_HOT).part(Part.TRAINING, 0.1).build();
 * random.initialize(text, "input.txt");
 * CharacterSequenceRecordReader.Batches batches = random.batches(32);   // [32, V, 100] one-hot in, one-hot labels
 * }</pre>
 */
public class CharacterSequenceRecordReader extends IndexedSequenceRecordReader {

    private static final long serialVersionUID = 1L;

    /** How a step's input character is written. */
    public enum Features {
        /** One column, the character index. */
        INDEX,
        /** One column per vocabulary character, one-hot. */
        ONE_HOT
    }

    /** Which part of the text, by position. */
    public enum Part {
        ALL,
        TRAINING,
        VALIDATION
    }

    private final CharacterVocabulary vocabulary;
    private final int length;
    private final int stride;
    private final Features features;
    private final Part part;
    private final double validationFraction;
    private final Long offsetSeed;

    private int[] text = new int[0];
    private int windows;
    private Random offsets;
    private int[] starts;

    private CharacterSequenceRecordReader(Builder b) {
        this.vocabulary = b.vocabulary;
        this.length = b.length;
        this.stride = b.stride == 0 ? b.length : b.stride;
        this.features = b.features;
        this.part = b.part;
        this.validationFraction = b.validationFraction;
        this.offsetSeed = b.offsetSeed;
    }

    /** Builds a {@link CharacterSequenceRecordReader}. */
    public static final class Builder {
        private final CharacterVocabulary vocabulary;
        private int length = 100;
        private int stride;
        private Features features = Features.INDEX;
        private Part part = Part.ALL;
        private double validationFraction = 0.1;
        private Long offsetSeed;

        /** @param vocabulary the characters and their indices (build it from the training text) */
        public Builder(CharacterVocabulary vocabulary) {
            this.vocabulary = vocabulary;
        }

        /** Steps per sequence (default 100). */
        public Builder length(int length) {
            if (length < 1) {
                throw new IllegalArgumentException("window length must be at least 1, got " + length);
            }
            this.length = length;
            return this;
        }

        /** Characters between the starts of consecutive windows (default: the length, no overlap). */
        public Builder stride(int stride) {
            if (stride < 1) {
                throw new IllegalArgumentException("stride must be at least 1, got " + stride);
            }
            this.stride = stride;
            return this;
        }

        public Builder features(Features features) {
            this.features = features;
            return this;
        }

        /**
         * Reads only one part of the text.
         *
         * @param validationFraction the share of the text, at its end, that is the validation part
         */
        public Builder part(Part part, double validationFraction) {
            if (!(validationFraction > 0 && validationFraction < 1)) {
                throw new IllegalArgumentException("validation fraction must be in (0, 1), got " + validationFraction);
            }
            this.part = part;
            this.validationFraction = validationFraction;
            return this;
        }

        /**
         * Windows at random offsets, drawn anew at every pass by a generator seeded with {@code
         * seed}, instead of every {@code stride} characters (see the class comment).
         */
        public Builder randomOffsets(long seed) {
            this.offsetSeed = seed;
            return this;
        }

        public CharacterSequenceRecordReader build() {
            if (offsetSeed != null && stride != 0) {
                throw new IllegalStateException("a stride and random offsets exclude each other: give one");
            }
            return new CharacterSequenceRecordReader(this);
        }
    }

    @Override
    public void initialize(InputSplit split) throws IOException {
        List<int[]> pieces = new ArrayList<>();
        int total = 0;
        for (URI uri : split.locations()) {
            String source = source(uri);
            byte[] bytes;
            try (InputStream in = uri.toURL().openStream()) {
                bytes = in.readAllBytes();
            } catch (IOException e) {
                throw new IOException("cannot read " + source + ": " + e.getMessage(), e);
            }
            int[] indices = vocabulary.encode(Utf8Text.decode(bytes, source), source);
            pieces.add(indices);
            total += indices.length;
        }
        int[] all = new int[total];
        int at = 0;
        for (int[] piece : pieces) {
            System.arraycopy(piece, 0, all, at, piece.length);
            at += piece.length;
        }
        load(all, sources(split));
    }

    /**
     * Initializes from a text held in memory, e.g. a corpus embedded in a program.
     *
     * @param source what error messages call it
     */
    public void initialize(String text, String source) throws IOException {
        load(vocabulary.encode(text, source), source);
    }

    private void load(int[] all, String sources) throws IOException {
        int total = all.length;
        int cut = (int) Math.floor(total * (1 - validationFraction));
        text = switch (part) {
            case ALL -> all;
            case TRAINING -> Arrays.copyOfRange(all, 0, cut);
            case VALIDATION -> Arrays.copyOfRange(all, cut, total);
        };
        long needed = (long) length + 1; // long: a window of Integer.MAX_VALUE steps needs 2^31 characters
        if (text.length < needed) {
            String what = part == Part.ALL ? "the text" : "the " + part.name().toLowerCase(Locale.ROOT) + " part";
            throw new IOException(sources + ": " + what + " has "
                    + text.length + " characters, fewer than one window of " + length + " steps needs (" + needed
                    + "): use more text or a shorter window");
        }
        windows = (int) ((text.length - needed) / stride + 1);
        if (offsetSeed != null) {
            offsets = new Random(offsetSeed);
            drawOffsets();
        }
        rewind();
    }

    private void drawOffsets() {
        // every start from 0 to the last that leaves room for the window and its last label
        int bound = text.length - length;
        starts = new int[windows];
        for (int i = 0; i < windows; i++) {
            starts[i] = offsets.nextInt(bound);
        }
    }

    /** Starts the next pass; with random offsets, over newly drawn windows. */
    @Override
    public void reset() {
        super.reset();
        if (offsets != null) {
            drawOffsets();
        }
    }

    /** Where sequence {@code index} of this pass starts in the part. */
    private int start(int index) {
        return starts != null ? starts[index] : index * stride;
    }

    /** A location as errors name it: the path of a file, else the URI. */
    private static String source(URI uri) {
        return "file".equals(uri.getScheme()) ? Path.of(uri).toString() : uri.toString();
    }

    /** The locations of a split, as errors name them. */
    private static String sources(InputSplit split) {
        URI[] locations = split.locations();
        if (locations.length == 1) {
            return source(locations[0]);
        }
        return Arrays.stream(locations)
                .map(CharacterSequenceRecordReader::source)
                .collect(Collectors.joining(" + "));
    }

    /** The number of sequences this reader gives per pass. */
    public int windows() {
        return windows;
    }

    @Override
    public int sequences() {
        return windows;
    }

    /**
     * The sequence starting at character {@code index · stride} of the part, or at the {@code
     * index}-th random offset of this pass.
     */
    @Override
    public List<List<Writable>> sequence(int index) {
        checkIndex(index);
        int start = start(index);
        List<List<Writable>> steps = new ArrayList<>(length);
        for (int t = 0; t < length; t++) {
            List<Writable> step = new ArrayList<>(features == Features.INDEX ? 2 : vocabulary.size() + 1);
            int input = text[start + t];
            if (features == Features.INDEX) {
                step.add(new IntWritable(input));
            } else {
                for (int v = 0; v < vocabulary.size(); v++) {
                    step.add(new IntWritable(v == input ? 1 : 0));
                }
            }
            step.add(new IntWritable(text[start + t + 1]));
            steps.add(step);
        }
        return steps;
    }

    /**
     * This reader's sequences as mini-batches built directly from the character indices (see the
     * class comment), in the reader's order; a pass ends after the reader's last window.
     *
     * <p>Shapes: features {@code [n, V, length]} one-hot ({@link Features#ONE_HOT}) or {@code [n, 1,
     * length]} indices ({@link Features#INDEX}), labels {@code [n, V, length]} one-hot, float; n the
     * batch size, or fewer for the last batch of a pass.
     */
    public Batches batches(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        if (windows == 0) {
            throw new IllegalStateException("initialize the reader first");
        }
        return new Batches(this, batchSize);
    }

    /** Mini-batches of a {@link CharacterSequenceRecordReader}'s sequences; see {@link #batches(int)}. */
    public static final class Batches extends BatchIterator {

        private static final long serialVersionUID = 1L;

        private final CharacterSequenceRecordReader reader;
        private int cursor;

        private Batches(CharacterSequenceRecordReader reader, int batchSize) {
            super(batchSize);
            this.reader = reader;
        }

        /** Characters a full batch reads: its windows times their length (a unit for throughput). */
        public long charactersPerBatch() {
            return (long) batch() * reader.length;
        }

        /**
         * The next batch of this pass or, when the pass is done, the first of the next (new random
         * offsets): a stream that never ends, for training by steps rather than passes.
         */
        public DataSet nextContinuing() {
            if (!hasNext()) {
                reset();
            }
            return next();
        }

        /**
         * Moves past {@code count} batches of {@link #nextContinuing()} without building them (the
         * offsets are drawn as they would be): where a resumed run takes up the data.
         */
        public void skipContinuing(long count) {
            for (long i = 0; i < count; i++) {
                if (!hasNext()) {
                    reset();
                }
                cursor += Math.min(batch(), reader.windows - cursor);
            }
        }

        @Override
        protected String exhausted() {
            return "all " + reader.windows + " windows of this pass were given: call reset()";
        }

        @Override
        protected DataSet nextBatch(int num) {
            int n = Math.min(num, reader.windows - cursor);
            int length = reader.length;
            int v = reader.vocabulary.size();
            boolean oneHot = reader.features == Features.ONE_HOT;
            float[] features = new float[n * (oneHot ? v : 1) * length];
            float[] labels = new float[n * v * length];
            for (int b = 0; b < n; b++) {
                int start = reader.start(cursor + b);
                for (int t = 0; t < length; t++) {
                    int input = reader.text[start + t];
                    if (oneHot) {
                        features[(b * v + input) * length + t] = 1f;
                    } else {
                        features[b * length + t] = input;
                    }
                    labels[(b * v + reader.text[start + t + 1]) * length + t] = 1f;
                }
            }
            cursor += n;
            return new DataSet(
                    Nd4j.create(features, new long[] {n, oneHot ? v : 1, length}, 'c'),
                    Nd4j.create(labels, new long[] {n, v, length}, 'c'));
        }

        @Override
        public boolean hasNext() {
            return cursor < reader.windows;
        }

        /** Starts the next pass of the reader (with random offsets: over newly drawn windows). */
        @Override
        public void reset() {
            reader.reset();
            cursor = 0;
        }

        @Override
        public int inputColumns() {
            return reader.features == Features.ONE_HOT ? reader.vocabulary.size() : 1;
        }

        @Override
        public int totalOutcomes() {
            return reader.vocabulary.size();
        }

        /** Not asynchronously: a pass's random windows are drawn in order, and a reset must not race a prefetch. */
        @Override
        public boolean asyncSupported() {
            return false;
        }
    }
}
