package org.recurrent4j.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class TokenSamplerTest {

    private static final double[] P = {0.05, 0.5, 0.15, 0.3};

    @Test
    void greedyTakesTheMostProbableFirstOfEqualOnes() {
        assertEquals(1, TokenSampler.greedy().draw(P, new Random(1)));
        assertEquals(0, TokenSampler.greedy().draw(new double[] {0.4, 0.4, 0.2}, new Random(1)));
        assertArrayEquals(new double[] {0, 1, 0, 0}, TokenSampler.greedy().distribution(P), 0.0);
    }

    @Test
    void temperatureRaisesToThePowerOneOverTau() {
        double tau = 0.5;
        double[] q = TokenSampler.withTemperature(tau).distribution(P);
        double total = 0;
        for (double p : P) {
            total += Math.pow(p, 1 / tau);
        }
        for (int i = 0; i < P.length; i++) {
            assertEquals(Math.pow(P[i], 1 / tau) / total, q[i], 1e-15);
        }
        assertArrayEquals(P, TokenSampler.unchanged().distribution(P), 1e-15);
        // Unnormalized input is normalized.
        assertArrayEquals(P, TokenSampler.unchanged().distribution(new double[] {0.1, 1.0, 0.3, 0.6}), 1e-15);
    }

    @Test
    void aVeryLowTemperatureDoesNotUnderflow() {
        double[] q = TokenSampler.withTemperature(1e-3).distribution(P);
        assertEquals(1.0, q[1], 1e-12);
    }

    @Test
    void topKKeepsTheKMostProbable() {
        assertArrayEquals(
                new double[] {0, 0.5 / 0.8, 0, 0.3 / 0.8},
                TokenSampler.unchanged().topK(2).distribution(P),
                1e-15);
        assertArrayEquals(P, TokenSampler.unchanged().topK(10).distribution(P), 1e-15);
    }

    @Test
    void topPKeepsTheFewestWhoseMassReachesP() {
        // Sorted: 0.5, 0.3, 0.15, 0.05; 0.5 + 0.3 reaches 0.8 exactly.
        assertArrayEquals(
                new double[] {0, 0.5 / 0.8, 0, 0.3 / 0.8},
                TokenSampler.unchanged().topP(0.8).distribution(P),
                1e-15);
        assertArrayEquals(
                new double[] {0, 0.5 / 0.95, 0.15 / 0.95, 0.3 / 0.95},
                TokenSampler.unchanged().topP(0.81).distribution(P),
                1e-15);
        assertArrayEquals(
                new double[] {0, 1, 0, 0}, TokenSampler.unchanged().topP(0.1).distribution(P), 0.0);
        // With top-k, P is of what k kept: top-2 leaves 0.625, 0.375.
        assertArrayEquals(
                new double[] {0, 1, 0, 0},
                TokenSampler.unchanged().topK(2).topP(0.6).distribution(P),
                0.0);
    }

    /** Frequencies of 40,000 draws match the distribution (within 5 standard errors). */
    @Test
    void drawsFollowTheDistribution() {
        TokenSampler sampler = TokenSampler.withTemperature(0.7).topK(3);
        double[] q = sampler.distribution(P);
        int n = 40_000;
        int[] counts = new int[P.length];
        Random random = new Random(11);
        for (int i = 0; i < n; i++) {
            counts[sampler.draw(P, random)]++;
        }
        assertEquals(0, counts[0], "cut by top-k");
        for (int i = 0; i < P.length; i++) {
            double se = Math.sqrt(q[i] * (1 - q[i]) / n);
            assertTrue(Math.abs(counts[i] / (double) n - q[i]) <= 5 * se + 1e-12, "token " + i);
        }
    }

    @Test
    void describesOnlyTheSettingsInUse() {
        assertEquals("greedy", TokenSampler.greedy().toString());
        assertEquals("temperature 0.8", TokenSampler.withTemperature(0.8).toString());
        assertEquals(
                "temperature 0.8, top-k 40, top-p 0.95",
                TokenSampler.withTemperature(0.8).topK(40).topP(0.95).toString());
    }

    @Test
    void badSettingsAndInputsAreRejectedWithTheValue() {
        assertMessage(() -> TokenSampler.withTemperature(0), "got 0.0");
        assertMessage(() -> TokenSampler.withTemperature(Double.NaN), "got NaN");
        assertMessage(() -> TokenSampler.unchanged().topK(-1), "got -1");
        assertMessage(() -> TokenSampler.unchanged().topP(0), "got 0.0");
        assertMessage(() -> TokenSampler.unchanged().topP(1.5), "got 1.5");
        assertMessage(() -> TokenSampler.unchanged().distribution(new double[] {0.5, -0.1}), "probability 1 is -0.1");
        assertMessage(() -> TokenSampler.unchanged().distribution(new double[] {0, 0}), "every probability is 0");
        assertMessage(() -> TokenSampler.unchanged().distribution(new double[0]), "no probabilities");
    }

    private static void assertMessage(Runnable r, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
