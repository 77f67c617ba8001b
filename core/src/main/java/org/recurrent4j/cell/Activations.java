package org.recurrent4j.cell;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Applying DL4J activation functions to contiguous blocks in place, forward and backward. */
final class Activations {

    private Activations() {}

    /** {@code out = f(in)}, leaving {@code in} unchanged. */
    static void apply(IActivation f, INDArray in, INDArray out, boolean training) {
        out.assign(in);
        f.getActivation(out, training);
    }

    /**
     * Replaces the pre-activation {@code z} by {@code dL/dz = f'(z) ⊙ dL/df}. DL4J's activations
     * already work in place; the copy covers any that do not.
     */
    static void backpropInPlace(IActivation f, INDArray z, INDArray dOut) {
        INDArray dz = f.backprop(z, dOut).getFirst();
        if (dz != z) {
            z.assign(dz);
        }
    }
}
