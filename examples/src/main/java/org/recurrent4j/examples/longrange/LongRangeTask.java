package org.recurrent4j.examples.longrange;

import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * A task of the long-range dependency study: how to draw its data, which output layer reads the
 * recurrent layer, how to score a network on held-out data, and the two reference numbers of its
 * test error: the error of the best model without memory ({@link #baseline()}) and the error below
 * which the task counts as solved ({@link #solvedBelow()}).
 */
public interface LongRangeTask {

    /** The task's name in tables and file names, e.g. {@code adding-200}. */
    String name();

    /** Input features per step. */
    int inputSize();

    /** The output layer on top of a recurrent layer of {@code hidden} units. */
    Layer outputLayer(int hidden);

    /** Whether the recurrent layer is read at its last step only (N→1), through {@code LastTimeStep}. */
    boolean lastStepOnly();

    /** An endless stream of training batches drawn from {@code seed}. */
    DataSetIterator training(int batch, long seed);

    /** {@code examples} held-out examples drawn from {@code seed}. */
    DataSet test(int examples, long seed);

    /** What {@link #error} measures, e.g. {@code MSE} or {@code error rate}. */
    String errorName();

    /** The test error of {@code predictions} (the network's output on {@code test}). */
    double error(INDArray predictions, DataSet test);

    /** The test error of the best predictor that remembers nothing. */
    double baseline();

    /** The task counts as solved once the test error is below this. */
    double solvedBelow();

    /** Whether the test error is best plotted on a logarithmic axis (it spans decades and is never 0). */
    boolean logScale();
}
