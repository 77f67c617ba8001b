package org.recurrent4j.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

class NestedBracketTextTest {

    private static final int VOCABULARY = 10;

    private final NestedBracketText text = new NestedBracketText(VOCABULARY, 3, 9);

    /**
     * Reading the tokens back with a stack gives exactly the declared constituents (every bracket
     * pair, as a word span), the declared word positions, and a binary tree: n − 1 constituents of
     * two or more words for n words.
     */
    @Test
    void bracketsEncodeTheDeclaredBinaryTree() {
        Random random = new Random(3);
        Set<Integer> lengths = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            NestedBracketText.Sentence s = text.sentence(random);
            int[] tokens = s.tokens();
            assertEquals(NestedBracketText.END, tokens[tokens.length - 1]);
            List<int[]> spans = new ArrayList<>();
            List<Integer> wordPositions = new ArrayList<>();
            Deque<Integer> open = new ArrayDeque<>();
            for (int p = 0; p < tokens.length - 1; p++) {
                switch (tokens[p]) {
                    case NestedBracketText.OPEN -> open.push(wordPositions.size());
                    case NestedBracketText.CLOSE -> spans.add(new int[] {open.pop(), wordPositions.size()});
                    case NestedBracketText.END -> throw new AssertionError("end inside the sentence");
                    default -> wordPositions.add(p);
                }
            }
            assertTrue(open.isEmpty(), "balanced brackets");
            int n = wordPositions.size();
            lengths.add(n);
            assertTrue(n >= 3 && n <= 9, "words " + n);
            assertArrayEquals(wordPositions.stream().mapToInt(Integer::intValue).toArray(), s.words());
            assertEquals(n - 1, s.constituents().size(), "a binary tree over " + n + " words");
            assertEquals(asSet(spans), asSet(s.constituents()));
            assertArrayEquals(new int[] {0, n}, s.constituents().get(0), "the whole sentence first");
        }
        assertEquals(7, lengths.size(), "every length from 3 to 9 occurs");
    }

    /**
     * A word is from the first half of the vocabulary exactly when it begins a constituent of two
     * or more words (the first child of every node begins its parent); every other word (a
     * single-word second child) is from the second half.
     */
    @Test
    void firstWordsOfConstituentsComeFromTheFirstHalf() {
        Random random = new Random(8);
        for (int i = 0; i < 200; i++) {
            NestedBracketText.Sentence s = text.sentence(random);
            Set<Integer> starts = new HashSet<>();
            for (int[] span : s.constituents()) {
                starts.add(span[0]);
            }
            for (int w = 0; w < s.words().length; w++) {
                int word = s.tokens()[s.words()[w]] - 3;
                assertTrue(word >= 0 && word < VOCABULARY);
                boolean firstHalf = word < VOCABULARY / 2;
                assertEquals(starts.contains(w), firstHalf, "word " + w + " of sentence " + i);
            }
        }
    }

    @Test
    void batchIsANextTokenTaskPaddedAtTheEnd() {
        Random random = new Random(5);
        List<NestedBracketText.Sentence> sentences = List.of(text.sentence(random), text.sentence(random));
        DataSet d = text.batch(sentences);
        int steps = Math.max(sentences.get(0).tokens().length, sentences.get(1).tokens().length) - 1;
        assertArrayEquals(new long[] {2, 1, steps}, d.getFeatures().shape());
        assertArrayEquals(new long[] {2, text.tokens(), steps}, d.getLabels().shape());
        for (int b = 0; b < 2; b++) {
            int[] tokens = sentences.get(b).tokens();
            for (int t = 0; t < steps; t++) {
                boolean real = t + 1 < tokens.length;
                assertEquals(real ? 1.0 : 0.0, d.getFeaturesMaskArray().getDouble(b, t));
                assertEquals(real ? 1.0 : 0.0, d.getLabelsMaskArray().getDouble(b, t));
                if (real) {
                    assertEquals(tokens[t], d.getFeatures().getDouble(b, 0, t));
                    assertEquals(1.0, d.getLabels().getDouble(b, tokens[t + 1], t));
                    assertEquals(
                            1.0, d.getLabels().slice(b).getColumn(t).sumNumber().doubleValue());
                }
            }
        }
    }

    @Test
    void textNamesEveryToken() {
        assertEquals(3 + VOCABULARY, text.tokens());
        assertEquals("(", text.text(NestedBracketText.OPEN));
        assertEquals(")", text.text(NestedBracketText.CLOSE));
        assertEquals(".", text.text(NestedBracketText.END));
        assertEquals("w0", text.text(3));
        assertEquals("w9", text.text(3 + VOCABULARY - 1));
    }

    @Test
    void badSettingsAreRejectedWithTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new NestedBracketText(1, 2, 4));
        assertTrue(e.getMessage().contains("got 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new NestedBracketText(10, 1, 4));
        assertTrue(e.getMessage().contains("minWords 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new NestedBracketText(10, 5, 4));
        assertTrue(e.getMessage().contains("maxWords 4"), e.getMessage());
    }

    private static Set<List<Integer>> asSet(List<int[]> spans) {
        Set<List<Integer>> out = new HashSet<>();
        for (int[] s : spans) {
            out.add(List.of(s[0], s[1]));
        }
        return out;
    }
}
