package org.recurrent4j.synthetic;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.recurrent4j.seq2seq.Alphabet;
import org.recurrent4j.seq2seq.SequencePair;

/** Reversal and copy of random symbol sequences: see {@link PairTask#reverse} and {@link PairTask#copy}. */
final class SymbolSequenceTask extends PairTask {

    private static final long serialVersionUID = 1L;

    enum Kind {
        REVERSE,
        COPY
    }

    private final Kind kind;
    private final int symbols;
    private final int minLength;
    private final int maxLength;
    private final Alphabet source;
    private final Alphabet target;

    SymbolSequenceTask(Kind kind, int symbols, int minLength, int maxLength) {
        if (symbols < 2) {
            throw new IllegalArgumentException("symbols must be at least 2, got " + symbols);
        }
        if (minLength < 1) {
            throw new IllegalArgumentException("minLength must be at least 1, got " + minLength);
        }
        if (maxLength < minLength) {
            throw new IllegalArgumentException(
                    "maxLength must be at least minLength (" + minLength + "), got " + maxLength);
        }
        this.kind = kind;
        this.symbols = symbols;
        this.minLength = minLength;
        this.maxLength = maxLength;
        List<String> names = new ArrayList<>(symbols);
        for (int i = 0; i < symbols; i++) {
            names.add(Integer.toString(i));
        }
        this.source = Alphabet.of(names);
        this.target = Alphabet.withStartAndEnd(names);
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
        int[] tokens = new int[minLength + random.nextInt(maxLength - minLength + 1)];
        for (int t = 0; t < tokens.length; t++) {
            tokens[t] = random.nextInt(symbols);
        }
        return new SequencePair(tokens, answer(tokens));
    }

    @Override
    public int[] answer(int[] tokens) {
        int n = tokens.length;
        int[] answer = new int[n];
        for (int t = 0; t < n; t++) {
            if (tokens[t] < 0 || tokens[t] >= symbols) {
                throw new IllegalArgumentException(
                        "source token " + t + " is " + tokens[t] + ", outside the " + symbols + " symbols of " + this);
            }
            answer[kind == Kind.REVERSE ? n - 1 - t : t] = tokens[t];
        }
        return answer;
    }

    @Override
    public int maxSourceLength() {
        return maxLength;
    }

    @Override
    public int maxTargetLength() {
        return maxLength;
    }

    @Override
    public double distinctSources() {
        double count = 0;
        for (int length = minLength; length <= maxLength; length++) {
            count += Math.pow(symbols, length);
        }
        return count;
    }

    @Override
    public String toString() {
        return kind + "(" + symbols + " symbols, lengths " + minLength + ".." + maxLength + ")";
    }
}
