package org.recurrent4j.text;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.datavec.api.split.InputSplit;
import org.datavec.api.writable.IntWritable;
import org.datavec.api.writable.Writable;
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
 * <pre>{@code
 * CharacterSequenceRecordReader train = new CharacterSequenceRecordReader.Builder(vocabulary)
 *         .length(100).stride(50).part(Part.TRAINING, 0.1).build();
 * train.initialize(new FileSplit(new File("input.txt")));
 * DataSetIterator it = new SequenceRecordReaderDataSetIterator(train, 32, vocabulary.size(), 1, false);
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

    private int[] text = new int[0];
    private int windows;

    private CharacterSequenceRecordReader(Builder b) {
        this.vocabulary = b.vocabulary;
        this.length = b.length;
        this.stride = b.stride == 0 ? b.length : b.stride;
        this.features = b.features;
        this.part = b.part;
        this.validationFraction = b.validationFraction;
    }

    /** Builds a {@link CharacterSequenceRecordReader}. */
    public static final class Builder {
        private final CharacterVocabulary vocabulary;
        private int length = 100;
        private int stride;
        private Features features = Features.INDEX;
        private Part part = Part.ALL;
        private double validationFraction = 0.1;

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

        public CharacterSequenceRecordReader build() {
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
        int cut = (int) Math.floor(total * (1 - validationFraction));
        text = switch (part) {
            case ALL -> all;
            case TRAINING -> Arrays.copyOfRange(all, 0, cut);
            case VALIDATION -> Arrays.copyOfRange(all, cut, total);
        };
        long needed = (long) length + 1; // long: a window of Integer.MAX_VALUE steps needs 2^31 characters
        if (text.length < needed) {
            String what = part == Part.ALL ? "the text" : "the " + part.name().toLowerCase(Locale.ROOT) + " part";
            throw new IOException(sources(split) + ": " + what + " has "
                    + text.length + " characters, fewer than one window of " + length + " steps needs (" + needed
                    + "): use more text or a shorter window");
        }
        windows = (int) ((text.length - needed) / stride + 1);
        rewind();
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

    /** The sequence starting at character {@code index · stride} of the part. */
    @Override
    public List<List<Writable>> sequence(int index) {
        checkIndex(index);
        int start = index * stride;
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
}
