package org.recurrent4j.examples.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LearningRateDecayTest {

    @Test
    void eachShapeRunsFromTheInitialToTheEndRate() {
        for (LearningRateDecay decay : new LearningRateDecay[] {LearningRateDecay.LINEAR, LearningRateDecay.COSINE}) {
            assertEquals(2e-3, decay.rate(2e-3, 1e-4, 0), 1e-15, decay + " at the start");
            assertEquals(1e-4, decay.rate(2e-3, 1e-4, 1), 1e-15, decay + " at the end");
            assertEquals(1e-4, decay.rate(2e-3, 1e-4, 1.7), 1e-15, decay + " after the budget");
            assertEquals(1.05e-3, decay.rate(2e-3, 1e-4, 0.5), 1e-15, decay + " half way");
            double previous = Double.POSITIVE_INFINITY;
            for (int i = 0; i <= 20; i++) {
                double rate = decay.rate(2e-3, 1e-4, i / 20.0);
                assertTrue(rate < previous, decay + " falls at every step");
                previous = rate;
            }
        }
        assertEquals(2e-3, LearningRateDecay.NONE.rate(2e-3, 1e-4, 0.8), 0);
    }

    @Test
    void cosineFallsSlowlyAtFirstAndLinearEvenly() {
        assertEquals(2e-3 - 1.9e-3 * 0.25, LearningRateDecay.LINEAR.rate(2e-3, 1e-4, 0.25), 1e-15);
        double cosineQuarter = 1e-4 + 1.9e-3 * (1 + Math.cos(Math.PI / 4)) / 2;
        assertEquals(cosineQuarter, LearningRateDecay.COSINE.rate(2e-3, 1e-4, 0.25), 1e-15);
        assertTrue(cosineQuarter > LearningRateDecay.LINEAR.rate(2e-3, 1e-4, 0.25));
    }
}
