package org.recurrent4j.training;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@link GradientFlowListener} saw in one training iteration (maps keep the network's order
 * of layers and parameters).
 *
 * @param iteration the network's iteration count when the gradient was computed
 * @param epoch the network's epoch count
 * @param score the network's score for the iteration (the loss averaged over the mini-batch, plus
 *     regularization, as {@code score()} reports it)
 * @param stateGradientNorms for each recurrent4j recurrent layer (by name, see {@link
 *     GradientFlowListener}), {@code ‖∂L/∂h_k‖} for k = 0 … T−1 in the order of the input
 *     sequence: the L2 norm over the examples and hidden units of the gradient of the loss with
 *     respect to the hidden state after step k, over the sequence (or truncated-BPTT segment) of
 *     the iteration; {@code NaN} for steps a truncated backward pass did not reach (DL4J
 *     1.0.0-M2.1's {@code fit} backpropagates through each whole segment).
 * @param parameterGradientNorms for each parameter (DL4J's key, e.g. {@code "0_Whh"}), the L2 norm
 *     of its gradient
 */
public record GradientFlowRecord(
        int iteration,
        int epoch,
        double score,
        Map<String, double[]> stateGradientNorms,
        Map<String, Double> parameterGradientNorms) {

    public GradientFlowRecord {
        stateGradientNorms = Collections.unmodifiableMap(new LinkedHashMap<>(stateGradientNorms));
        parameterGradientNorms = Collections.unmodifiableMap(new LinkedHashMap<>(parameterGradientNorms));
    }

    /**
     * {@code ‖∂L/∂h_first‖ / ‖∂L/∂h_last‖} for a layer, over the steps the gradient reached: how much
     * of the gradient at the last step survives back to the first. Far below 1 means vanishing
     * gradients, far above 1 exploding ones.
     *
     * @throws IllegalArgumentException if no layer of that name was recorded
     */
    public double firstToLastRatio(String layer) {
        double[] norms = stateGradientNorms.get(layer);
        if (norms == null) {
            throw new IllegalArgumentException(
                    "no state gradients recorded for layer '" + layer + "'; recorded: " + stateGradientNorms.keySet());
        }
        int first = 0;
        while (first < norms.length && Double.isNaN(norms[first])) {
            first++;
        }
        if (first == norms.length) {
            return Double.NaN;
        }
        return norms[first] / norms[norms.length - 1];
    }
}
