package org.recurrent4j.synthetic;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.recurrent4j.seq2seq.Alphabet;
import org.recurrent4j.seq2seq.SequencePair;

/** Multi-digit addition as text: see {@link PairTask#addition(int)}. */
final class AdditionTask extends PairTask {

    private static final long serialVersionUID = 1L;

    /** Operands of more digits could overflow a long in {@link #answer}. */
    private static final int MAX_ANSWERED_DIGITS = 18;

    private static final List<String> DIGITS = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
    private static final int PLUS = 10;

    private final int digits;
    private final Alphabet source;
    private final Alphabet target;

    AdditionTask(int digits) {
        if (digits < 1 || digits > 9) {
            throw new IllegalArgumentException("digits must be in 1..9, got " + digits);
        }
        this.digits = digits;
        List<String> sourceSymbols = new ArrayList<>(DIGITS);
        sourceSymbols.add("+");
        this.source = Alphabet.of(sourceSymbols);
        this.target = Alphabet.withStartAndEnd(DIGITS);
    }

    @Override
    public Alphabet sourceAlphabet() {
        return source;
    }

    @Override
    public Alphabet targetAlphabet() {
        return target;
    }

    @Override
    public SequencePair draw(Random random) {
        String text = operand(random) + "+" + operand(random);
        int[] tokens = source.encode(text);
        return new SequencePair(tokens, answer(tokens));
    }

    private long operand(Random random) {
        int length = 1 + random.nextInt(digits);
        if (length == 1) {
            return random.nextInt(10);
        }
        long lowest = pow10(length - 1);
        return lowest + random.nextLong(9 * lowest);
    }

    private static long pow10(int exponent) {
        long p = 1;
        for (int i = 0; i < exponent; i++) {
            p *= 10;
        }
        return p;
    }

    @Override
    public int[] answer(int[] tokens) {
        int plus = -1;
        for (int t = 0; t < tokens.length; t++) {
            if (tokens[t] < 0 || tokens[t] > PLUS) {
                throw new IllegalArgumentException(
                        "source token " + t + " is " + tokens[t] + ", outside the 11 symbols of " + source);
            }
            if (tokens[t] == PLUS) {
                if (plus >= 0) {
                    throw new IllegalArgumentException("\"" + source.decode(tokens) + "\" has a second '+' at " + t
                            + ": a source is two numbers joined by one '+'");
                }
                plus = t;
            }
        }
        int rightDigits = tokens.length - plus - 1;
        if (plus < 1 || rightDigits < 1 || plus > MAX_ANSWERED_DIGITS || rightDigits > MAX_ANSWERED_DIGITS) {
            throw new IllegalArgumentException("\"" + source.decode(tokens) + "\" is not a sum of two numbers of 1.."
                    + MAX_ANSWERED_DIGITS + " digits, like \"123+45\"");
        }
        long sum = value(tokens, 0, plus) + value(tokens, plus + 1, tokens.length);
        return target.encode(Long.toString(sum));
    }

    private static long value(int[] tokens, int from, int to) {
        long v = 0;
        for (int t = from; t < to; t++) {
            v = v * 10 + tokens[t];
        }
        return v;
    }

    @Override
    public int maxSourceLength() {
        return 2 * digits + 1;
    }

    @Override
    public int maxTargetLength() {
        return digits + 1;
    }

    @Override
    public double distinctSources() {
        return Math.pow(10, 2 * digits);
    }

    @Override
    public String toString() {
        return "ADDITION(up to " + digits + " digits)";
    }
}
