package org.recurrent4j.training;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.recurrent4j.conf.Rnn;
import org.recurrent4j.init.OrthogonalInit;

/**
 * Exploding gradients: a ReLU RNN whose recurrent weights are orthogonal with gain 1.6 (the state
 * grows by about 1.6/√2 per step through the rectifier) on the adding problem with T = 100. At
 * initialization its outputs, and so its gradients, are huge (test MSE 2.4e4 with seed 1). Plain
 * SGD takes one step along that gradient and the loss blows up (measured 3e22 after 150 steps, or
 * NaN), while the same SGD with the layer's gradient norm clipped (DL4J's {@code ClipL2PerLayer},
 * threshold 0.5) brings the test MSE down by four to five orders of magnitude (measured 0.36,
 * median of the last five evaluations) in 150 steps.
 *
 * <p>Why {@code ClipL2PerLayer}: it rescales a layer's whole gradient when its L2 norm exceeds
 * the threshold (the norm clipping of Pascanu et al. 2013), so the step keeps the gradient's
 * direction and only its length is bounded; {@code ClipElementWiseAbsoluteValue} clips each
 * component on its own, which changes the direction, and trained less steadily on this task
 * (spikes to 1e5 late in training).
 */
class ExplodingGradientTest {

    private static final int STEPS = 100;
    private static final int ITERATIONS = 150;

    private static MultiLayerNetwork network(GradientNormalization clipping) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(1)
                .dataType(DataType.FLOAT)
                .updater(new Sgd(0.01))
                .gradientNormalization(clipping)
                .gradientNormalizationThreshold(0.5)
                .list()
                .layer(new LastTimeStep(new Rnn.Builder()
                        .nIn(2)
                        .nOut(32)
                        .activation(Activation.RELU)
                        .weightInitRecurrent(new OrthogonalInit(1.6))
                        .build()))
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
                        .activation(Activation.IDENTITY)
                        .nIn(32)
                        .nOut(1)
                        .build())
                .build());
        net.init();
        return net;
    }

    /** The test MSE every 10 iterations; element 0 is before training. */
    private static double[] train(MultiLayerNetwork net) {
        DataSet test = GradientFlowListenerTest.addingProblem(256, STEPS, 999);
        double[] scores = new double[ITERATIONS / 10 + 1];
        scores[0] = net.score(test);
        for (int i = 0; i < ITERATIONS; i++) {
            net.fit(GradientFlowListenerTest.addingProblem(32, STEPS, i));
            if ((i + 1) % 10 == 0) {
                scores[(i + 1) / 10] = net.score(test);
            }
        }
        return scores;
    }

    @Test
    void divergesWithoutClippingAndTrainsWithIt() {
        double[] plain = train(network(GradientNormalization.None));
        double[] clipped = train(network(GradientNormalization.ClipL2PerLayer));

        double initial = clipped[0];
        assertTrue(initial > 1e3, "the large recurrent gain makes the untrained outputs huge: " + initial);
        double end = plain[plain.length - 1];
        assertTrue(!Double.isFinite(end) || end > 1e10, "without clipping SGD blows up: " + Arrays.toString(plain));

        double[] last = Arrays.copyOfRange(clipped, clipped.length - 5, clipped.length);
        Arrays.sort(last);
        assertTrue(
                last[2] < 1.0,
                "with ClipL2PerLayer the test MSE falls from " + initial + " below 1: " + Arrays.toString(clipped));
    }
}
