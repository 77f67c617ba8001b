package org.recurrent4j.examples.longrange;

import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.recurrent4j.synthetic.AddingProblem;

/**
 * The adding problem of length T ({@link AddingProblem}) as a study task: N→1 regression of the sum
 * of the two marked values, read at the last step, squared loss. Test error: the mean squared error.
 * Baseline: always predicting the mean, 1, gives the variance of a sum of two uniform values, 1/6
 * ≈ 0.167. Solved below 0.001 (the target).
 */
public final class AddingTask implements LongRangeTask {

    private final int length;

    public AddingTask(int length) {
        if (length < 2) {
            throw new IllegalArgumentException("the adding problem needs at least 2 steps, got " + length);
        }
        this.length = length;
    }

    @Override
    public String name() {
        return "adding-" + length;
    }

    @Override
    public int inputSize() {
        return 2;
    }

    @Override
    public Layer outputLayer(int hidden) {
        return new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
                .activation(Activation.IDENTITY)
                .nIn(hidden)
                .nOut(1)
                .build();
    }

    @Override
    public boolean lastStepOnly() {
        return true;
    }

    @Override
    public DataSetIterator training(int batch, long seed) {
        return new AddingProblem(length, batch, Integer.MAX_VALUE, seed);
    }

    @Override
    public DataSet test(int examples, long seed) {
        return new AddingProblem(length, examples, 1, seed).next();
    }

    @Override
    public String errorName() {
        return "MSE";
    }

    @Override
    public double error(INDArray predictions, DataSet test) {
        INDArray diff = predictions.castTo(test.getLabels().dataType()).sub(test.getLabels());
        return diff.muli(diff).meanNumber().doubleValue();
    }

    @Override
    public double baseline() {
        return 1.0 / 6.0;
    }

    @Override
    public double solvedBelow() {
        return 1e-3;
    }

    @Override
    public boolean logScale() {
        return true;
    }
}
