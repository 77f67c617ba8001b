package org.recurrent4j.decode;

import java.util.Arrays;
import java.util.Random;

/**
 * Draws the next token from a predicted distribution {@code p} over a vocabulary, the way language
 * models are sampled:
 *
 * <pre>
 *   q_i ∝ p_i^(1/τ)                         temperature τ (below 1: more conservative)
 *   keep the k largest q_i                    top-k (0: all)
 *   keep the fewest largest q_i whose sum ≥ P top-p, nucleus (1: all)
 *   draw i with probability q_i / Σ kept q
 * </pre>
 *
 * <p>Top-k and top-p both apply when both are set: k first, then P of the mass the k kept. Ties at
 * a cut keep the lower index.
 * {@link #greedy()} always takes the most probable token.
 *
 * <pre>{@code
 * TokenSampler s = TokenSampler.withTemperature(0.8).topK(40).topP(0.95);
 * int next = s.draw(probabilities, random);
 * }</pre>
 */
public final class TokenSampler {

    private final double temperature;
    private final int topK;
    private final double topP;
    private final boolean greedy;

    private TokenSampler(double temperature, int topK, double topP, boolean greedy) {
        this.temperature = temperature;
        this.topK = topK;
        this.topP = topP;
        this.greedy = greedy;
    }

    /** Draws from the distribution as predicted (τ = 1, no cut). */
    public static TokenSampler unchanged() {
        return new TokenSampler(1.0, 0, 1.0, false);
    }

    /**
     * @param temperature τ &gt; 0
     * @throws IllegalArgumentException for τ ≤ 0 or not finite (use {@link #greedy()} for τ → 0)
     */
    public static TokenSampler withTemperature(double temperature) {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a finite number above 0, got " + temperature
                    + " (for always the most probable token use TokenSampler.greedy())");
        }
        return new TokenSampler(temperature, 0, 1.0, false);
    }

    /** Always the most probable token (the first of equal ones). */
    public static TokenSampler greedy() {
        return new TokenSampler(1.0, 0, 1.0, true);
    }

    /**
     * Keeps only the {@code k} most probable tokens.
     *
     * @param k at least 1, or 0 for no cut
     */
    public TokenSampler topK(int k) {
        if (k < 0) {
            throw new IllegalArgumentException("top-k must be 0 (no cut) or more, got " + k);
        }
        return new TokenSampler(temperature, k, topP, greedy);
    }

    /**
     * Keeps the smallest set of most probable tokens whose probability (after temperature) reaches
     * {@code p}.
     *
     * @param p in (0, 1]; 1 for no cut
     */
    public TokenSampler topP(double p) {
        if (!(p > 0 && p <= 1)) {
            throw new IllegalArgumentException("top-p must be in (0, 1], got " + p);
        }
        return new TokenSampler(temperature, topK, p, greedy);
    }

    public double temperature() {
        return temperature;
    }

    public int topK() {
        return topK;
    }

    public double topP() {
        return topP;
    }

    public boolean isGreedy() {
        return greedy;
    }

    /**
     * The distribution tokens are drawn from: {@code p} after temperature and cuts, summing to 1.
     *
     * @param probabilities non-negative, not all zero (they need not sum to 1)
     */
    public double[] distribution(double[] probabilities) {
        int v = probabilities.length;
        if (v == 0) {
            throw new IllegalArgumentException("no probabilities to sample from");
        }
        double[] q = new double[v];
        if (greedy) {
            q[argMax(probabilities)] = 1.0;
            return q;
        }
        // In log space, so that a low temperature does not underflow every probability to zero.
        double maxLog = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < v; i++) {
            double p = probabilities[i];
            if (!(p >= 0) || Double.isInfinite(p)) {
                throw new IllegalArgumentException("probability " + i + " is " + p + "; expected a finite value >= 0");
            }
            q[i] = p == 0 ? Double.NEGATIVE_INFINITY : Math.log(p) / temperature;
            maxLog = Math.max(maxLog, q[i]);
        }
        if (maxLog == Double.NEGATIVE_INFINITY) {
            throw new IllegalArgumentException("every probability is 0");
        }
        double total = 0;
        for (int i = 0; i < v; i++) {
            q[i] = Math.exp(q[i] - maxLog);
            total += q[i];
        }
        for (int i = 0; i < v; i++) {
            q[i] /= total;
        }
        if ((topK > 0 && topK < v) || topP < 1) {
            Integer[] order = new Integer[v];
            for (int i = 0; i < v; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> q[a] != q[b] ? Double.compare(q[b], q[a]) : Integer.compare(a, b));
            int keep = topK > 0 ? Math.min(topK, v) : v;
            if (topP < 1) {
                double mass = 0;
                double kept = 0;
                for (int r = 0; r < keep; r++) {
                    mass += q[order[r]];
                }
                for (int r = 0; r < keep; r++) {
                    kept += q[order[r]];
                    // Relative to what the top-k cut left, so that both cuts compose.
                    if (kept >= topP * mass * (1 - 1e-12)) {
                        keep = r + 1;
                        break;
                    }
                }
            }
            double sum = 0;
            for (int r = keep; r < v; r++) {
                q[order[r]] = 0;
            }
            for (double x : q) {
                sum += x;
            }
            for (int i = 0; i < v; i++) {
                q[i] /= sum;
            }
        }
        return q;
    }

    /** Draws a token index from {@link #distribution(double[])}. */
    public int draw(double[] probabilities, Random random) {
        if (greedy) {
            return argMax(probabilities);
        }
        double[] q = distribution(probabilities);
        double r = random.nextDouble();
        int last = -1;
        for (int i = 0; i < q.length; i++) {
            if (q[i] > 0) {
                last = i;
                r -= q[i];
                if (r < 0) {
                    return i;
                }
            }
        }
        return last;
    }

    private static int argMax(double[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[best]) {
                best = i;
            }
        }
        return best;
    }

    @Override
    public String toString() {
        if (greedy) {
            return "greedy";
        }
        return "temperature " + temperature + (topK > 0 ? ", top-k " + topK : "") + (topP < 1 ? ", top-p " + topP : "");
    }
}
