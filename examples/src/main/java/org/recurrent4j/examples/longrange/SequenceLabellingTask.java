package org.recurrent4j.examples.longrange;

import java.util.function.IntPredicate;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.recurrent4j.conf.RnnOutput;

/**
 * A study task that labels every step with one of {@code classes} symbols (N→N, one-hot features
 * and labels {@code [batch, classes, T]}, optional label mask), softmax output and cross-entropy
 * loss. Test error: the error rate over the scored steps, i.e. the labelled steps (label mask 1)
 * whose target class {@code scored} accepts (e.g. the data symbols of the copy task, not its
 * blanks). Solved below 1%.
 *
 * <pre>{@code
 * new SequenceLabellingTask("recall-20", 4, (batch, seed) -> new DelayedRecall(4, 40, 20, batch, Integer.MAX_VALUE, seed),
 *         target -> true, 0.75);
 * }</pre>
 */
public final class SequenceLabellingTask implements LongRangeTask {

    /** Draws an endless iterator of batches of the given size from a seed. */
    @FunctionalInterface
    public interface Source {
        DataSetIterator batches(int batch, long seed);
    }

    private final String name;
    private final int classes;
    private final Source source;
    private final IntPredicate scored;
    private final double baseline;

    /**
     * @param name the task's name, e.g. {@code recall-20}
     * @param classes symbols per step (input and output size)
     * @param source the generator of the task's batches
     * @param scored which target classes the error rate counts
     * @param baseline the error rate of the best predictor without memory on the scored steps
     */
    public SequenceLabellingTask(String name, int classes, Source source, IntPredicate scored, double baseline) {
        this.name = name;
        this.classes = classes;
        this.source = source;
        this.scored = scored;
        this.baseline = baseline;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int inputSize() {
        return classes;
    }

    @Override
    public Layer outputLayer(int hidden) {
        return new RnnOutput.Builder(LossFunctions.LossFunction.MCXENT)
                .activation(Activation.SOFTMAX)
                .nIn(hidden)
                .nOut(classes)
                .build();
    }

    @Override
    public boolean lastStepOnly() {
        return false;
    }

    @Override
    public DataSetIterator training(int batch, long seed) {
        return source.batches(batch, seed);
    }

    @Override
    public DataSet test(int examples, long seed) {
        return source.batches(examples, seed).next();
    }

    @Override
    public String errorName() {
        return "error rate";
    }

    @Override
    public double error(INDArray predictions, DataSet test) {
        INDArray labels = test.getLabels();
        INDArray mask = test.getLabelsMaskArray();
        INDArray predicted = predictions.argMax(1);
        INDArray target = labels.argMax(1);
        long batch = labels.size(0);
        long steps = labels.size(2);
        long counted = 0;
        long wrong = 0;
        for (long b = 0; b < batch; b++) {
            for (long t = 0; t < steps; t++) {
                if (mask != null && mask.getDouble(b, t) == 0.0) {
                    continue;
                }
                int want = target.getInt((int) b, (int) t);
                if (!scored.test(want)) {
                    continue;
                }
                counted++;
                if (predicted.getInt((int) b, (int) t) != want) {
                    wrong++;
                }
            }
        }
        if (counted == 0) {
            throw new IllegalStateException(
                    "task " + name + ": the test set has no scored step; make it larger or longer");
        }
        return wrong / (double) counted;
    }

    @Override
    public double baseline() {
        return baseline;
    }

    @Override
    public double solvedBelow() {
        return 0.01;
    }

    @Override
    public boolean logScale() {
        return false;
    }
}
