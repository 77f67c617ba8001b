package org.recurrent4j.synthetic;

import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The adding problem (Hochreiter &amp; Schmidhuber 1997): a sequence of {@code length} pairs; the first
 * value of each is uniform in [0, 1), the second is a marker that is 1 at exactly two steps (one in
 * each half of the sequence) and 0 elsewhere. The target is the sum of the two marked values, so
 * the network must remember a value over up to {@code length} steps.
 *
 * <p>Shapes: features {@code [batch, 2, length]}, labels {@code [batch, 1]} (N→1: use {@code
 * LastTimeStep} or a recurrent output at the last step). Predicting the mean, 1.0, gives a mean
 * squared error of about 1/6; a model that solves the task gets far below it.
 */
public class AddingProblem extends SyntheticTask {

    private static final long serialVersionUID = 1L;
    private final int length;

    public AddingProblem(int length, int batchSize, int batches, long seed) {
        super(batchSize, batches, seed);
        if (length < 2) {
            throw new IllegalArgumentException("the adding problem needs sequences of at least 2 steps, got " + length);
        }
        this.length = length;
    }

    @Override
    protected DataSet generate(int size, Random random) {
        INDArray x = Nd4j.zeros(DataType.FLOAT, size, 2, length);
        INDArray y = Nd4j.zeros(DataType.FLOAT, size, 1);
        int half = length / 2;
        for (int b = 0; b < size; b++) {
            int first = random.nextInt(half);
            int second = half + random.nextInt(length - half);
            double sum = 0;
            for (int t = 0; t < length; t++) {
                double v = random.nextDouble();
                x.putScalar(b, 0, t, v);
                if (t == first || t == second) {
                    x.putScalar(b, 1, t, 1.0);
                    sum += v;
                }
            }
            y.putScalar(b, 0, sum);
        }
        return new DataSet(x, y);
    }

    @Override
    public int inputColumns() {
        return 2;
    }

    @Override
    public int totalOutcomes() {
        return 1;
    }
}
