package org.recurrent4j.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.recurrent4j.conf.Lstm;

class NoisySinesTest {

    @Test
    void sameSeedSameDataOtherSeedOtherData() {
        DataSet a = new NoisySines(20, 4, 2, 0.1, 8, 1, 5).next();
        DataSet b = new NoisySines(20, 4, 2, 0.1, 8, 1, 5).next();
        DataSet c = new NoisySines(20, 4, 2, 0.1, 8, 1, 6).next();
        assertArrayEquals(
                a.getFeatures().dup().data().asFloat(),
                b.getFeatures().dup().data().asFloat());
        assertArrayEquals(
                a.getLabels().dup().data().asFloat(), b.getLabels().dup().data().asFloat());
        assertFalse(Arrays.equals(
                a.getFeatures().dup().data().asFloat(),
                c.getFeatures().dup().data().asFloat()));
        assertArrayEquals(new long[] {8, 1, 20}, a.getFeatures().shape());
        assertArrayEquals(new long[] {8, 4}, a.getLabels().shape());
    }

    @Test
    void signalAndNoiseHaveTheDocumentedPower() {
        int k = 3;
        DataSet clean = new NoisySines(40, 40, k, 0.0, 2000, 1, 1).next();
        DataSet noisy = new NoisySines(40, 40, k, 0.5, 2000, 1, 1).next();
        // E[s²] = k · E[a²] / 2 with a ~ U[0.5, 1.5]: E[a²] = 13/12
        double power = clean.getLabels().norm2Number().doubleValue();
        power = power * power / clean.getLabels().length();
        assertEquals(k * 13.0 / 12 / 2, power, 0.08);
        // same seed: the clean continuation is identical, the inputs differ by the noise alone
        assertArrayEquals(
                clean.getLabels().dup().data().asFloat(),
                noisy.getLabels().dup().data().asFloat());
        double noise = noisy.getFeatures().sub(clean.getFeatures()).stdNumber().doubleValue();
        assertTrue(noise > 0.45 && noise < 0.55, "noise std " + noise);
    }

    @Test
    void anLstmForecastsFarBetterThanPredictingZero() {
        NoisySines train = new NoisySines(30, 3, 1, 0.05, 32, 150, 2);
        DataSet test = new NoisySines(30, 3, 1, 0.05, 256, 1, 99).next();
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(1)
                .updater(new Adam(0.01))
                .list()
                .layer(new LastTimeStep(new Lstm.Builder().nIn(1).nOut(24).build()))
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
                        .activation(Activation.IDENTITY)
                        .nIn(24)
                        .nOut(3)
                        .build())
                .build());
        net.init();
        net.fit(train, 2);
        double mse = net.output(test.getFeatures()).squaredDistance(test.getLabels())
                / test.getLabels().length();
        double zero = test.getLabels().norm2Number().doubleValue();
        zero = zero * zero / test.getLabels().length();
        assertTrue(mse < 0.25 * zero, "MSE " + mse + " vs " + zero + " for predicting 0");
    }
}
