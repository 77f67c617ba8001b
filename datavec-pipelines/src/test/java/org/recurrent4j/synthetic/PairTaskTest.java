package org.recurrent4j.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.recurrent4j.seq2seq.Alphabet;
import org.recurrent4j.seq2seq.SequencePair;

class PairTaskTest {

    @Test
    void reversalTargetsAreTheSourcesReversedWithUniformLengthsAndSymbols() {
        PairTask task = PairTask.reverse(5, 2, 6);
        Random random = new Random(3);
        int[] lengthCounts = new int[7];
        int[] symbolCounts = new int[5];
        for (int i = 0; i < 2000; i++) {
            SequencePair pair = task.draw(random);
            int[] x = pair.source();
            int[] y = pair.target();
            assertEquals(x.length, y.length);
            lengthCounts[x.length]++;
            for (int t = 0; t < x.length; t++) {
                assertEquals(x[t], y[x.length - 1 - t], pair.toString());
                symbolCounts[x[t]]++;
            }
        }
        assertEquals(0, lengthCounts[0] + lengthCounts[1]);
        for (int length = 2; length <= 6; length++) {
            assertTrue(Math.abs(lengthCounts[length] - 400) < 80, "length " + length + ": " + lengthCounts[length]);
        }
        int total = Arrays.stream(symbolCounts).sum();
        for (int count : symbolCounts) {
            assertTrue(Math.abs(count - total / 5.0) < total * 0.03, "symbol counts " + Arrays.toString(symbolCounts));
        }
        assertEquals(List.of("0", "1", "2", "3", "4"), task.sourceAlphabet().symbols());
        assertEquals(7, task.targetAlphabet().size());
        assertEquals(6, task.maxSourceLength());
        assertEquals(6, task.maxTargetLength());
        assertEquals(25 + 125 + 625 + 3125 + 15625, task.distinctSources(), 0.0);
        assertArrayEquals(new int[] {4, 0, 3, 1}, task.answer(new int[] {1, 3, 0, 4}), "any length is answered");
    }

    @Test
    void copyTargetsAreTheSources() {
        PairTask task = PairTask.copy(3, 1, 4);
        Random random = new Random(4);
        for (int i = 0; i < 500; i++) {
            SequencePair pair = task.draw(random);
            assertArrayEquals(pair.source(), pair.target());
            assertTrue(pair.sourceLength() >= 1 && pair.sourceLength() <= 4);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> task.answer(new int[] {0, 3}));
        assertTrue(e.getMessage().contains("source token 1 is 3"), e.getMessage());
    }

    @Test
    void additionTargetsAreTheTrueSumsOfOperandsWithoutLeadingZeros() {
        for (int digits : new int[] {1, 3, 9}) {
            PairTask task = PairTask.addition(digits);
            Alphabet source = task.sourceAlphabet();
            Alphabet target = task.targetAlphabet();
            Random random = new Random(digits);
            Set<Integer> operandLengths = new HashSet<>();
            for (int i = 0; i < 3000; i++) {
                SequencePair pair = task.draw(random);
                String text = source.decode(pair.source());
                String[] operands = text.split("\\+", -1);
                assertEquals(2, operands.length, text);
                for (String operand : operands) {
                    assertTrue(operand.length() >= 1 && operand.length() <= digits, text);
                    assertTrue(operand.length() == 1 || operand.charAt(0) != '0', "leading zero in " + text);
                    operandLengths.add(operand.length());
                }
                long sum = Long.parseLong(operands[0]) + Long.parseLong(operands[1]);
                assertEquals(Long.toString(sum), target.decode(pair.target()), text);
                assertTrue(pair.sourceLength() <= task.maxSourceLength());
                assertTrue(pair.targetLength() <= task.maxTargetLength());
            }
            assertEquals(digits, operandLengths.size(), "every operand length 1.." + digits + " occurs");
        }
        PairTask task = PairTask.addition();
        assertEquals("alphabet [0 1 2 3 4 5 6 7 8 9 +]", task.sourceAlphabet().toString());
        assertEquals(
                "alphabet [0 1 2 3 4 5 6 7 8 9 <start> <end>]",
                task.targetAlphabet().toString());
        assertEquals(7, task.maxSourceLength());
        assertEquals(4, task.maxTargetLength());
        assertEquals("1000", answer(task, "999+1"));
        assertEquals("0", answer(task, "0+0"));
        assertEquals("1999999999998", answer(task, "999999999999+999999999999"));
    }

    private static String answer(PairTask task, String source) {
        return task.targetAlphabet().decode(task.answer(task.sourceAlphabet().encode(source)));
    }

    @Test
    void malformedSumsAreRejected() {
        PairTask task = PairTask.addition(3);
        for (String bad : new String[] {"12", "+12", "12+", "1+2+3", "1++2", "1234567890123456789+1"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> answer(task, bad));
            assertTrue(e.getMessage().contains("\"" + bad + "\""), e.getMessage());
        }
    }

    @Test
    void badArgumentsNameTheArgumentAndItsValue() {
        assertMessage(() -> PairTask.reverse(1, 1, 3), "symbols must be at least 2, got 1");
        assertMessage(() -> PairTask.copy(4, 0, 3), "minLength must be at least 1, got 0");
        assertMessage(() -> PairTask.copy(4, -2, 3), "minLength must be at least 1, got -2");
        assertMessage(() -> PairTask.reverse(4, 5, 3), "maxLength must be at least minLength (5), got 3");
        assertMessage(() -> PairTask.addition(0), "digits must be in 1..9, got 0");
        assertMessage(() -> PairTask.addition(10), "digits must be in 1..9, got 10");
    }

    private static void assertMessage(Executable call, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertEquals(
                expected,
                e.getMessage()
                        .substring(0, Math.min(expected.length(), e.getMessage().length())),
                e.getMessage());
    }
}
