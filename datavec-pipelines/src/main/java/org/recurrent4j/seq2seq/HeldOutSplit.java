package org.recurrent4j.seq2seq;

import java.io.Serial;
import java.io.Serializable;

/**
 * A fixed split of a task's sources into a training part and a held-out part, so that a model
 * can be tested on pairs it never saw. The split depends on nothing but the source tokens and the
 * held-out fraction: a source {@code x} is held out when
 *
 * <pre>
 *   u(x) = hash(x) / 2^64 &lt; heldOutFraction
 * </pre>
 *
 * where {@code hash} is a 64-bit mix of the length and each token (SplitMix64's finaliser applied
 * after each token). It ignores the iterators' seeds, so training and held-out iterators drawn
 * with any seeds never share a source, and a model trained today meets the same held-out pairs
 * tomorrow. The held-out share of a large pair space is the fraction, up to sampling noise.
 *
 * <pre>{@code
 * HeldOutSplit split = HeldOutSplit.of(0.1);
 * split.isHeldOut(task.sourceAlphabet().encode("123+45"));
 * }</pre>
 */
public final class HeldOutSplit implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    /** Which sources an iterator draws from. */
    public enum Part {
        /** Every source. */
        ALL,
        /** Only sources that are not held out. */
        TRAINING,
        /** Only held-out sources. */
        HELD_OUT
    }

    private final double heldOutFraction;

    private HeldOutSplit(double heldOutFraction) {
        if (!(heldOutFraction > 0 && heldOutFraction < 1)) {
            throw new IllegalArgumentException("heldOutFraction must be in (0, 1), got " + heldOutFraction);
        }
        this.heldOutFraction = heldOutFraction;
    }

    /** @param heldOutFraction the share of the sources held out, in (0, 1) */
    public static HeldOutSplit of(double heldOutFraction) {
        return new HeldOutSplit(heldOutFraction);
    }

    public double heldOutFraction() {
        return heldOutFraction;
    }

    /** Whether this source belongs to the held-out part. */
    public boolean isHeldOut(int[] source) {
        return (hash(source) >>> 11) * 0x1.0p-53 < heldOutFraction;
    }

    /** Whether this source belongs to the part ({@link Part#ALL} contains every source). */
    public boolean contains(Part part, int[] source) {
        return switch (part) {
            case ALL -> true;
            case TRAINING -> !isHeldOut(source);
            case HELD_OUT -> isHeldOut(source);
        };
    }

    /** The probability that a source drawn uniformly from a large space lies in the part. */
    double share(Part part) {
        return switch (part) {
            case ALL -> 1.0;
            case TRAINING -> 1.0 - heldOutFraction;
            case HELD_OUT -> heldOutFraction;
        };
    }

    /**
     * Each step is a bijection of the state for a given token, so two sources of the same length
     * that differ only in one token never collide, and the length seeds the state.
     */
    static long hash(int[] tokens) {
        long h = mix(0x6A09E667F3BCC909L + tokens.length);
        for (int token : tokens) {
            h = mix(h ^ (0x9E3779B97F4A7C15L * (token + 1L)));
        }
        return h;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HeldOutSplit other && heldOutFraction == other.heldOutFraction;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(heldOutFraction);
    }

    @Override
    public String toString() {
        return "held-out split (fraction " + heldOutFraction + ")";
    }
}
