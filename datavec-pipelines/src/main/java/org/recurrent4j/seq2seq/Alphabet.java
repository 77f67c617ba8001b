package org.recurrent4j.seq2seq;

import java.io.Serial;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The symbols of one side of a sequence-to-sequence task and their indices: a source alphabet holds
 * the task's symbols; a target alphabet holds them plus the markers START and END, which a decoder
 * reads first and writes last.
 *
 * <p>Indices: the task's symbols are {@code 0 .. symbolCount()-1} in the order given; a target
 * alphabet adds {@link #start()} = {@code symbolCount()} and {@link #end()} = {@code symbolCount()+1},
 * so {@link #size()} is {@code symbolCount() + 2}. The markers print as {@value #START} and {@value
 * #END}.
 *
 * <p>Text: when every symbol is one character the text of a sequence is its symbols written
 * together ({@code "123+45"}); otherwise they are separated by single spaces ({@code "10 3 17"}).
 *
 * <p>Arrays are {@code float} and follow a {@link TokenEncoding}: one-hot {@code [batch, size(),
 * steps]} or indices {@code [batch, 1, steps]}. A step-by-step decoder uses them like this:
 *
 * <pre>{@code
 * Alphabet target = task.targetAlphabet();
 * INDArray input = target.step(TokenEncoding.ONE_HOT, target.start(), target.start());  // [2, V, 1]
 * // ... run one step, take the argmax of each row as the next input, stop at target.end() ...
 * String answer = target.decode(tokens);   // the symbols before the first END
 * }</pre>
 */
public final class Alphabet implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    /** How the START marker prints. */
    public static final String START = "<start>";

    /** How the END marker prints. */
    public static final String END = "<end>";

    private final List<String> symbols;
    private final boolean startAndEnd;
    private final boolean singleCharacters;
    private final Map<String, Integer> indexOf = new HashMap<>();

    private Alphabet(List<String> symbols, boolean startAndEnd) {
        if (symbols.isEmpty()) {
            throw new IllegalArgumentException("an alphabet needs at least one symbol, got none");
        }
        boolean single = true;
        for (int i = 0; i < symbols.size(); i++) {
            String s = symbols.get(i);
            if (s == null || s.isEmpty() || s.codePoints().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("symbol " + i + " is " + (s == null ? "null" : "\"" + s + "\"")
                        + ": a symbol must be non-empty text without white space");
            }
            if (s.equals(START) || s.equals(END)) {
                throw new IllegalArgumentException("symbol " + i + " is \"" + s + "\", the name of a marker");
            }
            if (indexOf.putIfAbsent(s, i) != null) {
                throw new IllegalArgumentException(
                        "symbol \"" + s + "\" appears twice, at " + indexOf.get(s) + " and " + i);
            }
            single &= s.codePointCount(0, s.length()) == 1;
        }
        this.symbols = List.copyOf(symbols);
        this.startAndEnd = startAndEnd;
        this.singleCharacters = single;
    }

    /** A source alphabet: exactly these symbols, in this order. */
    public static Alphabet of(List<String> symbols) {
        return new Alphabet(symbols, false);
    }

    /** A target alphabet: these symbols, then START and END. */
    public static Alphabet withStartAndEnd(List<String> symbols) {
        return new Alphabet(symbols, true);
    }

    /** Number of indices, markers included: the width of a one-hot array. */
    public int size() {
        return symbols.size() + (startAndEnd ? 2 : 0);
    }

    /** Number of the task's symbols, markers excluded. */
    public int symbolCount() {
        return symbols.size();
    }

    /** The task's symbols in index order, markers excluded. */
    public List<String> symbols() {
        return symbols;
    }

    /** Whether this alphabet has START and END (a target alphabet). */
    public boolean hasStartAndEnd() {
        return startAndEnd;
    }

    /** Index of START, the decoder's first input. */
    public int start() {
        requireMarkers();
        return symbols.size();
    }

    /** Index of END, which the decoder writes after the last symbol. */
    public int end() {
        requireMarkers();
        return symbols.size() + 1;
    }

    private void requireMarkers() {
        if (!startAndEnd) {
            throw new IllegalStateException(
                    "this alphabet has no START and END markers (it is a source alphabet): " + this);
        }
    }

    /** Width of an array in this encoding: {@link #size()} for one-hot, 1 for indices. */
    public int columns(TokenEncoding encoding) {
        return encoding == TokenEncoding.ONE_HOT ? size() : 1;
    }

    /** The index of one of the task's symbols; an unknown symbol is an {@link IllegalArgumentException}. */
    public int index(String symbol) {
        Integer i = indexOf.get(symbol);
        if (i == null) {
            throw new IllegalArgumentException("symbol \"" + symbol + "\" is not in " + this);
        }
        return i;
    }

    /** The symbol at an index; START and END print as {@value #START} and {@value #END}. */
    public String symbol(int index) {
        checkIndex(index, "index");
        if (index < symbols.size()) {
            return symbols.get(index);
        }
        return index == symbols.size() ? START : END;
    }

    /**
     * The indices of the symbols in {@code text} (see the class comment for how text is written).
     *
     * @throws IllegalArgumentException naming the offset and the symbol, for one not in the alphabet
     */
    public int[] encode(String text) {
        List<String> parts = new ArrayList<>();
        if (singleCharacters) {
            text.codePoints().forEach(c -> parts.add(new String(Character.toChars(c))));
        } else if (!text.isBlank()) {
            parts.addAll(List.of(text.strip().split("\\s+")));
        }
        int[] indices = new int[parts.size()];
        for (int i = 0; i < indices.length; i++) {
            Integer index = indexOf.get(parts.get(i));
            if (index == null) {
                throw new IllegalArgumentException(
                        "\"" + text + "\": symbol " + i + " \"" + parts.get(i) + "\" is not in " + this);
            }
            indices[i] = index;
        }
        return indices;
    }

    /**
     * The text of a token sequence, up to (without) the first END: what a decoder's output means.
     * START, if present, prints as {@value #START}.
     */
    public String decode(int... indices) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < indices.length; i++) {
            checkIndex(indices[i], "token " + i);
            if (startAndEnd && indices[i] == end()) {
                break;
            }
            if (!singleCharacters && !text.isEmpty()) {
                text.append(' ');
            }
            text.append(symbol(indices[i]));
        }
        return text.toString();
    }

    /** One example's token sequence as an array {@code [1, columns, tokens.length]}. */
    public INDArray array(TokenEncoding encoding, int... tokens) {
        INDArray array = Nd4j.zeros(DataType.FLOAT, 1, columns(encoding), tokens.length);
        write(array, 0, tokens, encoding);
        return array;
    }

    /**
     * One step for a whole batch, {@code [tokenOfEachExample.length, columns, 1]}: the input of a
     * decoder that feeds its outputs back one step at a time.
     */
    public INDArray step(TokenEncoding encoding, int... tokenOfEachExample) {
        INDArray array = Nd4j.zeros(DataType.FLOAT, tokenOfEachExample.length, columns(encoding), 1);
        for (int b = 0; b < tokenOfEachExample.length; b++) {
            write(array, b, new int[] {tokenOfEachExample[b]}, encoding);
        }
        return array;
    }

    /**
     * Sequences of different lengths as one batch: {@code [sequences.size(), columns, L]} with
     * {@code L} the longest length, each sequence from step 0 and zeros after its end, with the mask
     * {@code [sequences.size(), L]} (1 on real steps, 0 on padding).
     *
     * @throws IllegalArgumentException for no sequences, an empty sequence, or an index outside the
     *     alphabet, naming the sequence
     */
    public PaddedSequences batch(TokenEncoding encoding, List<int[]> sequences) {
        if (sequences.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one sequence, got none");
        }
        int longest = 0;
        for (int b = 0; b < sequences.size(); b++) {
            if (sequences.get(b).length == 0) {
                throw new IllegalArgumentException(
                        "sequence " + b + " of the batch is empty: every example needs at least one step");
            }
            longest = Math.max(longest, sequences.get(b).length);
        }
        INDArray features = Nd4j.zeros(DataType.FLOAT, sequences.size(), columns(encoding), longest);
        INDArray mask = Nd4j.zeros(DataType.FLOAT, sequences.size(), longest);
        for (int b = 0; b < sequences.size(); b++) {
            int[] tokens = sequences.get(b);
            try {
                write(features, b, tokens, encoding);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("sequence " + b + " of the batch: " + e.getMessage(), e);
            }
            for (int t = 0; t < tokens.length; t++) {
                mask.putScalar(b, t, 1.0);
            }
        }
        return new PaddedSequences(features, mask);
    }

    private void write(INDArray array, int example, int[] tokens, TokenEncoding encoding) {
        for (int t = 0; t < tokens.length; t++) {
            checkIndex(tokens[t], "token " + t);
            if (encoding == TokenEncoding.ONE_HOT) {
                array.putScalar(example, tokens[t], t, 1.0);
            } else {
                array.putScalar(example, 0, t, tokens[t]);
            }
        }
    }

    private void checkIndex(int index, String what) {
        if (index < 0 || index >= size()) {
            throw new IllegalArgumentException(
                    what + " is " + index + ", outside the " + size() + " indices [0, " + size() + ") of " + this);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Alphabet other && startAndEnd == other.startAndEnd && symbols.equals(other.symbols);
    }

    @Override
    public int hashCode() {
        return symbols.hashCode() * 2 + (startAndEnd ? 1 : 0);
    }

    /**
     * For example {@code alphabet [0 1 2 3 4 5 6 7 8 9 <start> <end>]}; a long one shows its first
     * symbols and its size.
     */
    @Override
    public String toString() {
        int shown = size() <= 24 ? size() : 20;
        StringBuilder s = new StringBuilder("alphabet [");
        for (int i = 0; i < shown; i++) {
            s.append(i == 0 ? "" : " ").append(symbol(i));
        }
        if (shown < size()) {
            s.append(" ... (").append(size()).append(" indices)");
        }
        return s.append(']').toString();
    }
}
