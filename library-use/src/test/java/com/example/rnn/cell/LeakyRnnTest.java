package com.example.rnn.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.nd4j.linalg.factory.Nd4j;
import org.recurrent4j.conf.CellType;
import org.recurrent4j.kernel.KernelPath;
import org.recurrent4j.testkit.CellTestKit;
import org.recurrent4j.testkit.ReferenceStep;

/**
 * recurrent4j's own battery on this project's cell, as a user runs it: one line for the kit, and
 * the cell's equations once more in plain Java for the reference check.
 */
class LeakyRnnTest {

    static final CellType LEAKY_RNN =
            CellType.of("leaky_rnn", (nIn, nOut) -> new LeakyRnn.Builder().nIn(nIn).nOut(nOut).build());

    /** {@code h_t = ½ h_{t−1} + ½ tanh(W_ih x_t + b_ih + W_hh h_{t−1})}, one example at a time. */
    static final ReferenceStep REFERENCE = (x, state, p) -> {
        double[][] wih = p.matrix("Wih");
        double[][] whh = p.matrix("Whh");
        double[] bih = p.vector("bih");
        double[] h = state.get("h");
        double[] next = new double[h.length];
        for (int j = 0; j < h.length; j++) {
            double a = bih[j];
            for (int i = 0; i < x.length; i++) {
                a += wih[j][i] * x[i];
            }
            for (int k = 0; k < h.length; k++) {
                a += whh[j][k] * h[k];
            }
            next[j] = 0.5 * h[j] + 0.5 * Math.tanh(a);
        }
        return new ReferenceStep.Result(next, Map.of("h", next));
    };

    @TestFactory
    Stream<DynamicTest> recurrent4jsChecks() {
        return CellTestKit.forCell(LEAKY_RNN).withReference(REFERENCE).tests();
    }

    /** The backend this project chose (nd4j-native for one platform, see pom.xml) runs the direct kernels. */
    @Test
    void theChosenBackendRunsTheDirectKernels() {
        assertTrue(Nd4j.getEnvironment().isCPU(), Nd4j.getBackend().getClass().getName());
        assertEquals(KernelPath.DIRECT, KernelPath.active());
    }
}
