package org.recurrent4j.training;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An element-wise activation applied to a block of pre-activations, with its derivative at each.
 * tanh, sigmoid, identity and the plain ReLU are computed here in Java (one RTRL step is a few
 * small blocks, and each ND4J call costs tens of microseconds); any other activation goes through
 * DL4J's own {@link IActivation}, so RTRL always uses exactly the function the layer was
 * configured with. The layer configurations accept element-wise activations only.
 */
final class ActivationValues {

    private static final IActivation PLAIN_RELU = new ActivationReLU();

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
        double[] y = new double[a.length];
        double[] d = new double[a.length];
        if (activation instanceof ActivationTanH) {
            for (int i = 0; i < a.length; i++) {
                y[i] = Math.tanh(a[i]);
                d[i] = 1.0 - y[i] * y[i];
            }
        } else if (activation instanceof ActivationSigmoid) {
            for (int i = 0; i < a.length; i++) {
                y[i] = 1.0 / (1.0 + Math.exp(-a[i]));
                d[i] = y[i] * (1.0 - y[i]);
            }
        } else if (activation instanceof ActivationIdentity) {
            for (int i = 0; i < a.length; i++) {
                y[i] = a[i];
                d[i] = 1.0;
            }
        } else if (PLAIN_RELU.equals(activation)) {
            for (int i = 0; i < a.length; i++) {
                y[i] = a[i] > 0.0 ? a[i] : 0.0;
                d[i] = a[i] > 0.0 ? 1.0 : 0.0;
            }
        } else {
            INDArray pre = Nd4j.createFromArray(a).reshape(rows, cols);
            INDArray ones = Nd4j.ones(DataType.DOUBLE, rows, cols);
            y = activation.getActivation(pre.dup(), true).reshape(-1).toDoubleVector();
            d = activation.backprop(pre.dup(), ones).getFirst().reshape(-1).toDoubleVector();
        }
        return new ActivationValues(y, d);
    }
}
