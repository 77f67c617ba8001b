package org.recurrent4j.training;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One time step of {@code B} parallel streams, for {@link RtrlTrainer}: the input of each stream
 * at this step and, optionally, its target.
 *
 * <ul>
 *   <li>{@code features [B, nIn]}: the input {@code x_t} of each stream;
 *   <li>{@code labels [B, nOut]}, or null when this step has no target (the state still advances);
 *   <li>{@code mask [B]}, or null: 0 marks a padded step of that stream (no state change, no loss,
 *       exactly as a padded step of a masked sequence in the layer); 1 a real step;
 *   <li>{@code labelMask [B]}, or null: which streams' losses count at this step (default: those
 *       whose {@code mask} is 1, as DL4J does for a sequence without a label mask);
 *   <li>{@code resets [B]}, or null: true starts that stream from a zero state (and zero
 *       sensitivities) before this step, e.g. where one episode of the stream ends and the next
 *       begins.
 * </ul>
 *
 * <pre>{@code
 * StreamStep step = StreamStep.of(x, y);                       // x [B, nIn], y [B, nOut]
 * StreamStep unlabelled = StreamStep.of(x, null);              // no target at this step
 * StreamStep padded = StreamStep.of(x, y).withMask(mask);      // mask [B] of 0/1
 * }</pre>
 */
public record StreamStep(INDArray features, INDArray labels, INDArray mask, INDArray labelMask, boolean[] resets) {

    public StreamStep {
        if (features == null || features.rank() != 2) {
            throw new IllegalArgumentException("a stream step's features must be [batch, nIn], got "
                    + (features == null ? "null" : Arrays.toString(features.shape())));
        }
        long batch = features.size(0);
        if (labels != null && (labels.rank() != 2 || labels.size(0) != batch)) {
            throw new IllegalArgumentException("a stream step's labels must be [batch, nOut] with batch " + batch
                    + " (as the features " + Arrays.toString(features.shape()) + "), got "
                    + Arrays.toString(labels.shape()));
        }
        checkPerExample("mask", mask, batch);
        checkPerExample("label mask", labelMask, batch);
        if (resets != null && resets.length != batch) {
            throw new IllegalArgumentException(
                    "a stream step's resets must have one entry per stream (" + batch + "), got " + resets.length);
        }
    }

    private static void checkPerExample(String what, INDArray array, long batch) {
        if (array != null && array.length() != batch) {
            throw new IllegalArgumentException("a stream step's " + what + " must have one entry per stream ([" + batch
                    + "] or [" + batch + ", 1]), got " + Arrays.toString(array.shape()));
        }
    }

    /** A step with input {@code features [B, nIn]} and target {@code labels [B, nOut]} (or null). */
    public static StreamStep of(INDArray features, INDArray labels) {
        return new StreamStep(features, labels, null, null, null);
    }

    /** This step with a per-stream mask {@code [B]} (0 = padded step). */
    public StreamStep withMask(INDArray mask) {
        return new StreamStep(features, labels, mask, labelMask, resets);
    }

    /** This step with a per-stream label mask {@code [B]} (0 = no loss for that stream here). */
    public StreamStep withLabelMask(INDArray labelMask) {
        return new StreamStep(features, labels, mask, labelMask, resets);
    }

    /** This step with per-stream resets (true = start that stream from a zero state first). */
    public StreamStep withResets(boolean... resets) {
        return new StreamStep(features, labels, mask, labelMask, resets);
    }

    /** The number of parallel streams, {@code B}. */
    public int batch() {
        return (int) features.size(0);
    }
}
