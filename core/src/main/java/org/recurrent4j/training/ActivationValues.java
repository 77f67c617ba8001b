package org.recurrent4j.training;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An element-wise activation applied to a block of pre-activations, with its derivative at each,
 * through DL4J's own {@link IActivation} (so RTRL uses exactly the function the layer was
 * configured with). The layer configurations accept element-wise activations only.
 */
final class ActivationValues {

    /** {@code f(a)}, row-major like the input. */
    final double[] values;
    /** {@code f'(a)}, row-major like the input. */
    final double[] derivatives;

    private ActivationValues(double[] values, double[] derivatives) {
        this.values = values;
        this.derivatives = derivatives;
    }

    /** Applies {@code activation} to the {@code [rows, cols]} pre-activations {@code a}. */
    static ActivationValues of(IActivation activation, double[] a, int rows, int cols) {
        INDArray pre = Nd4j.createFromArray(a).reshape(rows, cols);
        INDArray values = activation.getActivation(pre.dup(), true);
        INDArray ones = Nd4j.ones(DataType.DOUBLE, rows, cols);
        INDArray derivatives = activation.backprop(pre.dup(), ones).getFirst();
        return new ActivationValues(
                values.reshape(-1).toDoubleVector(), derivatives.reshape(-1).toDoubleVector());
    }
}
