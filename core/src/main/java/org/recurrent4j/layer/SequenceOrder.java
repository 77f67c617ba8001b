package org.recurrent4j.layer;

/**
 * A layer's sequence arrays, {@code [B, size, T]} (NCW) or {@code [B, T, size]} (NWC) in C order,
 * against the work layout {@code [size, T, B]} the kernels read and write.
 *
 * <p>In general the one is a permuted view of the other. At batch 1 an NCW sequence, or an NWC one
 * of one step, has the work layout's memory order itself: an array made in the sequence's shape is
 * read and written as the work layout, without the permuted view (whose shape descriptor alone is
 * a tenth of a vanilla RNN's batch-1 token).
 */
final class SequenceOrder {

    private SequenceOrder() {}

    /** Whether a C-order sequence of this batch and length has the memory order of {@code [size, T, B]}. */
    static boolean isFeatureMajor(boolean nwc, long batch, long steps) {
        return batch == 1 && (!nwc || steps == 1);
    }

    /** The sequence's shape: {@code [B, size, T]} (NCW) or {@code [B, T, size]} (NWC). */
    static long[] shape(boolean nwc, long size, long steps, long batch) {
        return nwc ? new long[] {batch, steps, size} : new long[] {batch, size, steps};
    }
}
