package org.recurrent4j.cell;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A recurrent cell: the math of one step, which one loop ({@link
 * org.recurrent4j.layer.CellLoopLayer}) runs over time. This is what a cell author implements.
 *
 * <p>A cell declares three things, and the loop computes nothing a cell did not declare:
 *
 * <ul>
 *   <li>its <b>input side</b>, {@link #projection}: how the input {@code x_t} becomes the rows of
 *       pre-activations {@code a_t} the step reads ({@code a_t = W_ih x_t + b}, or a causal window
 *       {@code W_ih [x_{t−k+1}; …; x_t] + b}), done for all steps at once with large matrix
 *       products;
 *   <li>its <b>state</b>, {@link #state}: the named vectors carried from step to step ({@code h},
 *       {@code c}, ...), which {@code rnnTimeStep}, truncated BPTT, masks and external initial
 *       states follow;
 *   <li>its <b>parameters</b>, {@link #parameters}, each with its shape and initializer.
 * </ul>
 *
 * <p>Then {@link #begin} returns the cell's {@link Steps} for one pass: the object that computes
 * each step forward and backward on a whole mini-batch, in the {@link WorkArrays} of that pass. A
 * cell whose recurrence is element-wise only (no matrix product of the state) may return {@link
 * WholeSequenceSteps} instead, which can also run all steps at once per hidden unit, and which the
 * loop then prefers.
 *
 * <p>A cell definition is immutable and serializable; it is created by its layer configuration
 * (see {@link org.recurrent4j.conf.RecurrentCellLayer#cell()}). "Writing a cell" in docs/layers.md
 * walks through a complete one.
 */
public interface Cell extends Serializable {

    /** How the input becomes the pre-activations: row count, window width, bias terms. */
    InputProjection projection(int nIn, int hidden);

    /**
     * The state carried from step to step, in order. A cell whose output recurs declares {@link
     * StateEntry#H} ({@code [H]}, the output itself); a cell that recurs only through a memory
     * cell (QRNN, SRU) declares only {@code c}, and its output {@code h_t} is then not state.
     */
    List<StateEntry> state(int hidden);

    /** The cell's own parameters (beyond the projection's {@code Wih}, {@code bih}), in storage order. */
    List<CellParameter> parameters(int nIn, int hidden);

    /**
     * Starts a pass over the sequences held in {@code arrays}, whose pre-activations are computed and
     * whose initial states are set, and returns what computes its steps.
     *
     * @param params every parameter of the layer by key (after weight noise, if any)
     */
    Steps begin(Map<String, INDArray> params, WorkArrays arrays);

    /**
     * The steps of one pass of a cell over a batch of sequences, forward then (in training)
     * backward. It keeps what its backward steps need (usually by overwriting the pre-activations
     * with the gate activations, see {@link WorkArrays#gatesAndGradients}), and is used by one
     * thread for one pass.
     *
     * <p>Contract of the arrays (see {@link WorkArrays} for the layouts):
     *
     * <ul>
     *   <li>{@link #forward}: reads {@code a_t} ({@code s.gatesAndGradients} at step t) and the
     *       states at index t; writes the output {@code h} and every declared state at index {@code
     *       t + 1}, and may overwrite {@code a_t} with what its backward step needs. The loop then
     *       applies the step's mask (a padded step carries every state over).
     *   <li>{@link #backward} (steps from last to first): reads {@code s.dh}, {@code ∂L/∂h_t}, and
     *       {@code s.dState(e)} for each declared state e, the gradient with respect to the state
     *       after the step; writes {@code ∂L/∂a_t} into {@code s.gatesAndGradients} at step t and
     *       {@code s.dStatePrev(e)} for each declared state (overwriting, not adding). (For {@code h}
     *       declared as state, {@code dState("h")} is {@code s.dh} and {@code dStatePrev("h")} is
     *       {@code s.dhPrev}.)
     *   <li>{@link #parameterGradients}: after the backward loop, writes the gradients of the
     *       cell's own parameters into {@code s.gradient(key)}.
     *   <li>{@link #inputGradient}: adds any direct {@code ∂L/∂x} term of a cell that reads {@code
     *       x} itself into {@code s.dx()}, which already holds the projection's part.
     * </ul>
     *
     * <p>Padded steps: {@link #forward} runs on them like on any step (the loop then restores the
     * states), and {@link #backward} is called for them with zero gradients ({@code s.dh} and every
     * {@code s.dState(e)} are zero for a padded example). The cell must add nothing there: {@code
     * ∂L/∂a_t} and {@code dStatePrev} of a padded example must come out zero, which a backward step
     * linear in the incoming gradients does by itself; a term that does not scale with them (a
     * penalty, say) must skip examples where {@code !s.real(t, b)}. {@link #parameterGradients}
     * sums over every step, padded ones included, so a non-zero {@code ∂L/∂a_t} there would leak
     * into the weights.
     */
    interface Steps {

        /** Computes step {@code t}. */
        void forward(int t, WorkArrays s);

        /** Back-propagates through step {@code t}. */
        void backward(int t, WorkArrays s);

        /**
         * Writes the gradients of the cell's own parameters into {@code s.gradient(key)}, and of
         * any bias terms it added itself. Only steps {@code from} to {@code T − 1} were
         * back-propagated (truncated BPTT stops earlier); {@code s.gatesAndGradients} holds {@code ∂L/∂a} and
         * is zero before {@code from}.
         */
        void parameterGradients(int from, WorkArrays s);

        /**
         * Adds the direct input-gradient term of a cell that reads {@code x_t} itself (SRU's
         * highway, for example) into {@code s.dx()}, for steps {@code from} to {@code T − 1}. The
         * default adds nothing.
         */
        default void inputGradient(int from, WorkArrays s) {}
    }

    /**
     * Steps that can also run over all steps at once, hidden unit by hidden unit: possible when
     * the recurrence is element-wise ({@code c_t = f_t ⊙ c_{t−1} + …}) and the step needs no
     * matrix product of the state. The loop splits the hidden units over the cores and calls each
     * method once per chunk, instead of calling {@link #forward}/{@link #backward} per step (two
     * fork-joins per step saved). Both paths must compute the same numbers.
     *
     * <p>Masks are the cell's to apply here: at a padded step ({@code !s.real(t, b)}) every state
     * is carried over unchanged, and backward the state gradient passes through it unchanged with
     * {@code ∂L/∂a_t = 0}.
     */
    interface WholeSequenceSteps extends Steps {

        /** Forward over all steps, for hidden units {@code [from, to)}. */
        void forwardRows(int from, int to, WorkArrays s);

        /**
         * Backward over steps {@code T − 1} down to {@code firstStep}, for hidden units {@code
         * [from, to)}: reads {@code s.epsilon()} ({@code ∂L/∂h} of the output, zero on padded
         * steps), writes {@code ∂L/∂a} into {@code s.gatesAndGradients} for those steps, and the gradient with
         * respect to each declared initial state into {@code s.initialGradient(e)}.
         */
        void backwardRows(int from, int to, int firstStep, WorkArrays s);
    }
}
