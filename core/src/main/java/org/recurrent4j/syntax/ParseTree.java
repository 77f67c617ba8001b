package org.recurrent4j.syntax;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * An unlabeled binary tree over the tokens {@code 0 … n−1} of a sequence, as a set of spans: every
 * node covers the tokens {@code [start, end)}.
 *
 * <p>{@link #fromDistances} is the top-down greedy split of the ON-LSTM paper (Shen et al. 2019,
 * section 6.2): the distance {@code d[i]} belongs to the boundary before token {@code i}; a span
 * splits at its largest inner boundary into the tokens before it and the tokens from it on, and each
 * part splits again, down to single tokens. ({@code d[0]}, before the first token, is never used.)
 *
 * <pre>{@code
 * ParseTree t = ParseTree.fromDistances(new double[] {0, 0.2, 0.9, 0.1});   // ((0 1) (2 3))
 * t.spans();                                                              // [0,4) [0,2) [2,4)
 * }</pre>
 */
public final class ParseTree {

    /** Tokens {@code [start, end)}. */
    public record Span(int start, int end) {
        public int length() {
            return end - start;
        }

        @Override
        public String toString() {
            return "[" + start + "," + end + ")";
        }
    }

    private final int tokens;
    private final List<Span> spans;

    private ParseTree(int tokens, List<Span> spans) {
        this.tokens = tokens;
        this.spans = Collections.unmodifiableList(spans);
    }

    /** The tree of the top-down greedy split at the largest distance (the first of equal ones). */
    public static ParseTree fromDistances(double[] distances) {
        List<Span> spans = new ArrayList<>();
        split(distances, 0, distances.length, spans);
        return new ParseTree(distances.length, spans);
    }

    private static void split(double[] d, int start, int end, List<Span> spans) {
        if (end - start < 2) {
            return;
        }
        spans.add(new Span(start, end));
        int at = start + 1;
        for (int i = start + 2; i < end; i++) {
            if (d[i] > d[at]) {
                at = i;
            }
        }
        split(d, start, at, spans);
        split(d, at, end, spans);
    }

    /** The right-branching tree {@code (0 (1 (2 …)))}, a standard baseline. */
    public static ParseTree rightBranching(int tokens) {
        double[] d = new double[tokens];
        for (int i = 0; i < tokens; i++) {
            d[i] = tokens - i;
        }
        return fromDistances(d);
    }

    /** A tree of uniformly random split points, a standard baseline. */
    public static ParseTree random(int tokens, Random random) {
        double[] d = new double[tokens];
        for (int i = 0; i < tokens; i++) {
            d[i] = random.nextDouble();
        }
        return fromDistances(d);
    }

    /** A tree from given constituents (e.g. the true brackets); the whole sequence is added. */
    public static ParseTree ofSpans(int tokens, List<Span> constituents) {
        List<Span> spans = new ArrayList<>();
        spans.add(new Span(0, tokens));
        for (Span s : constituents) {
            if (s.start() < 0 || s.end() > tokens || s.length() < 1) {
                throw new IllegalArgumentException("span " + s + " is not within the " + tokens + " tokens");
            }
            if (s.length() >= 2 && !spans.contains(s)) {
                spans.add(s);
            }
        }
        return new ParseTree(tokens, spans);
    }

    public int tokens() {
        return tokens;
    }

    /** The constituents of two or more tokens, the whole sequence first. */
    public List<Span> spans() {
        return spans;
    }

    /**
     * The unlabeled F1 of this tree's constituents against {@code gold}'s, as the ON-LSTM paper
     * scores it: spans of two or more tokens, without the whole sequence (which every tree has);
     * 1.0 when neither has any such span.
     */
    public double f1(ParseTree gold) {
        if (gold.tokens != tokens) {
            throw new IllegalArgumentException("trees over " + tokens + " and " + gold.tokens + " tokens");
        }
        List<Span> predicted = spans.subList(1, spans.size());
        List<Span> expected = gold.spans.subList(1, gold.spans.size());
        if (predicted.isEmpty() && expected.isEmpty()) {
            return 1.0;
        }
        long common = predicted.stream().filter(expected::contains).count();
        if (common == 0) {
            return 0.0;
        }
        double precision = (double) common / predicted.size();
        double recall = (double) common / expected.size();
        return 2 * precision * recall / (precision + recall);
    }

    @Override
    public String toString() {
        return spans.toString();
    }
}
