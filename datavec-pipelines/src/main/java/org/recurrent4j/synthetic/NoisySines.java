package org.recurrent4j.synthetic;

import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Forecasting a noisy sum of sines: each example is a fresh signal
 *
 * <pre>
 *   s_t = Σ_{j=1..k} a_j · sin(2π t / P_j + φ_j),    x_t = s_t + σ · ε_t,  ε_t ~ N(0, 1)
 * </pre>
 *
 * with amplitude {@code a_j} uniform in [0.5, 1.5], period {@code P_j} uniform in [6, 30] steps and
 * phase {@code φ_j} uniform in [0, 2π). The network sees the noisy {@code x_0 .. x_{W-1}} and
 * predicts the clean continuation {@code s_W .. s_{W+H-1}}.
 *
 * <p>Shapes: features {@code [batch, 1, W]}, labels {@code [batch, H]} (use {@code LastTimeStep} and
 * an identity output of H units). Predicting 0 gives a mean squared error of about {@code k · E[a²]
 * / 2 = 0.54 k}; a model that has learned the periodic structure gets far below it, down towards
 * what the noise leaves.
 */
public class NoisySines extends SyntheticTask {

    private static final long serialVersionUID = 1L;

    private final int window;
    private final int horizon;
    private final int components;
    private final double noise;

    /**
     * @param window input steps W
     * @param horizon steps ahead to predict H
     * @param components sines per signal k
     * @param noise standard deviation σ of the Gaussian noise on the inputs
     */
    public NoisySines(int window, int horizon, int components, double noise, int batchSize, int batches, long seed) {
        super(batchSize, batches, seed);
        if (window < 1 || horizon < 1 || components < 1) {
            throw new IllegalArgumentException("window, horizon and components must be at least 1, got " + window + ", "
                    + horizon + ", " + components);
        }
        if (!(noise >= 0) || Double.isInfinite(noise)) {
            throw new IllegalArgumentException("noise must be a finite standard deviation ≥ 0, got " + noise);
        }
        this.window = window;
        this.horizon = horizon;
        this.components = components;
        this.noise = noise;
    }

    @Override
    protected DataSet generate(int size, Random random) {
        INDArray x = Nd4j.zeros(DataType.FLOAT, size, 1, window);
        INDArray y = Nd4j.zeros(DataType.FLOAT, size, horizon);
        double[] amplitude = new double[components];
        double[] period = new double[components];
        double[] phase = new double[components];
        for (int b = 0; b < size; b++) {
            for (int j = 0; j < components; j++) {
                amplitude[j] = 0.5 + random.nextDouble();
                period[j] = 6 + 24 * random.nextDouble();
                phase[j] = 2 * Math.PI * random.nextDouble();
            }
            for (int t = 0; t < window + horizon; t++) {
                double s = 0;
                for (int j = 0; j < components; j++) {
                    s += amplitude[j] * Math.sin(2 * Math.PI * t / period[j] + phase[j]);
                }
                if (t < window) {
                    x.putScalar(b, 0, t, s + noise * random.nextGaussian());
                } else {
                    y.putScalar(b, t - window, s);
                }
            }
        }
        return new DataSet(x, y);
    }

    @Override
    public int inputColumns() {
        return 1;
    }

    @Override
    public int totalOutcomes() {
        return horizon;
    }
}
