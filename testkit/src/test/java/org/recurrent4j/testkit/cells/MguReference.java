package org.recurrent4j.testkit.cells;

import java.util.Map;
import org.recurrent4j.testkit.ReferenceParameters;
import org.recurrent4j.testkit.ReferenceStep;

/** {@link MguCell}'s equations, plain: {@code f = σ(W_f x + b_f + U_f h)}, {@code n = tanh(W_n x + b_n + U_n (f ⊙ h))}. */
public final class MguReference implements ReferenceStep {

    @Override
    public Result step(double[] x, Map<String, double[]> state, ReferenceParameters p) {
        double[][] wih = p.matrix("Wih");
        double[] bih = p.vector("bih");
        double[][] whh = p.matrix("Whh");
        double[] h = state.get("h");
        int hidden = h.length;
        double[] f = new double[hidden];
        double[] r = new double[hidden];
        for (int j = 0; j < hidden; j++) {
            double a = bih[j] + dot(wih[j], x) + dot(whh[j], h);
            f[j] = 1.0 / (1.0 + Math.exp(-a));
            r[j] = f[j] * h[j];
        }
        double[] next = new double[hidden];
        for (int j = 0; j < hidden; j++) {
            double n = Math.tanh(bih[hidden + j] + dot(wih[hidden + j], x) + dot(whh[hidden + j], r));
            next[j] = (1 - f[j]) * h[j] + f[j] * n;
        }
        return new Result(next, Map.of("h", next));
    }

    static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
