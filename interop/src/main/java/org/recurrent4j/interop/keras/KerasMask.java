package org.recurrent4j.interop.keras;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * How a Keras model derives its sequence mask from an input, which the imported network takes as
 * a DL4J feature mask {@code [B, T]} (DL4J networks receive masks, they do not compute them):
 * {@code Masking(mask_value)} marks a step real when any of its features differs from the value;
 * {@code Embedding(mask_zero=True)} marks a step real when its token is not 0.
 *
 * @param input the model input the mask is computed from
 * @param layer the Keras layer that defined it
 * @param tokens true for {@code Embedding(mask_zero)}, false for {@code Masking}
 * @param value {@code Masking}'s {@code mask_value}
 */
public record KerasMask(String input, String layer, boolean tokens, double value) {

    /**
     * The mask of {@code x}: {@code [B, T, F]} features (Masking) or {@code [B, T]} tokens
     * (Embedding), as Keras reads them.
     */
    public INDArray of(INDArray x) {
        if (tokens) {
            INDArray t = x.rank() == 3 ? x.reshape(x.size(0), x.size(2)) : x;
            return t.castTo(DataType.DOUBLE).neq(0).castTo(DataType.FLOAT);
        }
        if (x.rank() != 3) {
            throw new IllegalArgumentException(
                    "Masking reads [batch, time, features], got " + java.util.Arrays.toString(x.shape()));
        }
        INDArray differs = x.castTo(DataType.DOUBLE).neq(value).castTo(DataType.FLOAT);
        return differs.max(2).reshape(x.size(0), x.size(1)).dup();
    }

    /** For messages: {@code Masking(mask_value=0.0) on input x}. */
    public String describe() {
        return (tokens ? "Embedding(mask_zero=True) " + layer : "Masking(mask_value=" + value + ") " + layer)
                + " on input " + input;
    }

    static INDArray ones(long batch, long steps) {
        return Nd4j.ones(DataType.FLOAT, batch, steps);
    }
}
