package org.recurrent4j.cell;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The math of one recurrent step, forward and backward, on a whole mini-batch.
 *
 * <p>A cell does not own time: {@link org.recurrent4j.layer.CellLoopLayer} runs the loop, computes
 * the input projection of all steps with one matrix product, applies masks and keeps the state
 * between calls. The cell turns that projection and the previous state into the new state, and
 * back.
 *
 * <p>Every array a cell sees is <em>feature-major</em>: a step's values are {@code [rows, batch]}
 * in C order, so each gate's block of rows is one contiguous piece of memory and every element-wise
 * operation runs over contiguous data. The input projection of step {@code t} is {@code z_t = W_ih
 * x_t + b_ih} with shape {@code [G·H, batch]}, where {@code G} is {@link #gates()} and {@code H}
 * the hidden size.
 *
 * <p>A cell instance is created per forward pass by {@link CellSpec#begin} and remembers what its
 * backward pass needs; it is not shared between threads or passes.
 */
public interface RecurrentCell {

    /**
     * Computes step {@code t}: reads {@code z} at step t and the states at t, writes the states at
     * {@code t + 1}, and may overwrite {@code z} at step t with what its backward step needs.
     */
    void forward(int t, SequenceState s);

    /**
     * Back-propagates through step {@code t} (steps are visited from last to first): reads {@code
     * s.dh} (and {@code s.dc}), the gradients with respect to the state after the step; writes
     * {@code dL/dz_t} into {@code z} at step t, and {@code s.dhPrev} (and {@code s.dcPrev}).
     */
    void backward(int t, SequenceState s);

    /**
     * Writes the gradients of the cell's own parameters (everything but {@code Wih} and {@code
     * bih}) after the backward loop, with a few products over all steps. Only steps {@code from}
     * to {@code T − 1} were back-propagated (truncated BPTT stops earlier); {@code z} holds {@code
     * dL/dz} and is zero before {@code from}.
     *
     * @param gradients the layer's gradient views by parameter key; the cell assigns its own keys
     */
    void parameterGradients(int from, SequenceState s, Map<String, INDArray> gradients);
}
