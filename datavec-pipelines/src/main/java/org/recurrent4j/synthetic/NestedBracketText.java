package org.recurrent4j.synthetic;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Text with nested brackets, for language models whose hidden structure can be compared with the
 * true one (the ON-LSTM tree-induction demo): each sentence is a random binary tree over {@code n}
 * words, written with a bracket pair around every constituent of two or more words, then an end
 * token:
 *
 * <pre>
 *   ( ( w3 w7 ) ( w1 ( w0 w5 ) ) ) .
 * </pre>
 *
 * <p>Tokens: {@code 0 = "("}, {@code 1 = ")"}, {@code 2 = "."}, then the words {@code w0 …
 * w(V−1)}. Words are drawn so that structure is predictable from them: a constituent's first word
 * comes from the first half of the vocabulary and every other word from the second half, so a
 * model can tell from a word whether a constituent just opened. As a language-model task ({@link
 * #batch}): features are token indices {@code [B, 1, T]}, labels the next token one-hot {@code [B,
 * tokens, T]}, with masks for sentences shorter than the batch's longest (padding at the end).
 *
 * <pre>{@code
 * NestedBracketText text = new NestedBracketText(10, 4, 12);
 * Sentence s = text.sentence(new Random(1));
 * s.words();          // the words' token indices, without brackets
 * s.constituents();   // their true spans over the words, e.g. [0,2) [2,5) [3,5)
 * }</pre>
 */
public final class NestedBracketText {

    /** Token index of the opening bracket. */
    public static final int OPEN = 0;
    /** Token index of the closing bracket. */
    public static final int CLOSE = 1;
    /** Token index of the end of a sentence. */
    public static final int END = 2;

    private static final int FIRST_WORD = 3;

    /**
     * One generated sentence.
     *
     * @param tokens every token, brackets and end included
     * @param words the positions in {@code tokens} of the words, in order
     * @param constituents the true constituents as word spans {@code [start, end)}, of two or more
     *     words, the whole sentence first
     */
    public record Sentence(int[] tokens, int[] words, List<int[]> constituents) {}

    private final int vocabulary;
    private final int minWords;
    private final int maxWords;

    /**
     * @param vocabulary words {@code V ≥ 2}
     * @param minWords fewest words in a sentence, at least 2
     * @param maxWords most words in a sentence
     */
    public NestedBracketText(int vocabulary, int minWords, int maxWords) {
        if (vocabulary < 2) {
            throw new IllegalArgumentException("vocabulary must be at least 2 words, got " + vocabulary);
        }
        if (minWords < 2 || maxWords < minWords) {
            throw new IllegalArgumentException(
                    "need 2 <= minWords <= maxWords, got minWords " + minWords + ", maxWords " + maxWords);
        }
        this.vocabulary = vocabulary;
        this.minWords = minWords;
        this.maxWords = maxWords;
    }

    /** Tokens in all: the two brackets, the end and the words. */
    public int tokens() {
        return FIRST_WORD + vocabulary;
    }

    /** The text of a token. */
    public String text(int token) {
        return switch (token) {
            case OPEN -> "(";
            case CLOSE -> ")";
            case END -> ".";
            default -> "w" + (token - FIRST_WORD);
        };
    }

    /** A random sentence: a tree of uniform random splits over a uniform number of words. */
    public Sentence sentence(Random random) {
        int n = minWords + random.nextInt(maxWords - minWords + 1);
        List<Integer> tokens = new ArrayList<>();
        List<Integer> wordPositions = new ArrayList<>();
        List<int[]> constituents = new ArrayList<>();
        write(0, n, true, random, tokens, wordPositions, constituents);
        tokens.add(END);
        return new Sentence(
                tokens.stream().mapToInt(Integer::intValue).toArray(),
                wordPositions.stream().mapToInt(Integer::intValue).toArray(),
                Collections.unmodifiableList(constituents));
    }

    private void write(
            int start,
            int end,
            boolean first,
            Random random,
            List<Integer> tokens,
            List<Integer> words,
            List<int[]> constituents) {
        if (end - start == 1) {
            int half = vocabulary / 2;
            int word = first ? random.nextInt(half) : half + random.nextInt(vocabulary - half);
            words.add(tokens.size());
            tokens.add(FIRST_WORD + word);
            return;
        }
        constituents.add(new int[] {start, end});
        tokens.add(OPEN);
        int split = start + 1 + random.nextInt(end - start - 1);
        write(start, split, true, random, tokens, words, constituents);
        write(split, end, false, random, tokens, words, constituents);
        tokens.add(CLOSE);
    }

    /**
     * A language-model batch of these sentences: features token indices {@code [B, 1, T]}, labels
     * the next token one-hot {@code [B, tokens(), T]}, feature and label masks {@code [B, T]}, T the
     * longest sentence's length minus one.
     */
    public DataSet batch(List<Sentence> sentences) {
        int steps =
                sentences.stream().mapToInt(s -> s.tokens().length - 1).max().orElse(1);
        int b = sentences.size();
        INDArray features = Nd4j.zeros(DataType.FLOAT, b, 1, steps);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, b, tokens(), steps);
        INDArray mask = Nd4j.zeros(DataType.FLOAT, b, steps);
        for (int i = 0; i < b; i++) {
            int[] t = sentences.get(i).tokens();
            for (int s = 0; s + 1 < t.length; s++) {
                features.putScalar(i, 0, s, t[s]);
                labels.putScalar(i, t[s + 1], s, 1f);
                mask.putScalar(i, s, 1f);
            }
        }
        return new DataSet(features, labels, mask, mask);
    }
}
