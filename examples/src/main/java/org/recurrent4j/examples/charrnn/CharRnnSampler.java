package org.recurrent4j.examples.charrnn;

import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.recurrent4j.text.CharacterVocabulary;

/**
 * Generates text from a trained char-RNN one character at a time with {@code rnnTimeStep}: the
 * network keeps its state between calls, so each step costs one step.
 *
 * <p>Temperature {@code τ} reshapes the predicted distribution {@code p} to {@code p^(1/τ)}
 * (renormalized): below 1 it is more conservative, above 1 more adventurous.
 */
public final class CharRnnSampler {

    private CharRnnSampler() {}

    /**
     * @param prime text to start from (every character must be in the vocabulary)
     * @return {@code prime} followed by {@code length} generated characters
     */
    public static String sample(
            MultiLayerNetwork net,
            CharacterVocabulary vocabulary,
            String prime,
            int length,
            double temperature,
            Random random) {
        if (prime.isEmpty()) {
            throw new IllegalArgumentException("the prime text must not be empty");
        }
        int v = vocabulary.size();
        net.rnnClearPreviousState();
        int[] primed = vocabulary.encode(prime, "prime text");
        INDArray input = Nd4j.zeros(DataType.FLOAT, 1, v, primed.length);
        for (int t = 0; t < primed.length; t++) {
            input.putScalar(0, primed[t], t, 1f);
        }
        INDArray out = net.rnnTimeStep(input);
        StringBuilder text = new StringBuilder(prime);
        double[] p = new double[v];
        for (int i = 0; i < length; i++) {
            INDArray last = out.get(
                    org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                    org.nd4j.linalg.indexing.NDArrayIndex.all(),
                    org.nd4j.linalg.indexing.NDArrayIndex.point(out.size(2) - 1));
            int next = draw(last.toDoubleVector(), p, temperature, random);
            text.appendCodePoint(vocabulary.codePoint(next));
            INDArray step = Nd4j.zeros(DataType.FLOAT, 1, v, 1);
            step.putScalar(0, next, 0, 1f);
            out = net.rnnTimeStep(step);
        }
        net.rnnClearPreviousState();
        return text.toString();
    }

    private static int draw(double[] probabilities, double[] scratch, double temperature, Random random) {
        double total = 0;
        for (int i = 0; i < probabilities.length; i++) {
            scratch[i] = Math.pow(Math.max(probabilities[i], 1e-30), 1.0 / temperature);
            total += scratch[i];
        }
        double r = random.nextDouble() * total;
        for (int i = 0; i < scratch.length; i++) {
            r -= scratch[i];
            if (r <= 0) {
                return i;
            }
        }
        return scratch.length - 1;
    }
}
