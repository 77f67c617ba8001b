package org.recurrent4j.layer;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The small labelled batches of core's layer tests (3 sequences of 5 steps), as the test kit
 * ({@code recurrent4j-testkit}) uses them for every cell.
 */
final class SmallBatches {

    static final int BATCH = 3;
    static final int STEPS = 5;

    /** Where the padding of a batch sits. */
    enum Masking {
        NONE,
        PADDING_AT_END,
        PADDING_AT_START
    }

    private SmallBatches() {}

    /** Non-zero biases and peepholes, so that every gradient term is exercised. */
    static void randomizeBiases(MultiLayerNetwork net) {
        Nd4j.getRandom().setSeed(7);
        net.paramTable().forEach((key, value) -> {
            if (key.endsWith("bih") || key.endsWith("bhh") || key.endsWith("wpeep")) {
                value.assign(Nd4j.rand(value.dataType(), value.shape()).subi(0.5));
            }
        });
    }

    /** {@code [3, 2, 5]} one-hot, class {@code (b + t) mod 2}. */
    static INDArray oneHotLabels() {
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, BATCH, 2, STEPS);
        for (int b = 0; b < BATCH; b++) {
            for (int t = 0; t < STEPS; t++) {
                labels.putScalar(b, (b + t) % 2, t, 1.0);
            }
        }
        return labels;
    }

    /** {@code [3, 5]}: example 0 full, example 1 with 2 padded steps, example 2 with 3; null for none. */
    static INDArray mask(Masking masking) {
        if (masking == Masking.NONE) {
            return null;
        }
        INDArray mask = Nd4j.ones(DataType.DOUBLE, BATCH, STEPS);
        for (int b = 1; b < BATCH; b++) {
            int padded = b + 1;
            for (int k = 0; k < padded; k++) {
                int t = masking == Masking.PADDING_AT_END ? STEPS - 1 - k : k;
                mask.putScalar(b, t, 0.0);
            }
        }
        return mask;
    }
}
