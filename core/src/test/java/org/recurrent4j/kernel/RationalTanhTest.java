package org.recurrent4j.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RationalTanhTest {

    /** The bounds that fit_rational_tanh.py measured on every float32, and the Javadoc states. */
    private static final double TANH_BOUND = 3.8e-7;

    private static final double SIGMOID_BOUND = 2.2e-7;

    @Test
    void staysWithinTheStatedBoundOnEveryFloatOfADenseSample() {
        int top = Float.floatToIntBits(20f);
        double tanhWorst = 0;
        double sigmoidWorst = 0;
        // Every 61st float32 from the smallest subnormal to 20: about 18 million inputs, every binade.
        for (int bits = 1; bits < top; bits += 61) {
            float x = Float.intBitsToFloat(bits);
            double exact = Math.tanh(x);
            tanhWorst = Math.max(tanhWorst, Math.abs(RationalTanh.tanh(x) - exact));
            assertEquals(-RationalTanh.tanh(x), RationalTanh.tanh(-x), "tanh is odd at " + x);
            double sigmoid = 1 / (1 + Math.exp(-x));
            sigmoidWorst = Math.max(sigmoidWorst, Math.abs(RationalTanh.sigmoid(x) - sigmoid));
            sigmoidWorst = Math.max(sigmoidWorst, Math.abs(RationalTanh.sigmoid(-x) - (1 - sigmoid)));
        }
        assertTrue(tanhWorst <= TANH_BOUND, "tanh error " + tanhWorst);
        assertTrue(sigmoidWorst <= SIGMOID_BOUND, "sigmoid error " + sigmoidWorst);
        // The bound is tight, not loose enough to hide a wrong coefficient.
        assertTrue(tanhWorst > TANH_BOUND / 4, "tanh error " + tanhWorst);
    }

    @Test
    void endsAndSpecialValues() {
        assertEquals(0f, RationalTanh.tanh(0f));
        assertEquals(0.5f, RationalTanh.sigmoid(0f));
        assertEquals(1.0, RationalTanh.tanh(Float.POSITIVE_INFINITY), TANH_BOUND);
        assertEquals(-1.0, RationalTanh.tanh(Float.NEGATIVE_INFINITY), TANH_BOUND);
        assertEquals(1.0, RationalTanh.sigmoid(Float.MAX_VALUE), SIGMOID_BOUND);
        assertEquals(0.0, RationalTanh.sigmoid(-Float.MAX_VALUE), SIGMOID_BOUND);
        assertTrue(Float.isNaN(RationalTanh.tanh(Float.NaN)));
        assertTrue(Float.isNaN(RationalTanh.sigmoid(Float.NaN)));
        assertEquals(1e-30f, RationalTanh.tanh(1e-30f), "tanh(x) = x for tiny x");
    }

    @Test
    void theLoopsAgreeWithTheScalarFunctions() {
        Random random = new Random(3);
        float[] x = new float[1000];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextGaussian() * 6);
        }
        float[] tanh = x.clone();
        float[] sigmoid = x.clone();
        RationalTanh.tanh(tanh, 10, 990);
        RationalTanh.sigmoid(sigmoid, 10, 990);
        float[] expectedTanh = x.clone();
        float[] expectedSigmoid = x.clone();
        for (int i = 10; i < 990; i++) {
            expectedTanh[i] = RationalTanh.tanh(x[i]);
            expectedSigmoid[i] = RationalTanh.sigmoid(x[i]);
        }
        assertArrayEquals(expectedTanh, tanh);
        assertArrayEquals(expectedSigmoid, sigmoid);
    }
}
