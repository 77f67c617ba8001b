package org.recurrent4j.testkit;

import java.util.Map;

/**
 * A cell's equations written as plain Java on {@code double} arrays, one step of one example: the
 * independent reference {@link CellTestKit} compares the layer with ({@link CellCheck#REFERENCE}).
 * Write it straight from the equations, without the layer's layouts or tricks: its value is that it
 * shares no code with the cell.
 *
 * <pre>{@code
 * // IndRNN: h_t = tanh(W_ih x_t + b_ih + u ⊙ h_{t−1})
 * ReferenceStep indRnn = (x, state, p) -> {
 *     double[][] w = p.matrix("Wih");
 *     double[] b = p.vector("bih"), u = p.vector("u"), h = state.get("h");
 *     double[] next = new double[h.length];
 *     for (int j = 0; j < h.length; j++) {
 *         double a = b[j] + u[j] * h[j];
 *         for (int i = 0; i < x.length; i++) {
 *             a += w[j][i] * x[i];
 *         }
 *         next[j] = Math.tanh(a);
 *     }
 *     return new ReferenceStep.Result(next, Map.of("h", next));
 * };
 * }</pre>
 */
@FunctionalInterface
public interface ReferenceStep {

    /**
     * One step of one example.
     *
     * @param x the input {@code x_t}, {@code [nIn]}
     * @param state the state before the step by name, as {@code rnnGetPreviousState} holds it:
     *     every entry the cell declares ({@code h}, {@code c}, ...) and a windowed projection's past
     *     inputs {@code x}, each {@code [size]}; the arrays are the reference's to keep or change
     * @param parameters the layer's parameters
     * @return the step's output {@code h_t} ({@code [H]}) and the state after it (every entry of
     *     {@code state})
     */
    Result step(double[] x, Map<String, double[]> state, ReferenceParameters parameters);

    /**
     * What one step gives.
     *
     * @param output {@code h_t}, {@code [H]}
     * @param state the state after the step, by name
     */
    record Result(double[] output, Map<String, double[]> state) {}
}
