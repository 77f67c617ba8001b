package org.recurrent4j.synthetic;

import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Synthetic control charts (Alcock &amp; Manolopoulos 1999, the generator behind the UCI "synthetic
 * control" set): six classes of series of {@code length} values, each {@code m + r·s} plus a class
 * pattern, with {@code m = 30}, {@code s = 2}, {@code r} uniform in [−3, 3] at every step:
 *
 * <ol start="0">
 *   <li>normal: no pattern;
 *   <li>cyclic: {@code + a·sin(2πt/T)}, {@code a} in [10, 15], period {@code T} in [10, 15];
 *   <li>increasing trend: {@code + g·t}, {@code g} in [0.2, 0.5];
 *   <li>decreasing trend: {@code − g·t};
 *   <li>upward shift: {@code + k·x}, {@code x} in [7.5, 20], {@code k} = 0 before a step {@code t3}
 *       in [length/3, 2·length/3] and 1 from it on;
 *   <li>downward shift: {@code − k·x}.
 * </ol>
 *
 * <p>Parameters are drawn per series. Classes take turns, so every batch is balanced. Shapes:
 * features {@code [batch, 1, length]}, labels {@code [batch, 6]} one-hot (N→1).
 */
public class SyntheticControlCharts extends SyntheticTask {

    private static final long serialVersionUID = 1L;

    /** The class names, in label order. */
    public static final String[] CLASSES = {
        "normal", "cyclic", "increasing trend", "decreasing trend", "upward shift", "downward shift"
    };

    private final int length;
    private int nextClass;

    public SyntheticControlCharts(int length, int batchSize, int batches, long seed) {
        super(batchSize, batches, seed);
        if (length < 3) {
            throw new IllegalArgumentException("control charts need at least 3 steps, got " + length);
        }
        this.length = length;
    }

    @Override
    public void reset() {
        super.reset();
        nextClass = 0;
    }

    /** One series of class {@code c}. */
    public static double[] series(int c, int length, Random random) {
        double[] y = new double[length];
        double a = uniform(random, 10, 15);
        double period = uniform(random, 10, 15);
        double g = uniform(random, 0.2, 0.5);
        double x = uniform(random, 7.5, 20);
        int shiftAt = (int) Math.round(uniform(random, length / 3.0, 2.0 * length / 3.0));
        for (int t = 0; t < length; t++) {
            double v = 30 + uniform(random, -3, 3) * 2;
            switch (c) {
                case 0 -> {}
                case 1 -> v += a * Math.sin(2 * Math.PI * t / period);
                case 2 -> v += g * t;
                case 3 -> v -= g * t;
                case 4 -> v += t >= shiftAt ? x : 0;
                case 5 -> v -= t >= shiftAt ? x : 0;
                default -> throw new IllegalArgumentException("class " + c + " outside 0..5");
            }
            y[t] = v;
        }
        return y;
    }

    private static double uniform(Random random, double from, double to) {
        return from + (to - from) * random.nextDouble();
    }

    @Override
    protected DataSet generate(int size, Random random) {
        INDArray features = Nd4j.zeros(DataType.FLOAT, size, 1, length);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, size, CLASSES.length);
        for (int b = 0; b < size; b++) {
            int c = nextClass;
            nextClass = (nextClass + 1) % CLASSES.length;
            double[] y = series(c, length, random);
            for (int t = 0; t < length; t++) {
                features.putScalar(b, 0, t, y[t]);
            }
            labels.putScalar(b, c, 1.0);
        }
        return new DataSet(features, labels);
    }

    @Override
    public int inputColumns() {
        return 1;
    }

    @Override
    public int totalOutcomes() {
        return CLASSES.length;
    }

    @Override
    public List<String> getLabels() {
        return List.of(CLASSES);
    }
}
