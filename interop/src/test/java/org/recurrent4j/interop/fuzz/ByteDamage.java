package org.recurrent4j.interop.fuzz;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * One way of damaging a file: a byte set, eight bytes overwritten (with 0xff…, zeros or a small
 * number: where a size or an offset was, it now declares too much, nothing, or a little), a cut
 * (truncation), or a stretch of the file repeated. Positions are fractions of the length, so one
 * damage applies to any file.
 */
public record ByteDamage(Kind kind, double at, int value) {

    /** What the damage does. */
    public enum Kind {
        SET_BYTE,
        OVERWRITE_HUGE,
        OVERWRITE_ZERO,
        OVERWRITE_SMALL,
        TRUNCATE,
        REPEAT
    }

    /** {@code bytes} with this damage. */
    public byte[] apply(byte[] bytes) {
        int n = bytes.length;
        int p = Math.min(n - 1, (int) (at * n));
        byte[] out = bytes.clone();
        switch (kind) {
            case SET_BYTE -> out[p] = (byte) value;
            case OVERWRITE_HUGE, OVERWRITE_ZERO, OVERWRITE_SMALL -> {
                for (int i = 0; i < 8 && p + i < n; i++) {
                    out[p + i] = switch (kind) {
                        case OVERWRITE_HUGE -> (byte) (i == 7 ? 0x7f : 0xff);
                        case OVERWRITE_ZERO -> 0;
                        default -> (byte) (i == 0 ? value : 0);
                    };
                }
            }
            case TRUNCATE -> out = Arrays.copyOf(bytes, p);
            case REPEAT -> {
                int length = Math.min(1 + (value & 0x3f), n - p);
                out = new byte[n + length];
                System.arraycopy(bytes, 0, out, 0, p + length);
                System.arraycopy(bytes, p, out, p + length, n - p);
            }
        }
        return out;
    }

    /** Applies every damage in turn. */
    public static byte[] applyAll(byte[] bytes, List<ByteDamage> damages) {
        byte[] out = bytes;
        for (ByteDamage d : damages) {
            if (out.length == 0) {
                break;
            }
            out = d.apply(out);
        }
        return out;
    }

    /** One to four damages; positions are biased toward the start, where headers and sizes are. */
    public static Arbitrary<List<ByteDamage>> some() {
        Arbitrary<Double> near = Arbitraries.doubles().between(0, 0.1);
        Arbitrary<Double> anywhere = Arbitraries.doubles().between(0, 1);
        Arbitrary<ByteDamage> one = Combinators.combine(
                        Arbitraries.of(Kind.class),
                        Arbitraries.oneOf(near, anywhere),
                        Arbitraries.integers().between(0, 255))
                .as(ByteDamage::new);
        return one.list().ofMinSize(1).ofMaxSize(4);
    }
}
