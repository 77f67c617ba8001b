package org.recurrent4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FastExpTest {

    @Test
    void withinTheStatedRelativeErrorOverTheNormalRange() {
        double worst = 0;
        float worstAt = 0;
        // Every 97th float32 bit pattern between the limits, both signs: about 22 million values.
        for (int sign = 0; sign < 2; sign++) {
            for (int bits = 0; bits < 0x7f800000; bits += 97) {
                float x = Float.intBitsToFloat(bits | (sign << 31));
                if (x < -87.33654f || x > 88.7228f) {
                    continue;
                }
                double exact = Math.exp(x);
                double error = Math.abs(FastExp.exp(x) - exact) / exact;
                if (error > worst) {
                    worst = error;
                    worstAt = x;
                }
            }
        }
        assertTrue(worst <= 3.0e-7, "relative error " + worst + " at x = " + worstAt);
    }

    @Test
    void limitsAndSpecialValues() {
        assertEquals(1f, FastExp.exp(0f));
        assertEquals(0f, FastExp.exp(-100f));
        assertEquals(0f, FastExp.exp(Float.NEGATIVE_INFINITY));
        assertEquals(Float.POSITIVE_INFINITY, FastExp.exp(89f));
        assertEquals(Float.POSITIVE_INFINITY, FastExp.exp(Float.POSITIVE_INFINITY));
        assertTrue(Float.isNaN(FastExp.exp(Float.NaN)));
        assertTrue(FastExp.exp(88.7f) < Float.POSITIVE_INFINITY);
    }
}
