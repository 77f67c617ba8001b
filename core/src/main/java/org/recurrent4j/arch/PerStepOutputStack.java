package org.recurrent4j.arch;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.recurrent4j.conf.RnnOutput;

/**
 * A {@link RecurrentStack} with an output at every step: a softmax over classes (cross-entropy) or
 * linear outputs (mean squared error), shared by the N→N and 1→N builders.
 *
 * @param <T> the concrete builder
 */
public abstract class PerStepOutputStack<T extends PerStepOutputStack<T>> extends RecurrentStack<T> {

    private int classes;
    private int regression;

    @SuppressWarnings("unchecked")
    private T self() {
        return (T) this;
    }

    /** A softmax over {@code n} classes at every step, trained with cross-entropy. */
    public T classes(int n) {
        this.classes = n;
        this.regression = 0;
        return self();
    }

    /** {@code n} linear outputs at every step, trained with mean squared error. */
    public T regression(int n) {
        this.regression = n;
        this.classes = 0;
        return self();
    }

    /** Checks that an output is set. */
    protected void validateOutput() {
        if (classes < 1 && regression < 1) {
            throw new IllegalArgumentException(
                    "the output is not set: call classes(n) for a softmax or regression(n) for linear outputs");
        }
    }

    /** Adds the per-step output layer {@code name} on {@code top} (through dropout if set). */
    protected void addOutput(GraphBuilder g, String name, Top top) {
        boolean softmax = classes > 0;
        g.addLayer(
                name,
                withInputDropout(new RnnOutput.Builder(
                                softmax ? LossFunctions.LossFunction.MCXENT : LossFunctions.LossFunction.MSE)
                        .activation(softmax ? Activation.SOFTMAX : Activation.IDENTITY)
                        .dataFormat(RNNFormat.NCW)
                        .nIn(top.size())
                        .nOut(softmax ? classes : regression)
                        .build()),
                top.vertex());
    }
}
