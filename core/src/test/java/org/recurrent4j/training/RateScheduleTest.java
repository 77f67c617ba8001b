package org.recurrent4j.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RateScheduleTest {

    @Test
    void eachDecayRunsFromTheInitialToTheEndRate() {
        for (RateSchedule decay : List.of(RateSchedule.linear(2e-3, 1e-4), RateSchedule.cosine(2e-3, 1e-4))) {
            assertEquals(2e-3, decay.rate(0, 0), 1e-15, decay + " at the start");
            assertEquals(1e-4, decay.rate(1, 0), 1e-15, decay + " at the end");
            assertEquals(1e-4, decay.rate(1.7, 0), 1e-15, decay + " after the budget");
            assertEquals(1.05e-3, decay.rate(0.5, 0), 1e-15, decay + " half way");
            double previous = Double.POSITIVE_INFINITY;
            for (int i = 0; i <= 20; i++) {
                double rate = decay.rate(i / 20.0, i);
                assertTrue(rate < previous, decay + " falls at every step");
                previous = rate;
            }
        }
        assertEquals(2e-3, RateSchedule.constant(2e-3).rate(0.8, 17), 0);
    }

    @Test
    void cosineFallsSlowlyAtFirstAndLinearEvenly() {
        assertEquals(2e-3 - 1.9e-3 * 0.25, RateSchedule.linear(2e-3, 1e-4).rate(0.25, 0), 1e-15);
        double cosineQuarter = 1e-4 + 1.9e-3 * (1 + Math.cos(Math.PI / 4)) / 2;
        assertEquals(cosineQuarter, RateSchedule.cosine(2e-3, 1e-4).rate(0.25, 0), 1e-15);
        assertTrue(cosineQuarter > RateSchedule.linear(2e-3, 1e-4).rate(0.25, 0));
    }

    @Test
    void aWarmUpRisesLinearlyToTheScheduleAfterIt() {
        RateSchedule s = RateSchedule.warmUp(4, RateSchedule.cosine(1e-3, 0));
        assertEquals(1e-3 * 1 / 4, s.rate(0, 0), 1e-18);
        assertEquals(1e-3 * 3 / 4, s.rate(0, 2), 1e-18);
        assertEquals(RateSchedule.cosine(1e-3, 0).rate(0.3, 4), s.rate(0.3, 4), 0);
        assertEquals(RateSchedule.cosine(1e-3, 0).rate(0.9, 100), s.rate(0.9, 100), 0);
        assertEquals(1e-3, s.initialRate(), 0);
    }

    @Test
    void theTextFormReadsBackAsTheSameSchedule() {
        for (RateSchedule s : List.of(
                RateSchedule.constant(0.01),
                RateSchedule.linear(2e-3, 1e-4),
                RateSchedule.cosine(3e-3, 0),
                RateSchedule.warmUp(250, RateSchedule.linear(1e-3, 1e-5)))) {
            assertEquals(s, RateSchedule.parse(s.text()), s.text());
        }
        assertEquals(
                RateSchedule.cosine(5e-4, 1e-4), RateSchedule.cosine(2e-3, 1e-4).startingAt(5e-4));
    }

    @Test
    void aDecayThatRisesOrATextThatIsNoScheduleIsRefusedWithTheReason() {
        IllegalArgumentException rising =
                assertThrows(IllegalArgumentException.class, () -> RateSchedule.linear(1e-4, 1e-3));
        assertTrue(rising.getMessage().contains("above the initial one"), rising.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RateSchedule.constant(Double.NaN));
        IllegalArgumentException text =
                assertThrows(IllegalArgumentException.class, () -> RateSchedule.parse("step 0.1 0.5"));
        assertTrue(text.getMessage().contains("'step 0.1 0.5'"), text.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RateSchedule.parse("cosine x 1"));
    }
}
