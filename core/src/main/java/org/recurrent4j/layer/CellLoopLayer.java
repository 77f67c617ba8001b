package org.recurrent4j.layer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.recurrent.BaseRecurrentLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.recurrent4j.cell.Cell;
import org.recurrent4j.cell.CellKeys;
import org.recurrent4j.cell.CellParameter;
import org.recurrent4j.cell.InputProjection;
import org.recurrent4j.cell.StateEntry;
import org.recurrent4j.cell.WorkArrays;
import org.recurrent4j.conf.RecurrentCellLayer;
import org.recurrent4j.kernel.BufferPool;
import org.recurrent4j.kernel.Buffers;
import org.recurrent4j.kernel.CoreScope;
import org.recurrent4j.kernel.FloatRows;
import org.recurrent4j.kernel.KernelPath;
import org.recurrent4j.kernel.NativeArray;
import org.recurrent4j.kernel.RowParallel;

/**
 * The one recurrent layer implementation: it owns time, and a {@link Cell} owns a step.
 *
 * <p>Forward, for input {@code x [B, nIn, T]} (NCW; NWC is {@code [B, T, nIn]}):
 *
 * <ol>
 *   <li>the cell's input projection of all steps ({@link InputProjection}): one matrix product per
 *       window block over {@code [nIn, T·B]}, into the pre-activations {@code a [rows, T, B]},
 *       plus every declared bias term;
 *   <li>the initial states: the external initial state ({@link #setInitialState}), the state
 *       stored by {@code rnnTimeStep} or truncated BPTT, or zeros;
 *   <li>the steps: the cell's {@link Cell.Steps#forward} for t = 0 … T−1, or, for a cell whose
 *       recurrence is element-wise, its {@link Cell.WholeSequenceSteps} once over all steps with the
 *       hidden units split over the cores;
 *   <li>masks: a padded step leaves no trace: its output is 0, every declared state after it is
 *       the state before it, and it sends no gradient. Masks must be 0/1 (anything else is an
 *       error: a fractional mask has no meaning for a state that is either carried or not).
 * </ol>
 *
 * <p>Backward: per step the cell's element-wise gradients (and its recurrent product), the state
 * gradients carried over padded steps; then the weight, bias and input gradients as a few large
 * products over all steps. The input gradient is left out where the network discards it (the first
 * layer of a {@code MultiLayerNetwork} in training: {@link #inputGradientSkipped}). Truncated BPTT
 * stops after {@code tbpttBackLength} steps.
 *
 * <p>State: {@code rnnTimeStep}'s state map holds every entry the cell declares ({@code "h"},
 * {@code "c"}, a window's {@code "x"}), each {@code [B, size]}. {@link #setInitialState} supplies
 * an external initial state for the declared entries marked as initial inputs, and {@link
 * #getInitialStateGradient} returns the loss gradient with respect to it after backprop (only when
 * the pass started from it: a later truncated-BPTT segment starts from the carried state and sends
 * no gradient to it).
 *
 * <p>Threads: a layer instance (like every DL4J network) serves one pass at a time; a second
 * thread entering a pass while one runs gets an {@link IllegalStateException}. Use one network per
 * thread, or DL4J's {@code ParallelInference}/{@code ParallelWrapper}, which give each worker its
 * own copy. Work memory comes from the process-wide {@link BufferPool} and goes back to it on
 * {@link #clear()}.
 */
public class CellLoopLayer extends BaseRecurrentLayer<RecurrentCellLayer> {
    private static final long serialVersionUID = 1L;

    /** State map key of the hidden state {@code [B, H]}. */
    public static final String STATE_H = StateEntry.H;
    /** State map key of the memory cell {@code [B, H]}, for cells that have one. */
    public static final String STATE_C = StateEntry.C;

    /** What the layer's configuration declares, computed once. */
    private record Layout(
            Cell cell,
            InputProjection projection,
            List<StateEntry> cellState,
            List<StateEntry> windowState,
            Map<String, long[]> parameterShapes,
            int nIn,
            int hidden) {

        List<StateEntry> allState() {
            List<StateEntry> all = new ArrayList<>(cellState);
            all.addAll(windowState);
            return all;
        }
    }

    /** Where a forward pass started from, so a backward pass without a stored pass can redo it. */
    private record Start(INDArray input, Map<String, INDArray> states, boolean external) {}

    /** Everything one forward pass computed that its backward pass needs. */
    private static final class ForwardRecord {
        INDArray input;
        WorkArrays arrays;
        InputProjector projector;
        NativeArray wIh;
        Cell.Steps cellSteps;
        boolean external;
        boolean wholeSequence;
        INDArray output;
    }

    private transient Layout layout;
    private transient Buffers buffers;
    private transient ForwardRecord lastForward;
    private transient Start lastStart;
    private transient AtomicReference<Thread> user;
    /** The pass's hold on the cores (see {@link CoreScope}), from {@link #enter} to {@link #leave}. */
    private transient CoreScope cores;

    /** {@code rnnTimeStep}'s state between calls; the state map is filled from it when asked for. */
    private SteppedState stepped;

    private Map<String, INDArray> initialState;
    private Map<String, INDArray> initialStateGradient;
    private boolean recordStateGradients;
    private double[] stateGradientNorms;
    private boolean wholeSequencePath = true;
    private boolean wholeSequencePathTaken;

    /** Whether the last backward pass left the input gradient out ({@link NetworkInputGradient}). */
    private transient boolean inputGradientSkipped;

    public CellLoopLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private Layout layout() {
        if (layout == null) {
            RecurrentCellLayer conf = layerConf();
            Cell cell = conf.cell();
            int nIn = Math.toIntExact(conf.getNIn());
            int hidden = conf.hiddenSize();
            InputProjection projection = cell.projection(nIn, hidden);
            Map<String, long[]> shapes = new LinkedHashMap<>();
            for (CellParameter p : conf.parameters()) {
                shapes.put(p.key(), p.shape());
            }
            layout = new Layout(cell, projection, cell.state(hidden), projection.state(nIn), shapes, nIn, hidden);
        }
        return layout;
    }

    private Buffers buffers() {
        if (buffers == null) {
            buffers = new Buffers(BufferPool.SHARED, "Layer " + layerId());
        }
        return buffers;
    }

    @Override
    public Type type() {
        return Type.RECURRENT;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    /** The cell's declared state entries, in order (the cell's, then a window's). */
    public List<StateEntry> stateEntries() {
        return layout().allState();
    }

    /**
     * Sets the state the next forward passes start from (instead of zeros), e.g. an encoder's
     * final state for a decoder. Any declared entry may be given ({@link #stateEntries()}: {@code
     * h}; {@code h} and {@code c} for an LSTM; {@code c} for cells that recur only through {@code
     * c}; a window's past inputs {@code x}, exactly as {@code rnnGetPreviousState} returns them).
     * Each array is {@code [B, size]}; an entry left out starts at zero. {@link
     * #getInitialStateGradient()} covers the entries marked {@link StateEntry#initialInput()}: the
     * window holds inputs, not state the layer computes. Cleared by {@link #clearInitialState()}.
     *
     * @throws IllegalArgumentException for a key the cell does not declare
     */
    public void setInitialState(Map<String, INDArray> state) {
        List<String> allowed =
                layout().allState().stream().map(StateEntry::name).toList();
        for (String key : state.keySet()) {
            if (!allowed.contains(key)) {
                throw new IllegalArgumentException(
                        "Layer " + layerId() + ": '" + key + "' is not a state of this cell; it carries " + allowed);
            }
        }
        this.initialState = new LinkedHashMap<>(state);
    }

    /** Forgets the state set by {@link #setInitialState}: passes start from zeros again. */
    public void clearInitialState() {
        this.initialState = null;
    }

    /**
     * After {@code backpropGradient}, the gradient of the loss with respect to each entry of the
     * external initial state ({@code [B, size]} by name), or null if the last pass did not start
     * from one (no initial state was set, or it was a later truncated-BPTT segment, or truncation
     * stopped before the first step).
     */
    public Map<String, INDArray> getInitialStateGradient() {
        return initialStateGradient;
    }

    /**
     * Turns on (or off) the record of {@link #getStateGradientNorms()} in later backward passes,
     * for gradient-flow diagnostics. Off by default; while on, the layer runs step by step even for
     * a cell with a whole-sequence path.
     */
    public void setRecordStateGradients(boolean record) {
        this.recordStateGradients = record;
        if (!record) {
            stateGradientNorms = null;
        }
    }

    /**
     * After a backward pass with recording on: for each step t, {@code ‖∂L/∂s_t‖}, the L2 norm over
     * the batch and the units of the loss gradient with respect to the recurrent state after step t
     * (the first declared entry: {@code h}, or {@code c} for cells that recur only through {@code
     * c}). For {@code h} it is the total derivative through the layer's output at t and every later
     * step; for {@code c} it is what arrives from the later steps (the output at t reads {@code c_t}
     * inside the cell's own step, so its term is not separable here). Steps that
     * truncated BPTT did not reach are {@code NaN}. Null when recording is off or before any
     * backward pass.
     */
    public double[] getStateGradientNorms() {
        return stateGradientNorms == null ? null : stateGradientNorms.clone();
    }

    /**
     * Whether a cell with a {@link Cell.WholeSequenceSteps} runs it (the default) rather than step by
     * step. Both compute the same; the switch exists to measure and test the difference.
     */
    public void setWholeSequencePath(boolean enabled) {
        this.wholeSequencePath = enabled;
    }

    /**
     * Whether the last forward pass ran the cell's whole-sequence path ({@link
     * Cell.WholeSequenceSteps}) rather than step by step: false for a cell without one, or with the
     * path switched off.
     */
    public boolean wholeSequencePathTaken() {
        return wholeSequencePathTaken;
    }

    /**
     * Whether the last backward pass left the input gradient out, because the network that called
     * it discards it: the first layer of a {@code MultiLayerNetwork} in {@code fit} (any training
     * through {@code computeGradientAndScore}), directly or inside DL4J's {@code Bidirectional},
     * {@code LastTimeStep} or {@code MaskZeroLayer}. The gradient it returned then is zeros, as
     * PyTorch leaves out the gradient of an input that does not require one.
     */
    public boolean inputGradientSkipped() {
        return inputGradientSkipped;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        return forward(training, initialState, initialState != null, workspaceMgr).output;
    }

    @Override
    public INDArray rnnTimeStep(INDArray input, LayerWorkspaceMgr workspaceMgr) {
        setInput(input, workspaceMgr);
        SteppedState stepped = stepped();
        ForwardRecord pass = forward(false, stepped.held() ? stepped.current() : stateMap, false, workspaceMgr);
        storeFinalState(pass, stepped.next());
        stepped.advance();
        return pass.output;
    }

    /** The state of the last {@code rnnTimeStep}, as DL4J's layers give it: arrays the caller may keep. */
    @Override
    public Map<String, INDArray> rnnGetPreviousState() {
        SteppedState stepped = stepped();
        if (stepped.held()) {
            stateMap.clear();
            stateMap.putAll(stepped.copies());
            stepped.release();
        }
        return super.rnnGetPreviousState();
    }

    @Override
    public void rnnSetPreviousState(Map<String, INDArray> stateMap) {
        stepped().release();
        super.rnnSetPreviousState(stateMap);
    }

    @Override
    public void rnnClearPreviousState() {
        stepped().release();
        super.rnnClearPreviousState();
    }

    private SteppedState stepped() {
        if (stepped == null) {
            stepped = new SteppedState();
        }
        return stepped;
    }

    @Override
    public INDArray rnnActivateUsingStoredState(
            INDArray input, boolean training, boolean storeLastForTBPTT, LayerWorkspaceMgr workspaceMgr) {
        setInput(input, workspaceMgr);
        // The first segment starts from the external initial state, if any; later ones carry on.
        boolean carried = !tBpttStateMap.isEmpty();
        Map<String, INDArray> start = carried ? tBpttStateMap : initialState;
        ForwardRecord pass = forward(training, start, !carried && initialState != null, workspaceMgr);
        if (storeLastForTBPTT) {
            // New arrays each segment: the start of this one (kept for a backward pass) must stay intact.
            Map<String, INDArray> carriedOn = new HashMap<>();
            storeFinalState(pass, carriedOn);
            tBpttStateMap.putAll(carriedOn);
        }
        return pass.output;
    }

    @Override
    public void clear() {
        super.clear();
        lastForward = null;
        lastStart = null;
        if (buffers != null) {
            buffers.release();
        }
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        return tbpttBackpropGradient(epsilon, -1, workspaceMgr);
    }

    @Override
    @SuppressWarnings("try") // the resource is a scope, opened for its effect on the code inside
    public Pair<Gradient, INDArray> tbpttBackpropGradient(
            INDArray epsilon, int tbpttBackLength, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        ForwardRecord pass = lastForward;
        if (pass == null || pass.input != input) {
            // No training pass on this input is stored (e.g. activate(false) came last): redo one
            // from where the last pass on this input started (a carried truncated-BPTT state).
            Start start = lastStart != null && lastStart.input() == input
                    ? lastStart
                    : new Start(input, initialState, initialState != null);
            pass = forward(true, start.states(), start.external(), workspaceMgr);
        }
        lastForward = null;
        inputGradientSkipped = NetworkInputGradient.discarded(this);
        INDArray epsilonOut;
        enter();
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            epsilonOut = backward(pass, epsilon, tbpttBackLength, !inputGradientSkipped);
        } finally {
            leave();
        }
        weightNoiseParams.clear();
        Gradient gradient = new DefaultGradient(gradientsFlattened);
        for (String key : layout().parameterShapes().keySet()) {
            gradient.gradientForVariable().put(key, gradientViews.get(key));
        }
        // The network discards it: zeros of its shape for whatever sees it first (a preprocessor, a wrapper).
        INDArray result = inputGradientSkipped
                ? workspaceMgr.create(ArrayType.ACTIVATION_GRAD, dataType, input.shape(), 'c')
                : toSequence(epsilonOut, ArrayType.ACTIVATION_GRAD, workspaceMgr);
        return new Pair<>(gradient, backpropDropOutIfPresent(result));
    }

    private void enter() {
        if (user == null) {
            synchronized (this) {
                if (user == null) {
                    user = new AtomicReference<>();
                }
            }
        }
        Thread me = Thread.currentThread();
        if (!user.compareAndSet(null, me)) {
            Thread other = user.get();
            throw new IllegalStateException("Layer " + layerId() + " is in use by thread \""
                    + (other == null ? "?" : other.getName()) + "\" while thread \"" + me.getName()
                    + "\" starts a pass. A network serves one thread at a time: use one network per thread,"
                    + " or DL4J's ParallelInference / ParallelWrapper, which give each worker its own copy.");
        }
        cores = CoreScope.open();
    }

    private void leave() {
        cores.close();
        cores = null;
        user.set(null);
    }

    @SuppressWarnings("try") // the resource is a scope, opened for its effect on the code inside
    private ForwardRecord forward(
            boolean training, Map<String, INDArray> start, boolean external, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        validateInput();
        applyDropOutIfNecessary(training, workspaceMgr);
        Layout l = layout();
        lastStart = new Start(input, start == null ? null : new HashMap<>(start), external);
        ForwardRecord pass = new ForwardRecord();
        pass.input = input;
        pass.external = external;
        INDArray output;
        enter();
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            int batch = (int) input.size(0);
            int steps = (int) (format() == RNNFormat.NCW ? input.size(2) : input.size(1));
            validateStart(start, batch);
            Buffers buffers = buffers();
            WorkArrays s = new WorkArrays(
                    buffers,
                    dataType,
                    l.nIn(),
                    l.hidden(),
                    l.projection(),
                    l.cellState(),
                    l.parameterShapes(),
                    steps,
                    batch,
                    maskArray != null,
                    training);
            pass.arrays = s;
            copyInput(s, start);
            if (s.mask != null) {
                copyMask(s);
            }

            Map<String, INDArray> params = new LinkedHashMap<>();
            for (String key : l.parameterShapes().keySet()) {
                params.put(key, getParamWithNoise(key, training, workspaceMgr));
            }
            INDArray wIhParam = params.get(CellKeys.INPUT_WEIGHT);
            // Read in place (a C-order view of the parameters), not copied on every call.
            pass.wIh = NativeArray.of(wIhParam.castTo(dataType));
            pass.projector = new InputProjector(l.projection());
            pass.projector.forward(s, params, pass.wIh);
            setInitialStates(s, start);

            Cell.Steps cellSteps = l.cell().begin(params, s);
            pass.cellSteps = cellSteps;
            pass.wholeSequence =
                    cellSteps instanceof Cell.WholeSequenceSteps && wholeSequencePath && !recordStateGradients;
            wholeSequencePathTaken = pass.wholeSequence;
            if (pass.wholeSequence) {
                Cell.WholeSequenceSteps wholeSequence = (Cell.WholeSequenceSteps) cellSteps;
                RowParallel.run(l.hidden(), (long) steps * batch, (from, to) -> wholeSequence.forwardRows(from, to, s));
            } else {
                for (int t = 0; t < steps; t++) {
                    cellSteps.forward(t, s);
                    if (s.mask != null) {
                        carryOverMasked(s, t);
                    }
                }
            }
            // Copied from the states row by row below, or through the view outputSequence makes.
            output = copiesStateRows(s) ? null : outputSequence(s);
        } finally {
            leave();
        }
        pass.output = output == null
                ? copyStateRows(pass.arrays, workspaceMgr)
                : toSequence(output, ArrayType.ACTIVATIONS, workspaceMgr);
        lastForward = training ? pass : null;
        return pass;
    }

    /** Input {@code [B, nIn, T]} (or NWC) into {@code x [nIn, W + T, B]}, the window's history first. */
    private void copyInput(WorkArrays s, Map<String, INDArray> start) {
        INDArray in = input.castTo(dataType);
        if (format() == RNNFormat.NCW && dataType == DataType.FLOAT && KernelPath.active() == KernelPath.DIRECT) {
            transposeInput(NativeArray.of(in), s);
        } else {
            INDArray featureMajor = format() == RNNFormat.NCW ? in.permute(1, 2, 0) : in.permute(2, 1, 0);
            if (s.history == 0) {
                s.x.array().assign(featureMajor);
            } else {
                NativeArray current = buffers().get("xin", dataType, s.nIn, s.steps, s.batch);
                current.array().assign(featureMajor);
                int columns = s.steps * s.batch;
                for (int f = 0; f < s.nIn; f++) {
                    current.copyTo(f * columns, s.x, s.xAt(f, 0), columns);
                }
            }
        }
        if (s.history == 0) {
            return;
        }
        // History: the stored window [B, W·nIn] (slot i, feature f at i·nIn + f, oldest first), or zeros.
        INDArray window = start == null ? null : start.get(StateEntry.INPUT_WINDOW);
        NativeArray w = window == null ? null : NativeArray.of(window.castTo(dataType));
        for (int f = 0; f < s.nIn; f++) {
            for (int i = 0; i < s.history; i++) {
                int at = f * s.xStride() + i * s.batch;
                for (int b = 0; b < s.batch; b++) {
                    s.x.set(at + b, w == null ? 0.0 : w.get(b * s.history * s.nIn + i * s.nIn + f));
                }
            }
        }
    }

    /**
     * A float32 NCW input {@code [B, nIn, T]} into {@code x}'s rows, {@code x[f][t][b] = in[b][f][t]},
     * on all cores: each row gathers its B runs of T steps through a heap block and is written whole.
     * ND4J's assign of the permuted input did the same at 7% of a vanilla RNN's inference.
     */
    private static void transposeInput(NativeArray in, WorkArrays s) {
        int nIn = s.nIn;
        int steps = s.steps;
        int batch = s.batch;
        if (batch == 1 && s.history == 0) {
            // One example (a token at a time when sampling): [1, nIn, T] is x's memory order already.
            in.copyTo(0, s.x, 0, nIn * steps);
            return;
        }
        RowParallel.run(nIn, (long) steps * batch, (from, to) -> {
            float[] run = new float[steps];
            float[] row = new float[steps * batch];
            for (int f = from; f < to; f++) {
                for (int b = 0; b < batch; b++) {
                    in.read((b * nIn + f) * steps, run, 0, steps);
                    for (int t = 0; t < steps; t++) {
                        row[t * batch + b] = run[t];
                    }
                }
                s.x.write(s.xAt(f, 0), row, 0, steps * batch);
            }
        });
    }

    private void copyMask(WorkArrays s) {
        s.mask.array().assign(maskArray.castTo(dataType).transpose());
        int n = s.steps * s.batch;
        for (int i = 0; i < n; i++) {
            double m = s.mask.get(i);
            if (m != 0.0 && m != 1.0) {
                int b = i % s.batch;
                int t = i / s.batch;
                throw new IllegalArgumentException("Layer " + layerId() + ": the sequence mask must be 0 (padding) or 1"
                        + " (a real step), got " + m + " at [example " + b + ", step " + t + "]. A recurrent step"
                        + " is either taken or skipped; weight the loss with a label mask instead.");
            }
        }
    }

    /** Index 0 of every declared state: from {@code start} (a {@code [B, size]} array) or zero. */
    private void setInitialStates(WorkArrays s, Map<String, INDArray> start) {
        for (StateEntry e : layout().cellState()) {
            NativeArray target = s.state(e.name());
            INDArray given = start == null ? null : start.get(e.name());
            NativeArray source = given == null ? null : NativeArray.of(given.castTo(dataType));
            for (int j = 0; j < e.size(); j++) {
                int at = s.stateAt(j, 0);
                for (int b = 0; b < s.batch; b++) {
                    target.set(at + b, source == null ? 0.0 : source.get(b * e.size() + j));
                }
            }
        }
        if (!s.hIsState()) {
            for (int j = 0; j < s.hidden; j++) {
                int at = s.stateAt(j, 0);
                for (int b = 0; b < s.batch; b++) {
                    s.h.set(at + b, 0.0);
                }
            }
        }
    }

    /** After step t: every declared state {@code s_{t+1} = s_t} where the step is padding. */
    private void carryOverMasked(WorkArrays s, int t) {
        int b = s.batch;
        for (int k = 0; k < b; k++) {
            if (s.real(t, k)) {
                continue;
            }
            for (Map.Entry<String, Integer> e : s.stateSizes().entrySet()) {
                NativeArray state = s.state(e.getKey());
                for (int j = 0; j < e.getValue(); j++) {
                    state.set(s.stateAt(j, t + 1) + k, state.get(s.stateAt(j, t) + k));
                }
            }
        }
    }

    /** The output {@code h_1 … h_T} as {@code [H, T, B]}, zero on padded steps. */
    private INDArray outputSequence(WorkArrays s) {
        int h = s.hidden;
        int steps = s.steps;
        int b = s.batch;
        INDArray states;
        if (s.mask == null) {
            states = s.h.view(b, new long[] {h, steps, b}, new long[] {(long) (steps + 1) * b, b, 1});
        } else {
            NativeArray masked = buffers().get("output", dataType, h, steps, b);
            for (int j = 0; j < h; j++) {
                for (int t = 0; t < steps; t++) {
                    int from = s.stateAt(j, t + 1);
                    int to = s.sequenceAt(j, t);
                    for (int k = 0; k < b; k++) {
                        masked.set(to + k, s.real(t, k) ? s.h.get(from + k) : 0.0);
                    }
                }
            }
            states = masked.array();
        }
        return states;
    }

    /**
     * A work array's {@code [size, T, B]} view to the layer's {@code [B, size, T]} (NCW) or {@code
     * [B, T, size]} (NWC) sequence, copied once into the workspace. The copy keeps the feature-major
     * memory order: DL4J's {@code RnnOutputLayer} reshapes that order to its {@code [B·T, size]}
     * matrix without a copy, and a layer of ours reads it back with contiguous rows.
     */
    private INDArray toSequence(INDArray featureMajor, ArrayType type, LayerWorkspaceMgr workspaceMgr) {
        INDArray copy = workspaceMgr.createUninitialized(type, dataType, featureMajor.shape(), 'c');
        copy.assign(featureMajor);
        return asSequence(copy);
    }

    /**
     * Whether the output goes to the workspace by {@link #copyStateRows}: without a mask, on the
     * direct kernel path (where a workspace array is always read and written in place).
     */
    private static boolean copiesStateRows(WorkArrays s) {
        return s.mask == null && KernelPath.active() == KernelPath.DIRECT;
    }

    /**
     * The output {@code h_1 … h_T} into the workspace, as {@link #toSequence} gives it, copied row by
     * row from the states (one bulk copy of {@code T·B} elements per row). ND4J's assign from a
     * strided view of the states is no faster for a whole sequence (0.24 against 0.19 ms at H 256,
     * T 100, B 32), and at one step of {@code rnnTimeStep} its per-call cost and the view's alone
     * are tens of microseconds.
     */
    private INDArray copyStateRows(WorkArrays s, LayerWorkspaceMgr workspaceMgr) {
        boolean nwc = format() == RNNFormat.NWC;
        boolean sequenceShaped = SequenceOrder.isFeatureMajor(nwc, s.batch, s.steps);
        long[] shape = sequenceShaped
                ? SequenceOrder.shape(nwc, s.hidden, s.steps, s.batch)
                : new long[] {s.hidden, s.steps, s.batch};
        INDArray copy = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, shape, 'c');
        NativeArray into = NativeArray.of(copy);
        if (into.array() != copy) {
            throw new IllegalStateException("a workspace array was not wrapped in place on the direct kernel path");
        }
        int run = s.steps * s.batch;
        for (int j = 0; j < s.hidden; j++) {
            s.h.copyTo(s.stateAt(j, 1), into, j * run, run);
        }
        return sequenceShaped ? copy : asSequence(copy);
    }

    /** A {@code [size, T, B]} array as the layer's NCW {@code [B, size, T]} or NWC {@code [B, T, size]} view. */
    private INDArray asSequence(INDArray featureMajor) {
        return format() == RNNFormat.NCW ? featureMajor.permute(2, 0, 1) : featureMajor.permute(2, 1, 0);
    }

    /**
     * Writes the pass's final state into {@code target}, each entry {@code [B, size]}: over the
     * entry's array there when it has that shape and type and is written in place, into a new
     * detached array otherwise.
     */
    @SuppressWarnings("try") // the resource is a scope, opened for its effect on the code inside
    private void storeFinalState(ForwardRecord pass, Map<String, INDArray> target) {
        WorkArrays s = pass.arrays;
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            for (StateEntry e : layout().cellState()) {
                NativeArray state = s.state(e.name());
                NativeArray out = finalStateArray(target, e.name(), s.batch, e.size());
                for (int j = 0; j < e.size(); j++) {
                    int at = s.stateAt(j, s.steps);
                    for (int b = 0; b < s.batch; b++) {
                        out.set(b * e.size() + j, state.get(at + b));
                    }
                }
            }
            if (s.history > 0) {
                NativeArray out = finalStateArray(target, StateEntry.INPUT_WINDOW, s.batch, s.history * s.nIn);
                for (int b = 0; b < s.batch; b++) {
                    for (int i = 0; i < s.history; i++) {
                        int step = pass.projector.finalWindowStep(b, i);
                        for (int f = 0; f < s.nIn; f++) {
                            out.set(
                                    b * s.history * s.nIn + i * s.nIn + f,
                                    s.x.get(f * s.xStride() + step * s.batch + b));
                        }
                    }
                }
            }
        }
    }

    /**
     * {@code target}'s array for {@code name} if it is a {@code [rows, columns]} array written in
     * place, else a new one put there.
     */
    private NativeArray finalStateArray(Map<String, INDArray> target, String name, int rows, int columns) {
        INDArray kept = target.get(name);
        if (kept != null
                && kept.dataType() == dataType
                && kept.rank() == 2
                && kept.size(0) == rows
                && kept.size(1) == columns) {
            NativeArray inPlace = NativeArray.inPlace(kept);
            if (inPlace != null) {
                return inPlace;
            }
        }
        INDArray created = Nd4j.createUninitialized(dataType, rows, columns);
        target.put(name, created);
        return NativeArray.of(created);
    }

    /**
     * Back through the pass; returns the input's gradient as {@code [nIn, T, B]}, or null without
     * {@code inputGradient}.
     */
    private INDArray backward(ForwardRecord pass, INDArray epsilon, int tbpttBackLength, boolean inputGradient) {
        WorkArrays s = pass.arrays;
        int steps = s.steps;
        int batch = s.batch;
        validateEpsilon(epsilon, steps, batch);
        INDArray e = epsilon.castTo(dataType);
        INDArray featureMajor = format() == RNNFormat.NCW ? e.permute(1, 2, 0) : e.permute(2, 1, 0);
        NativeArray given = s.mask == null ? NativeArray.inPlace(featureMajor) : null;
        if (given != null) {
            // Already in the work layout's memory order (e.g. RnnOutput's gradient): read in place.
            s.readEpsilonInPlace(given);
        } else {
            s.epsilon().array().assign(featureMajor);
        }
        NativeArray eps = s.epsilon();
        if (s.mask != null) {
            for (int j = 0; j < s.hidden; j++) {
                for (int t = 0; t < steps; t++) {
                    int at = s.sequenceAt(j, t);
                    for (int k = 0; k < batch; k++) {
                        if (!s.real(t, k)) {
                            eps.set(at + k, 0.0);
                        }
                    }
                }
            }
        }
        int end = tbpttBackLength > 0 ? Math.max(0, steps - tbpttBackLength) : 0;

        Map<String, NativeArray> initialGradients =
                pass.wholeSequence ? backwardWholeSequence(pass, s, end) : backwardStepByStep(pass, s, end);
        // Steps before the truncation point send no gradient.
        for (int r = 0; end > 0 && r < s.rows; r++) {
            int at = s.sequenceAt(r, 0);
            for (int k = 0; k < end * batch; k++) {
                s.gatesAndGradients.set(at + k, 0.0);
            }
        }
        initialStateGradient = pass.external && end == 0 ? toBatchMajor(s, initialGradients) : null;

        pass.projector.parameterGradients(s, end);
        pass.cellSteps.parameterGradients(end, s);
        for (String key : layout().parameterShapes().keySet()) {
            INDArray view = gradientViews.get(key);
            if (s.hasGradient(key)) {
                view.assign(s.gradient(key).array());
            } else {
                view.assign(0);
            }
        }
        if (!inputGradient) {
            return null;
        }
        NativeArray dx = pass.projector.inputGradient(s, pass.wIh);
        pass.cellSteps.inputGradient(end, s);
        // Steps before the truncation point receive no gradient either (a window reaches back into them).
        for (int f = 0; end > 0 && f < s.nIn; f++) {
            int at = s.xAt(f, 0);
            for (int k = 0; k < end * batch; k++) {
                dx.set(at + k, 0.0);
            }
        }
        return dx.view((long) s.history * batch, new long[] {s.nIn, steps, batch}, new long[] {
            (long) (s.history + steps) * batch, batch, 1
        });
    }

    private Map<String, NativeArray> backwardWholeSequence(ForwardRecord pass, WorkArrays s, int end) {
        Cell.WholeSequenceSteps wholeSequence = (Cell.WholeSequenceSteps) pass.cellSteps;
        Map<String, NativeArray> initial = new LinkedHashMap<>();
        for (String name : s.stateSizes().keySet()) {
            initial.put(name, s.initialGradient(name));
        }
        RowParallel.run(s.hidden, (long) s.steps * s.batch, (from, to) -> wholeSequence.backwardRows(from, to, end, s));
        return initial;
    }

    private Map<String, NativeArray> backwardStepByStep(ForwardRecord pass, WorkArrays s, int end) {
        int batch = s.batch;
        int steps = s.steps;
        NativeArray eps = s.epsilon();
        // Per declared state, the gradient with respect to the state after step t, flowing back from t + 1.
        Map<String, NativeArray> carried = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> e : s.stateSizes().entrySet()) {
            carried.put(e.getKey(), buffers().zeros("carried." + e.getKey(), dataType, e.getValue(), batch));
        }
        String recorded = s.stateSizes().keySet().iterator().next();
        double[] norms = null;
        if (recordStateGradients) {
            norms = new double[steps];
            Arrays.fill(norms, Double.NaN);
        }
        float[] real = new float[batch];
        StepGradients step = new StepGradients(s, eps, carried);
        for (int t = steps - 1; t >= end; t--) {
            for (int k = 0; k < batch; k++) {
                real[k] = s.real(t, k) ? 1f : 0f;
            }
            step.into(t, real);
            if (norms != null) {
                NativeArray d = s.dState(recorded);
                double sum = 0;
                for (int i = 0; i < d.length(); i++) {
                    sum += d.get(i) * d.get(i);
                }
                norms[t] = Math.sqrt(sum);
            }
            pass.cellSteps.backward(t, s);
            step.carry(real);
        }
        stateGradientNorms = norms;
        return carried;
    }

    /**
     * The step path's bookkeeping of state gradients around each cell step, over whole {@code [size,
     * B]} arrays at once: in float32 through heap arrays (bulk copies and loops HotSpot vectorizes),
     * in float64 element by element.
     *
     * <pre>
     *   before step t:  ∂L/∂s_t = m_t ⊙ (carried + ε_t)    (ε_t for h only; m_t the mask of step t)
     *   after step t:   carried = ∂L/∂s_{t-1} from the cell, plus carried where step t is padding
     * </pre>
     */
    private static final class StepGradients {
        private final WorkArrays s;
        private final NativeArray eps;
        private final Map<String, NativeArray> carried;
        private final float[] values;
        private final float[] more;

        StepGradients(WorkArrays s, NativeArray eps, Map<String, NativeArray> carried) {
            this.s = s;
            this.eps = eps;
            this.carried = carried;
            int largest = s.stateSizes().values().stream()
                            .mapToInt(Integer::intValue)
                            .max()
                            .orElse(0)
                    * s.batch;
            boolean floats = s.type == DataType.FLOAT;
            this.values = floats ? new float[largest] : null;
            this.more = floats ? new float[largest] : null;
        }

        /** Sets every state's {@code ∂L/∂s_t} (and {@code ∂L/∂h_t} when h is not a state) before step t. */
        void into(int t, float[] real) {
            int batch = s.batch;
            for (Map.Entry<String, Integer> e : s.stateSizes().entrySet()) {
                boolean isH = e.getKey().equals(StateEntry.H);
                NativeArray d = s.dState(e.getKey());
                NativeArray g = carried.get(e.getKey());
                int n = e.getValue() * batch;
                if (values != null) {
                    g.read(0, values, 0, n);
                    if (isH) {
                        addEpsilon(t, e.getValue(), values);
                    }
                    multiplyByRows(values, real, n);
                    d.write(0, values, 0, n);
                } else {
                    for (int j = 0; j < e.getValue(); j++) {
                        int at = s.sequenceAt(j, t);
                        for (int k = 0; k < batch; k++) {
                            int i = j * batch + k;
                            d.set(i, real[k] * (g.get(i) + (isH ? eps.get(at + k) : 0.0)));
                        }
                    }
                }
            }
            if (!s.hIsState()) {
                if (values != null) {
                    FloatRows.read(eps, s.sequenceRows(0, t), 0, s.hidden, batch, values);
                    s.dh.write(0, values, 0, s.hidden * batch);
                } else {
                    for (int j = 0; j < s.hidden; j++) {
                        int at = s.sequenceAt(j, t);
                        for (int k = 0; k < batch; k++) {
                            s.dh.set(j * batch + k, eps.get(at + k));
                        }
                    }
                }
            }
        }

        /** After step t: carried = the cell's {@code ∂L/∂s_{t-1}}, plus carried where step t is padding. */
        void carry(float[] real) {
            int batch = s.batch;
            for (Map.Entry<String, Integer> e : s.stateSizes().entrySet()) {
                NativeArray prev = s.dStatePrev(e.getKey());
                NativeArray g = carried.get(e.getKey());
                int n = e.getValue() * batch;
                if (values != null) {
                    prev.read(0, values, 0, n);
                    if (s.mask != null) {
                        g.read(0, more, 0, n);
                        for (int i = 0; i < n; i++) {
                            if (real[i % batch] == 0f) {
                                values[i] += more[i];
                            }
                        }
                    }
                    g.write(0, values, 0, n);
                } else {
                    for (int i = 0; i < n; i++) {
                        g.set(i, real[i % batch] != 0f ? prev.get(i) : prev.get(i) + g.get(i));
                    }
                }
            }
        }

        private void addEpsilon(int t, int rows, float[] into) {
            FloatRows.read(eps, s.sequenceRows(0, t), 0, rows, s.batch, more);
            int n = rows * s.batch;
            for (int i = 0; i < n; i++) {
                into[i] += more[i];
            }
        }

        private void multiplyByRows(float[] into, float[] real, int n) {
            if (s.mask == null) {
                return;
            }
            int batch = s.batch;
            for (int start = 0; start < n; start += batch) {
                for (int k = 0; k < batch; k++) {
                    into[start + k] *= real[k];
                }
            }
        }
    }

    /** The state gradients {@code [size, B]} as {@code [B, size]} arrays of the layer's type, for the initial inputs. */
    private Map<String, INDArray> toBatchMajor(WorkArrays s, Map<String, NativeArray> gradients) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (StateEntry e : layout().cellState()) {
            if (!e.initialInput()) {
                continue;
            }
            NativeArray g = gradients.get(e.name());
            INDArray a = Nd4j.createUninitialized(dataType, s.batch, e.size());
            NativeArray target = NativeArray.of(a);
            for (int j = 0; j < e.size(); j++) {
                for (int b = 0; b < s.batch; b++) {
                    target.set(b * e.size() + j, g.get(j * s.batch + b));
                }
            }
            out.put(e.name(), a);
        }
        return out;
    }

    private RNNFormat format() {
        RNNFormat f = layerConf().getRnnDataFormat();
        return f == null ? RNNFormat.NCW : f;
    }

    private String layoutName() {
        return format() == RNNFormat.NCW ? "[batch, nIn, time] (NCW)" : "[batch, time, nIn] (NWC)";
    }

    private void validateInput() {
        long nIn = layerConf().getNIn();
        if (input.rank() != 3) {
            throw new IllegalArgumentException("Layer " + layerId() + ": expected rank-3 input " + layoutName()
                    + " with nIn = " + nIn + ", got rank " + input.rank() + " " + Arrays.toString(input.shape())
                    + ". Recurrent layers take sequences: for a single step use rnnTimeStep, or reshape to "
                    + (format() == RNNFormat.NCW ? "[batch, nIn, 1]" : "[batch, 1, nIn]") + ".");
        }
        long features = format() == RNNFormat.NCW ? input.size(1) : input.size(2);
        if (features != nIn) {
            throw new IllegalArgumentException("Layer " + layerId() + ": expected input " + layoutName()
                    + " with nIn = " + nIn + ", got shape " + Arrays.toString(input.shape())
                    + " (feature size " + features + "). Set the layer's nIn to " + features
                    + " or fix the input's layout (dataFormat " + format() + ").");
        }
        if (maskArray != null) {
            long batch = input.size(0);
            long steps = format() == RNNFormat.NCW ? input.size(2) : input.size(1);
            if (maskArray.rank() != 2 || maskArray.size(0) != batch || maskArray.size(1) != steps) {
                throw new IllegalArgumentException("Layer " + layerId() + ": expected a mask of shape [batch, time] = ["
                        + batch + ", " + steps + "], got " + Arrays.toString(maskArray.shape())
                        + ". A sequence mask has one 0/1 entry per example and step.");
            }
        }
    }

    /** Every given state is a declared entry of shape {@code [batch, size]}. */
    private void validateStart(Map<String, INDArray> start, int batch) {
        if (start == null) {
            return;
        }
        Map<String, Integer> sizes = new LinkedHashMap<>();
        for (StateEntry e : layout().allState()) {
            sizes.put(e.name(), e.size());
        }
        for (Map.Entry<String, INDArray> e : start.entrySet()) {
            Integer size = sizes.get(e.getKey());
            if (size == null) {
                throw new IllegalArgumentException("Layer " + layerId() + ": state '" + e.getKey()
                        + "' is not declared by this cell, whose state is " + sizes.keySet()
                        + ". Set only these keys with rnnSetPreviousState.");
            }
            INDArray state = e.getValue();
            if (state.rank() != 2 || state.size(0) != batch || state.size(1) != size) {
                throw new IllegalArgumentException("Layer " + layerId() + ": state '" + e.getKey() + "' has shape "
                        + Arrays.toString(state.shape()) + " but this input needs [batch, size] = [" + batch + ", "
                        + size + "]. With rnnTimeStep, keep the batch size fixed between calls or call"
                        + " rnnClearPreviousState() first; an initial state must be [batch, size].");
            }
        }
    }

    private void validateEpsilon(INDArray epsilon, int steps, int batch) {
        int h = layout().hidden();
        long[] expected = format() == RNNFormat.NCW ? new long[] {batch, h, steps} : new long[] {batch, steps, h};
        if (!Arrays.equals(epsilon.shape(), expected)) {
            throw new IllegalArgumentException("Layer " + layerId() + ": gradient from the layer above has shape "
                    + Arrays.toString(epsilon.shape()) + ", expected " + Arrays.toString(expected));
        }
    }
}
