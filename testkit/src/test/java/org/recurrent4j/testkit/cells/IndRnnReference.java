package org.recurrent4j.testkit.cells;

import java.util.Map;
import org.recurrent4j.testkit.ReferenceParameters;
import org.recurrent4j.testkit.ReferenceStep;

/** {@link IndRnnCell}'s equation, plain: {@code h_t = tanh(W_ih x_t + b_ih + u ⊙ h_{t−1})}. */
public final class IndRnnReference implements ReferenceStep {

    @Override
    public Result step(double[] x, Map<String, double[]> state, ReferenceParameters p) {
        double[][] wih = p.matrix("Wih");
        double[] bih = p.vector("bih");
        double[] u = p.vector("u");
        double[] h = state.get("h");
        double[] next = new double[h.length];
        for (int j = 0; j < h.length; j++) {
            next[j] = Math.tanh(bih[j] + MguReference.dot(wih[j], x) + u[j] * h[j]);
        }
        return new Result(next, Map.of("h", next));
    }
}
