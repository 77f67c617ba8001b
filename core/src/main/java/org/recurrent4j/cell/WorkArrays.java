package org.recurrent4j.cell;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.recurrent4j.kernel.Blas;
import org.recurrent4j.kernel.Buffers;
import org.recurrent4j.kernel.FloatRows;
import org.recurrent4j.kernel.NativeArray;

/**
 * The work arrays of one pass of a layer over a batch of sequences, shared by the loop and the
 * cell's {@link Cell.Steps}. The loop creates them (from memory reused across passes, see {@link
 * org.recurrent4j.kernel.Buffers}); a cell reads and writes them.
 *
 * <p>Layout: rows outermost, then time, then the batch, in C order. Two step layouts exist:
 *
 * <ul>
 *   <li><b>sequence layout</b> {@code [rows, T, B]} ({@link #gatesAndGradients}, {@link
 *       #epsilon()}, every {@link #sequenceBuffer}): index {@code t} is step {@code t}; element
 *       {@code (r, t, b)} is at {@link #sequenceAt sequenceAt(r, t)}{@code + b = r·T·B + t·B + b},
 *       leading dimension {@link #sequenceStride()} {@code = T·B};
 *   <li><b>state layout</b> {@code [size, T + 1, B]} ({@link #h}, every {@link #state}): index
 *       {@code t} is the state <em>before</em> step {@code t} (index 0 the initial state, index
 *       {@code t + 1} what step {@code t} computed); element {@code (r, t, b)} is at {@link
 *       #stateAt stateAt(r, t)}{@code + b}, leading dimension {@link #stateStride()} {@code = (T +
 *       1)·B}.
 * </ul>
 *
 * <p>So a step is a row-major {@code [rows, B]} matrix at offset {@code t·B} with the array's
 * leading dimension, which BLAS takes as it is, and the matrix of all steps {@code [rows, T·B]} is
 * the array itself: projections and weight gradients are single matrix products. Mixing up the two
 * layouts (a state read with {@code sequenceAt}, or a product given the wrong leading dimension) is
 * the classic mistake; the gradient check catches it.
 *
 * <ul>
 *   <li>{@link #x} {@code [nIn, W + T, B]}: the input; its first {@code W = k − 1} steps are a
 *       windowed projection's history (none for a dense one), {@link #xAt} skips them;
 *   <li>{@link #gatesAndGradients} {@code [rows, T, B]}: one array through three phases, see there;
 *   <li>{@link #h} {@code [H, T + 1, B]}: index {@code t + 1} is the output of step {@code t};
 *       index 0 is the initial state when {@code h} is declared as state (zero otherwise);
 *   <li>{@link #state(String)} {@code [size, T + 1, B]}: every other declared state, index 0
 *       initial;
 *   <li>backward: {@link #dh}, {@link #dhPrev}, {@link #dState}, {@link #dStatePrev} ({@code
 *       [size, B]}, element {@code (r, b)} at {@code r·B + b}) around a step; {@link #epsilon()}
 *       {@code [H, T, B]} and {@link #initialGradient} for {@link Cell.WholeSequenceSteps}; {@link
 *       #gradient} for the parameter gradients; {@link #dx()} for the input gradient.
 * </ul>
 *
 * <p>Scratch arrays of the cell's own: {@link #sequenceBuffer} ({@code [rows, T, B]}, sequence
 * layout) for what a step must keep for its backward step, and {@link #buffer} (any shape) for
 * per-step scratch such as a {@code [H, B]} gradient. Both are reused from pass to pass with
 * unspecified contents, so write before reading. Their names share one space per layer (a {@code
 * sequenceBuffer} and a {@code buffer} of the same name are the same memory): prefix them with the
 * cell's name, as in {@code "gru.r*h"}; {@link RecurrentProduct} uses {@code "weights." + key}.
 */
public final class WorkArrays {

    /** Steps {@code T}, batch {@code B}, hidden size {@code H}, input size, projection rows, window history {@code W}. */
    public final int steps, batch, hidden, nIn, rows, history;

    public final DataType type;
    /** Whether this is a training pass (dropout-like behaviour, zoneout, ...). */
    public final boolean training;

    public final NativeArray x;

    /**
     * {@code [rows, T, B]}, one array through a pass's three phases:
     *
     * <ol>
     *   <li>after the projection, the pre-activations {@code a_t} of every step (rows in the
     *       order the cell's {@link InputProjection} declares);
     *   <li>during forward, each {@link Cell.Steps#forward} step may overwrite its step's rows with
     *       what its backward step needs (usually the gate activations {@code σ(a_t)});
     *   <li>during backward, each {@link Cell.Steps#backward} step overwrites its step's rows with
     *       {@code ∂L/∂a_t}, from which the loop forms the projection's weight, bias and input
     *       gradients.
     * </ol>
     */
    public final NativeArray gatesAndGradients;

    public final NativeArray h;
    /** {@code [T, B]}, 1 on real steps and 0 on padded ones, or null when every step is real. */
    public final NativeArray mask;

    public final NativeArray dh;
    public final NativeArray dhPrev;

    private final Buffers buffers;
    private final boolean hIsState;
    private final Map<String, Integer> stateSizes = new LinkedHashMap<>();
    private final Map<String, NativeArray> states = new LinkedHashMap<>();
    private final Map<String, NativeArray> dStates = new LinkedHashMap<>();
    private final Map<String, NativeArray> dStatesPrev = new LinkedHashMap<>();
    private final Map<String, long[]> parameterShapes;
    private final List<String> gradientsStarted = new ArrayList<>();
    /** The caller's gradient read in place by {@link #epsilon()}, or null for the work buffer. */
    private NativeArray epsilonInPlace;

    /**
     * Takes the layer's reusable arrays for a pass (contents unspecified: the loop fills the
     * input, the pre-activations and the initial states).
     *
     * @param cellState the cell's declared state (not a window's)
     * @param parameterShapes every parameter's shape by key, for {@link #gradient}
     */
    public WorkArrays(
            Buffers buffers,
            DataType type,
            int nIn,
            int hidden,
            InputProjection projection,
            List<StateEntry> cellState,
            Map<String, long[]> parameterShapes,
            int steps,
            int batch,
            boolean masked,
            boolean training) {
        this.buffers = buffers;
        this.type = type;
        this.nIn = nIn;
        this.hidden = hidden;
        this.rows = projection.rows();
        this.history = projection.width() - 1;
        this.steps = steps;
        this.batch = batch;
        this.training = training;
        this.parameterShapes = parameterShapes;
        this.x = buffers.get("x", type, nIn, history + steps, batch);
        this.gatesAndGradients = buffers.get("a", type, rows, steps, batch);
        this.h = buffers.get("h", type, hidden, steps + 1, batch);
        this.mask = masked ? buffers.get("mask", type, steps, batch) : null;
        this.dh = buffers.get("dh", type, hidden, batch);
        this.dhPrev = buffers.get("dhPrev", type, hidden, batch);
        boolean withH = false;
        for (StateEntry e : cellState) {
            stateSizes.put(e.name(), e.size());
            if (e.name().equals(StateEntry.H)) {
                if (e.size() != hidden) {
                    throw new IllegalArgumentException(
                            "state h must have the hidden size " + hidden + ", got " + e.size());
                }
                withH = true;
                states.put(e.name(), h);
                dStates.put(e.name(), dh);
                dStatesPrev.put(e.name(), dhPrev);
            } else {
                states.put(e.name(), buffers.get("state." + e.name(), type, e.size(), steps + 1, batch));
                dStates.put(e.name(), buffers.get("dState." + e.name(), type, e.size(), batch));
                dStatesPrev.put(e.name(), buffers.get("dStatePrev." + e.name(), type, e.size(), batch));
            }
        }
        this.hIsState = withH;
    }

    /** Whether the output {@code h} is declared as state (it recurs). */
    public boolean hIsState() {
        return hIsState;
    }

    /** The declared state entries (of the cell, not a window's) and their sizes, in order. */
    public Map<String, Integer> stateSizes() {
        return stateSizes;
    }

    /** A declared state {@code [size, T + 1, B]} ({@link #h} for {@code "h"}). */
    public NativeArray state(String name) {
        return required(states, name);
    }

    /** Backward: the gradient with respect to the state after the current step, {@code [size, B]}. */
    public NativeArray dState(String name) {
        return required(dStates, name);
    }

    /** Backward: the gradient with respect to the state before the current step, {@code [size, B]}. */
    public NativeArray dStatePrev(String name) {
        return required(dStatesPrev, name);
    }

    private NativeArray required(Map<String, NativeArray> map, String name) {
        NativeArray a = map.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no state '" + name + "' declared; the cell declares " + map.keySet());
        }
        return a;
    }

    /**
     * The gradient with respect to the output of every step, {@code [H, T, B]}, zero on padded steps.
     * Read only: it may be the caller's array ({@link #readEpsilonInPlace}).
     */
    public NativeArray epsilon() {
        return epsilonInPlace != null ? epsilonInPlace : buffers.get("epsilon", type, hidden, steps, batch);
    }

    /**
     * Makes {@link #epsilon()} the caller's gradient {@code [H, T, B]} itself, when it already has the
     * work layout's memory order and nothing needs zeroing (no padded steps): a copy fewer per
     * backward pass.
     */
    public void readEpsilonInPlace(NativeArray given) {
        if (given.length() != (long) hidden * steps * batch) {
            throw new IllegalArgumentException("epsilon of " + given.length() + " elements, expected [" + hidden + ", "
                    + steps + ", " + batch + "]");
        }
        epsilonInPlace = given;
    }

    /** The gradient with respect to a declared initial state, {@code [size, B]}. */
    public NativeArray initialGradient(String name) {
        Integer size = stateSizes.get(name);
        if (size == null) {
            throw new IllegalArgumentException(
                    "no state '" + name + "' declared; the cell declares " + stateSizes.keySet());
        }
        return buffers.get("d0." + name, type, size, batch);
    }

    /** The input gradient {@code [nIn, W + T, B]} (laid out as {@link #x}). */
    public NativeArray dx() {
        return buffers.get("dx", type, nIn, history + steps, batch);
    }

    /**
     * The gradient buffer of a parameter, shaped as the parameter and zero the first time it is
     * asked for in a backward pass; the loop copies it into the layer's gradient afterwards.
     */
    public synchronized NativeArray gradient(String key) {
        long[] shape = parameterShapes.get(key);
        if (shape == null) {
            throw new IllegalArgumentException("no parameter '" + key + "'; the layer has " + parameterShapes.keySet());
        }
        String name = "grad." + key;
        if (!gradientsStarted.contains(name)) {
            gradientsStarted.add(name);
            return buffers.zeros(name, type, shape);
        }
        return buffers.get(name, type, shape);
    }

    /** Whether a gradient buffer was written in this backward pass. */
    public synchronized boolean hasGradient(String key) {
        return gradientsStarted.contains("grad." + key);
    }

    /**
     * A scratch array of the cell's in sequence layout {@code [rows, T, B]} (index t is step t),
     * reused across passes (contents unspecified). Names share one space per layer with {@link
     * #buffer}: prefix them with the cell's name.
     */
    public NativeArray sequenceBuffer(String name, int rows) {
        return buffers.get("cell." + name, type, rows, steps, batch);
    }

    /**
     * A scratch array of the cell's of any shape, reused across passes (contents unspecified).
     * Names share one space per layer with {@link #sequenceBuffer}: prefix them with the cell's
     * name.
     */
    public NativeArray buffer(String name, long... shape) {
        return buffers.get("cell." + name, type, shape);
    }

    /** Leading dimension of the sequence layout ({@code gatesAndGradients}, sequence buffers): {@code T·B}. */
    public int sequenceStride() {
        return steps * batch;
    }

    /** Leading dimension of the state layout ({@code h} and every state): {@code (T+1)·B}. */
    public int stateStride() {
        return (steps + 1) * batch;
    }

    /** Leading dimension of {@code x} and {@code dx}: {@code (W + T)·B}. */
    public int xStride() {
        return (history + steps) * batch;
    }

    /** Index of row {@code row}, step {@code t}, example 0 of an array in sequence layout {@code [rows, T, B]}. */
    public int sequenceAt(int row, int t) {
        return row * sequenceStride() + t * batch;
    }

    /** Index of row {@code row}, index {@code t} (the state before step t), example 0 of {@code h} or a state. */
    public int stateAt(int row, int t) {
        return row * stateStride() + t * batch;
    }

    /**
     * The memory that a float32 whole-sequence loop carries past step {@code t}: {@code cPrev}
     * becomes the step's new memory {@code cNew[base, base + B)} where the step is real and keeps
     * the previous one where it is padding, and, with a mask, is also copied to {@code carried[base,
     * base + B)} (without a mask the carried memory is {@code cNew} itself).
     */
    public void carryMemory(int t, float[] cNew, int base, float[] cPrev, float[] carried) {
        if (mask == null) {
            System.arraycopy(cNew, base, cPrev, 0, batch);
            return;
        }
        for (int k = 0; k < batch; k++) {
            if (real(t, k)) {
                cPrev[k] = cNew[base + k];
            }
            carried[base + k] = cPrev[k];
        }
    }

    /** Rows {@code firstRow, firstRow + 1, ...} of step {@code t} of a sequence-layout array, for {@link FloatRows}. */
    public FloatRows.Rows sequenceRows(int firstRow, int t) {
        return new FloatRows.Rows(sequenceAt(firstRow, t), sequenceStride());
    }

    /** Rows of index {@code t} of {@code h} or a state, for {@link FloatRows}. */
    public FloatRows.Rows stateRows(int t) {
        return new FloatRows.Rows(stateAt(0, t), stateStride());
    }

    /** Index of feature {@code row}, step {@code t} (after the history), example 0 of {@code x} or {@code dx}. */
    public int xAt(int row, int t) {
        return row * xStride() + (history + t) * batch;
    }

    /** Whether step {@code t} of example {@code b} is real (not padding). */
    public boolean real(int t, int b) {
        return mask == null || mask.get(t * batch + b) != 0.0;
    }

    /**
     * {@code into[at + r] += Σ_{t ≥ from, b} a[first + r, t, b]} for {@code r < count}, rows of a
     * {@code [rows, T, B]} array: one matrix–vector product with a vector of ones, so that the sums
     * run in the BLAS on every core rather than in a Java loop on one.
     */
    public void addRowSums(NativeArray a, int first, int count, int from, NativeArray into, int at) {
        int n = sequenceStride();
        int columns = n - from * batch;
        if (count == 0 || columns <= 0) {
            return;
        }
        Blas.gemm(
                false,
                false,
                count,
                1,
                columns,
                1.0,
                a,
                (long) first * n + (long) from * batch,
                n,
                ones(columns),
                0,
                1,
                1.0,
                into,
                at,
                1);
    }

    /** A vector of {@code n} ones, for sums and broadcasts as matrix products (filled on every call: pooled memory is not kept). */
    public NativeArray ones(int n) {
        NativeArray ones = buffers.get("ones", type, n);
        for (int i = 0; i < n; i++) {
            ones.set(i, 1.0);
        }
        return ones;
    }
}
