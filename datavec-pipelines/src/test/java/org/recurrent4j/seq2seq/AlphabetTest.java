package org.recurrent4j.seq2seq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class AlphabetTest {

    private static final List<String> ABC = List.of("a", "b", "c");

    @Test
    void targetAlphabetPutsStartAndEndAfterTheSymbols() {
        Alphabet source = Alphabet.of(ABC);
        Alphabet target = Alphabet.withStartAndEnd(ABC);
        assertEquals(3, source.size());
        assertFalse(source.hasStartAndEnd());
        assertEquals(5, target.size());
        assertEquals(3, target.symbolCount());
        assertEquals(3, target.start());
        assertEquals(4, target.end());
        assertEquals(Alphabet.START, target.symbol(3));
        assertEquals(Alphabet.END, target.symbol(4));
        assertEquals(1, target.index("b"));
        assertEquals(ABC, target.symbols());
        IllegalStateException e = assertThrows(IllegalStateException.class, source::start);
        assertTrue(e.getMessage().contains("no START and END"), e.getMessage());
        assertEquals("alphabet [a b c <start> <end>]", target.toString());
    }

    @Test
    void textOfOneCharacterSymbolsIsJoinedAndOfLongerOnesSpaced() {
        Alphabet letters = Alphabet.withStartAndEnd(ABC);
        assertArrayEquals(new int[] {2, 0, 1}, letters.encode("cab"));
        assertEquals("cab", letters.decode(2, 0, 1));
        assertEquals("ca", letters.decode(2, 0, letters.end(), 1), "reading stops at the first END");
        assertEquals("<start>ca", letters.decode(letters.start(), 2, 0));
        assertEquals("", letters.decode());

        Alphabet words = Alphabet.of(List.of("10", "3", "17"));
        assertArrayEquals(new int[] {0, 1, 2}, words.encode("10 3 \t 17\n"));
        assertEquals("10 3 17", words.decode(0, 1, 2));
        assertEquals(0, words.encode("").length);
    }

    @Test
    void unknownSymbolsAndIndicesAreNamed() {
        Alphabet target = Alphabet.withStartAndEnd(ABC);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> target.encode("abx"));
        assertTrue(e.getMessage().contains("symbol 2 \"x\""), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> target.decode(0, 5));
        assertTrue(e.getMessage().contains("token 1 is 5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> target.index("<end>"));
        assertTrue(e.getMessage().contains("\"<end>\""), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> target.array(TokenEncoding.ONE_HOT, 1, -1));
        assertTrue(e.getMessage().contains("token 1 is -1"), e.getMessage());
    }

    @Test
    void badSymbolListsAreRejected() {
        assertMessage(() -> Alphabet.of(List.of()), "at least one symbol");
        assertMessage(() -> Alphabet.of(List.of("a", "b", "a")), "\"a\" appears twice, at 0 and 2");
        assertMessage(() -> Alphabet.of(List.of("a", "")), "symbol 1 is \"\"");
        assertMessage(() -> Alphabet.of(List.of("a b")), "symbol 0 is \"a b\"");
        assertMessage(() -> Alphabet.withStartAndEnd(List.of("x", Alphabet.END)), "symbol 1 is \"<end>\"");
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void arraysOfOneExampleAndOfOneStep() {
        Alphabet target = Alphabet.withStartAndEnd(ABC);
        INDArray oneHot = target.array(TokenEncoding.ONE_HOT, 2, 0, 4);
        assertArrayEquals(new long[] {1, 5, 3}, oneHot.shape());
        assertArrayEquals(new double[] {2, 0, 4}, oneHot.argMax(1).ravel().toDoubleVector(), 0.0);
        assertEquals(3.0, oneHot.sumNumber().doubleValue(), 0.0);
        INDArray indices = target.array(TokenEncoding.INDEX, 2, 0, 4);
        assertArrayEquals(new long[] {1, 1, 3}, indices.shape());
        assertArrayEquals(new double[] {2, 0, 4}, indices.ravel().toDoubleVector(), 0.0);

        INDArray step = target.step(TokenEncoding.ONE_HOT, target.start(), 1);
        assertArrayEquals(new long[] {2, 5, 1}, step.shape());
        assertEquals(1.0, step.getDouble(0, 3, 0), 0.0);
        assertEquals(1.0, step.getDouble(1, 1, 0), 0.0);
        assertEquals(2.0, step.sumNumber().doubleValue(), 0.0);
        assertArrayEquals(
                new double[] {3, 1},
                target.step(TokenEncoding.INDEX, 3, 1).ravel().toDoubleVector(),
                0.0);
    }

    @Test
    void batchPadsAtTheEndAndMasksExactlyTheRealSteps() {
        Alphabet source = Alphabet.of(ABC);
        List<int[]> sequences = List.of(new int[] {1}, new int[] {2, 2, 0}, new int[] {0, 1});
        PaddedSequences padded = source.batch(TokenEncoding.ONE_HOT, sequences);
        assertArrayEquals(new long[] {3, 3, 3}, padded.features().shape());
        assertArrayEquals(
                new double[] {1, 0, 0, 1, 1, 1, 1, 1, 0}, padded.mask().ravel().toDoubleVector(), 0.0);
        for (int b = 0; b < 3; b++) {
            for (int t = 0; t < 3; t++) {
                double column =
                        padded.features().slice(b).getColumn(t).sumNumber().doubleValue();
                assertEquals(t < sequences.get(b).length ? 1.0 : 0.0, column, 0.0, "example " + b + " step " + t);
                if (t < sequences.get(b).length) {
                    assertEquals(1.0, padded.features().getDouble(b, sequences.get(b)[t], t), 0.0);
                }
            }
        }
        PaddedSequences indices = source.batch(TokenEncoding.INDEX, sequences);
        assertArrayEquals(new long[] {3, 1, 3}, indices.features().shape());
        assertArrayEquals(
                new double[] {1, 0, 0, 2, 2, 0, 0, 1, 0},
                indices.features().ravel().toDoubleVector(),
                0.0);

        assertMessage(() -> source.batch(TokenEncoding.INDEX, List.of()), "at least one sequence");
        assertMessage(
                () -> source.batch(TokenEncoding.INDEX, List.of(new int[] {1}, new int[0])),
                "sequence 1 of the batch is empty");
        assertMessage(
                () -> source.batch(TokenEncoding.ONE_HOT, List.of(new int[] {1, 3})),
                "sequence 0 of the batch: token 1 is 3");
    }

    @Test
    void longAlphabetsPrintShortly() {
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            many.add("s" + i);
        }
        String text = Alphabet.withStartAndEnd(many).toString();
        assertTrue(text.startsWith("alphabet [s0 s1 s2") && text.endsWith("(1002 indices)]"), text);
        assertTrue(text.length() < 200, text);
        assertEquals(Alphabet.of(ABC), Alphabet.of(Arrays.asList("a", "b", "c")));
        assertFalse(Alphabet.of(ABC).equals(Alphabet.withStartAndEnd(ABC)));
    }
}
