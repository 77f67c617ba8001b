package org.recurrent4j.testkit;

/**
 * Where the padding of a batch sits in the kit's masked checks: none, at the end of the shorter
 * sequences (DL4J's {@code ALIGN_START}) or at their start ({@code ALIGN_END}). In a batch of 3
 * sequences of 5 steps, example 0 is full, example 1 has 2 padded steps and example 2 has 3.
 */
public enum Masking {
    /** Every step real. */
    NONE,
    /** The shorter sequences padded after their last step. */
    PADDING_AT_END,
    /** The shorter sequences padded before their first step. */
    PADDING_AT_START;

    @Override
    public String toString() {
        return switch (this) {
            case NONE -> "no mask";
            case PADDING_AT_END -> "padding at end";
            case PADDING_AT_START -> "padding at start";
        };
    }
}
