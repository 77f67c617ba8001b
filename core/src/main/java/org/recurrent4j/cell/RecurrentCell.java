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
     * Computes step {@code t}.
     *
     * @param t step index, 0-based
     * @param z input projection {@code [G·H, B]}; the cell may overwrite it (it is the cell's own
     *     storage for step {@code t} until {@link #backward} of the same step)
     * @param hPrev hidden state before the step {@code [H, B]}
     * @param cPrev memory cell before the step {@code [H, B]}, or null for cells without one
     * @param hOut receives the new hidden state {@code [H, B]}
     * @param cOut receives the new memory cell {@code [H, B]}, or null for cells without one
     */
    void forward(int t, INDArray z, INDArray hPrev, INDArray cPrev, INDArray hOut, INDArray cOut);

    /**
     * Back-propagates through step {@code t}; steps are visited from last to first.
     *
     * @param dh gradient of the loss with respect to this step's new hidden state {@code [H, B]}
     * @param dc gradient with respect to the new memory cell {@code [H, B]}, or null
     * @param hPrev hidden state before the step
     * @param cPrev memory cell before the step, or null
     * @param cOut memory cell after the step, or null
     * @param dz receives the gradient with respect to the input projection {@code [G·H, B]}
     * @param dhPrev receives the gradient with respect to {@code hPrev}
     * @param dcPrev receives the gradient with respect to {@code cPrev}, or null
     */
    void backward(
            int t,
            INDArray dh,
            INDArray dc,
            INDArray hPrev,
            INDArray cPrev,
            INDArray cOut,
            INDArray dz,
            INDArray dhPrev,
            INDArray dcPrev);

    /**
     * Writes the gradients of the cell's own parameters (everything but {@code Wih} and {@code
     * b_ih}) after the backward loop, with a few products over all steps. Only steps {@code from}
     * to {@code T − 1} were back-propagated (truncated BPTT stops earlier); the arrays below are
     * the layer's, over all {@code T} steps, and the cell uses steps {@code [from, T)} of them
     * and of its own storage.
     *
     * @param from the first back-propagated step
     * @param dz gradients of the input projections of all steps {@code [T, G·H, B]} (zero outside
     *     the back-propagated range)
     * @param hPrev hidden states before each step {@code [T, H, B]}
     * @param cPrev memory cells before each step {@code [T, H, B]}, or null
     * @param cOut memory cells after each step {@code [T, H, B]}, or null
     * @param gradients the layer's gradient views by parameter key; the cell assigns its own keys
     */
    void parameterGradients(
            int from, INDArray dz, INDArray hPrev, INDArray cPrev, INDArray cOut, Map<String, INDArray> gradients);
}
