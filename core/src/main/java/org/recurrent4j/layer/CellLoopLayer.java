package org.recurrent4j.layer;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
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
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.recurrent4j.cell.Blas;
import org.recurrent4j.cell.Buffers;
import org.recurrent4j.cell.CellKeys;
import org.recurrent4j.cell.CellSpec;
import org.recurrent4j.cell.NativeArray;
import org.recurrent4j.cell.RecurrentCell;
import org.recurrent4j.cell.SequenceState;
import org.recurrent4j.conf.RecurrentCellLayer;

/**
 * The one recurrent layer implementation: it owns time, and a {@link RecurrentCell} owns a step.
 *
 * <p>Forward, for input {@code x [B, nIn, T]} (NCW; NWC is {@code [B, T, nIn]}):
 *
 * <ol>
 *   <li>the input projection of all steps, {@code z_t = W_ih x_t + b_ih}, as ONE matrix product
 *       {@code [G·H, nIn] × [nIn, T·B]}, into {@code z [G·H, T, B]} (see {@link SequenceState});
 *   <li>the step loop: the cell adds its recurrent product into {@code z_t} (one GEMM straight
 *       into BLAS at an offset of memory kept between passes) and runs its element-wise gate math
 *       in one fused loop over the step;
 *   <li>masks: a step whose mask is 0 leaves no trace: its output is 0 and the state after it is
 *       the state before it ({@code s_t = m_t·s'_t + (1 − m_t)·s_{t-1}}), so padding may sit at the
 *       end or at the start of a sequence.
 * </ol>
 *
 * <p>Backward: per step only the cell's element-wise gradients and one recurrent product; then
 * {@code dW_ih}, {@code db_ih} and the input gradient from large products over all steps, and the
 * cell's own weight gradients likewise. Truncated BPTT stops the backward loop after {@code
 * tbpttBackLength} steps.
 *
 * <p>State: {@code rnnTimeStep} keeps {@code "h"} (and {@code "c"}) of shape {@code [B, H]} in the
 * state map; {@link #setInitialState} supplies an initial state from outside for the next passes,
 * and {@link #getInitialStateGradient} returns the loss gradient with respect to it after
 * backprop.
 */
public class CellLoopLayer extends BaseRecurrentLayer<RecurrentCellLayer> {

    /** State map key of the hidden state {@code [B, H]}. */
    public static final String STATE_H = "h";
    /** State map key of the memory cell {@code [B, H]}, for cells that have one. */
    public static final String STATE_C = "c";

    private transient CellSpec spec;
    private transient Pass lastPass;
    private final transient Buffers buffers = new Buffers();
    private INDArray initialH;
    private INDArray initialC;
    private INDArray[] initialStateGradient;
    private boolean recordStateGradients;
    private double[] stateGradientNorms;

    public CellLoopLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private CellSpec spec() {
        if (spec == null) {
            spec = layerConf().cellSpec();
        }
        return spec;
    }

    private int hidden() {
        return layerConf().hiddenSize();
    }

    @Override
    public Type type() {
        return Type.RECURRENT;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    /**
     * Sets the state the next forward passes start from (instead of zeros), e.g. an encoder's
     * final state for a decoder. Cleared by {@link #clearInitialState()}.
     *
     * @param h hidden state {@code [B, H]}
     * @param c memory cell {@code [B, H]} for cells that have one (LSTM), else null
     */
    public void setInitialState(INDArray h, INDArray c) {
        if (spec().hasCellState() != (c != null)) {
            throw new IllegalArgumentException("Layer " + layerId() + ": "
                    + (spec().hasCellState()
                            ? "this cell has a memory cell: pass both h and c"
                            : "this cell has no memory cell: pass c = null"));
        }
        this.initialH = h;
        this.initialC = c;
    }

    /** Forgets the state set by {@link #setInitialState}: passes start from zeros again. */
    public void clearInitialState() {
        this.initialH = null;
        this.initialC = null;
    }

    /**
     * After {@code backpropGradient}, the gradient of the loss with respect to the initial state
     * ({@code [h]} or {@code [h, c]}, each {@code [B, H]}), or null before any backprop.
     */
    public INDArray[] getInitialStateGradient() {
        return initialStateGradient;
    }

    /**
     * Turns on (or off) the record of {@link #getStateGradientNorms()} in later backward passes,
     * for gradient-flow diagnostics. Off by default: it costs one pass over each step's state
     * gradient.
     */
    public void setRecordStateGradients(boolean record) {
        this.recordStateGradients = record;
        if (!record) {
            stateGradientNorms = null;
        }
    }

    /**
     * After a backward pass with recording on: for each step t, {@code ‖∂L/∂h_t‖}, the L2 norm over
     * the batch and the hidden units of the loss gradient with respect to the hidden state after
     * step t (the total derivative: through the layer's output at t and through every later step).
     * Steps that truncated BPTT did not reach are {@code NaN}. Null when recording is off or before
     * any backward pass.
     */
    public double[] getStateGradientNorms() {
        return stateGradientNorms == null ? null : stateGradientNorms.clone();
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        return forward(training, initialH, initialC, workspaceMgr).output;
    }

    @Override
    public INDArray rnnTimeStep(INDArray input, LayerWorkspaceMgr workspaceMgr) {
        setInput(input, workspaceMgr);
        Pass pass = forward(false, stateMap.get(STATE_H), stateMap.get(STATE_C), workspaceMgr);
        storeFinalState(pass, stateMap);
        return pass.output;
    }

    @Override
    public INDArray rnnActivateUsingStoredState(
            INDArray input, boolean training, boolean storeLastForTBPTT, LayerWorkspaceMgr workspaceMgr) {
        setInput(input, workspaceMgr);
        // The first segment starts from the external initial state, if any; later ones carry on.
        boolean carried = tBpttStateMap.containsKey(STATE_H);
        INDArray h0 = carried ? tBpttStateMap.get(STATE_H) : initialH;
        INDArray c0 = carried ? tBpttStateMap.get(STATE_C) : initialC;
        Pass pass = forward(training, h0, c0, workspaceMgr);
        if (storeLastForTBPTT) {
            storeFinalState(pass, tBpttStateMap);
        }
        return pass.output;
    }

    private void storeFinalState(Pass pass, Map<String, INDArray> target) {
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            SequenceState s = pass.state;
            target.put(STATE_H, lastStep(s.h, s.steps));
            if (s.c != null) {
                target.put(STATE_C, lastStep(s.c, s.steps));
            }
        }
    }

    /** Step {@code steps} of a {@code [H, T+1, B]} state array as a new {@code [B, H]} array. */
    private static INDArray lastStep(NativeArray states, int steps) {
        return states.array()
                .get(NDArrayIndex.all(), NDArrayIndex.point(steps), NDArrayIndex.all())
                .transpose()
                .dup('c');
    }

    @Override
    public void clear() {
        super.clear();
        lastPass = null;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        return tbpttBackpropGradient(epsilon, -1, workspaceMgr);
    }

    @Override
    public Pair<Gradient, INDArray> tbpttBackpropGradient(
            INDArray epsilon, int tbpttBackLength, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        Pass pass = lastPass;
        if (pass == null || pass.input != input) {
            // No training pass on this input is stored (e.g. activate(false) came last): run one.
            pass = forward(true, initialH, initialC, workspaceMgr);
        }
        lastPass = null;
        INDArray epsilonOut;
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            epsilonOut = backward(pass, epsilon, tbpttBackLength);
        }
        weightNoiseParams.clear();
        Gradient gradient = new DefaultGradient(gradientsFlattened);
        for (String key : layerConf().initializer().paramKeys(layerConf())) {
            gradient.gradientForVariable().put(key, gradientViews.get(key));
        }
        INDArray result = workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, epsilonOut, 'c');
        return new Pair<>(gradient, backpropDropOutIfPresent(result));
    }

    /** Everything one forward pass computed that its backward pass needs. */
    private static final class Pass {
        INDArray input;
        /** The input, feature-major {@code [nIn, T, B]}. */
        NativeArray x;

        SequenceState state;
        /** The mask as {@code [T, B]}, or null. */
        NativeArray mask;

        RecurrentCell cell;
        NativeArray wIh;
        INDArray output;
    }

    private Pass forward(boolean training, INDArray h0, INDArray c0, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        validateInput();
        applyDropOutIfNecessary(training, workspaceMgr);
        CellSpec cellSpec = spec();
        int hidden = hidden();
        Pass pass = new Pass();
        pass.input = input;
        INDArray outputFeatureMajor;
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            int nIn = (int) layerConf().getNIn();
            int batch = (int) input.size(0);
            int steps = (int) (format() == RNNFormat.NCW ? input.size(2) : input.size(1));
            validateInitialState(h0, c0, batch);
            // [B, nIn, T] (or [B, T, nIn]) -> [nIn, T, B], into memory kept from the last pass.
            pass.x = buffers.get("x", dataType, nIn, steps, batch);
            INDArray in = input.castTo(dataType);
            pass.x.array().assign(format() == RNNFormat.NCW ? in.permute(1, 2, 0) : in.permute(2, 1, 0));

            Map<String, INDArray> params = new LinkedHashMap<>();
            for (String key : layerConf().initializer().paramKeys(layerConf())) {
                params.put(key, getParamWithNoise(key, training, workspaceMgr));
            }
            INDArray wIhParam = params.get(CellKeys.INPUT_WEIGHT);
            pass.wIh = buffers.get("Wih", dataType, wIhParam.shape());
            pass.wIh.array().assign(wIhParam);
            int gh = (int) wIhParam.size(0);

            SequenceState s = new SequenceState(
                    buffers, dataType, cellSpec.gates(), hidden, steps, batch, cellSpec.hasCellState());
            pass.state = s;
            // z = W_ih · x for all steps at once: [G·H, nIn] × [nIn, T·B].
            Blas.gemm(
                    false,
                    false,
                    gh,
                    steps * batch,
                    nIn,
                    1.0,
                    pass.wIh,
                    0,
                    nIn,
                    pass.x,
                    0,
                    steps * batch,
                    0.0,
                    s.z,
                    0,
                    steps * batch);
            s.addRowBias(params.get(CellKeys.INPUT_BIAS).toDoubleVector(), 0, gh);
            cellSpec.prepareProjection(s, params);
            if (h0 != null) {
                initialStep(s.h).assign(h0.castTo(dataType).transpose());
            }
            if (c0 != null && s.c != null) {
                initialStep(s.c).assign(c0.castTo(dataType).transpose());
            }
            if (maskArray != null) {
                pass.mask = buffers.get("mask", dataType, steps, batch);
                pass.mask.array().assign(maskArray.castTo(dataType).transpose());
            }

            RecurrentCell cell = cellSpec.begin(params, s);
            pass.cell = cell;
            for (int t = 0; t < steps; t++) {
                cell.forward(t, s);
                if (pass.mask != null) {
                    carryOverMasked(s, t, pass.mask);
                }
            }
            INDArray states =
                    s.h.array().get(NDArrayIndex.all(), NDArrayIndex.interval(1, steps + 1), NDArrayIndex.all());
            if (pass.mask != null) {
                NativeArray masked = buffers.get("maskedOutput", dataType, hidden, steps, batch);
                Nd4j.getExecutioner().exec(new BroadcastMulOp(states, pass.mask.array(), masked.array(), 1, 2));
                states = masked.array();
            }
            // [H, T, B] -> [B, H, T] (NCW) or [B, T, H] (NWC)
            outputFeatureMajor = format() == RNNFormat.NCW ? states.permute(2, 0, 1) : states.permute(2, 1, 0);
        }
        pass.output = workspaceMgr.dup(ArrayType.ACTIVATIONS, outputFeatureMajor, 'c');
        lastPass = training ? pass : null;
        return pass;
    }

    /** Step 0 (the initial state) of a {@code [H, T+1, B]} state array, as an {@code [H, B]} view. */
    private static INDArray initialStep(NativeArray states) {
        return states.array().get(NDArrayIndex.all(), NDArrayIndex.point(0), NDArrayIndex.all());
    }

    /** After step t: {@code s_{t+1} = m ⊙ s_{t+1} + (1 − m) ⊙ s_t}, m being the step's mask per example. */
    private static void carryOverMasked(SequenceState s, int t, NativeArray mask) {
        int b = s.batch;
        for (int k = 0; k < b; k++) {
            double m = mask.get(t * b + k);
            if (m == 1.0) {
                continue;
            }
            for (int j = 0; j < s.hidden; j++) {
                int prev = s.stateAt(j, t) + k;
                int next = s.stateAt(j, t + 1) + k;
                s.h.set(next, m * s.h.get(next) + (1.0 - m) * s.h.get(prev));
                if (s.c != null) {
                    s.c.set(next, m * s.c.get(next) + (1.0 - m) * s.c.get(prev));
                }
            }
        }
    }

    private INDArray backward(Pass pass, INDArray epsilon, int tbpttBackLength) {
        SequenceState s = pass.state;
        int steps = s.steps;
        int batch = s.batch;
        int hidden = s.hidden;
        validateEpsilon(epsilon, steps, batch);
        NativeArray e = buffers.get("epsilon", dataType, hidden, steps, batch);
        INDArray eps = epsilon.castTo(dataType);
        e.array().assign(format() == RNNFormat.NCW ? eps.permute(1, 2, 0) : eps.permute(2, 1, 0));
        int end = tbpttBackLength > 0 ? Math.max(0, steps - tbpttBackLength) : 0;

        boolean hasC = s.c != null;
        int size = hidden * batch;
        // Gradients with respect to the state after step t, flowing back from step t + 1.
        double[] gH = new double[size];
        double[] gC = hasC ? new double[size] : null;
        double[] norms = null;
        if (recordStateGradients) {
            norms = new double[steps];
            Arrays.fill(norms, Double.NaN);
        }
        for (int t = steps - 1; t >= end; t--) {
            for (int j = 0; j < hidden; j++) {
                int at = s.zAt(j, t);
                for (int k = 0; k < batch; k++) {
                    int i = j * batch + k;
                    double m = pass.mask == null ? 1.0 : pass.mask.get(t * batch + k);
                    s.dh.set(i, m * (e.get(at + k) + gH[i]));
                    if (hasC) {
                        s.dc.set(i, m * gC[i]);
                    }
                }
            }
            if (norms != null) {
                double sum = 0;
                for (int i = 0; i < size; i++) {
                    double d = s.dh.get(i);
                    sum += d * d;
                }
                norms[t] = Math.sqrt(sum);
            }
            pass.cell.backward(t, s);
            for (int i = 0; i < size; i++) {
                double keep = pass.mask == null ? 0.0 : 1.0 - pass.mask.get(t * batch + i % batch);
                gH[i] = s.dhPrev.get(i) + keep * gH[i];
                if (hasC) {
                    gC[i] = s.dcPrev.get(i) + keep * gC[i];
                }
            }
        }
        // Steps before the truncation point send no gradient.
        for (int r = 0; end > 0 && r < s.gates * hidden; r++) {
            int at = s.zAt(r, 0);
            for (int k = 0; k < end * batch; k++) {
                s.z.set(at + k, 0.0);
            }
        }
        initialStateGradient = end == 0 ? initialStateGradient(gH, gC, batch) : null;
        stateGradientNorms = norms;

        int gh = s.gates * hidden;
        int nIn = (int) pass.x.array().size(0);
        int columns = steps * batch;
        // dW_ih = dz · x^T and dx = W_ih^T · dz over all steps at once.
        NativeArray dWih = buffers.get("dWih", dataType, gh, nIn);
        Blas.gemm(false, true, gh, nIn, columns, 1.0, s.z, 0, columns, pass.x, 0, columns, 0.0, dWih, 0, nIn);
        gradientViews.get(CellKeys.INPUT_WEIGHT).assign(dWih.array());
        gradientViews
                .get(CellKeys.INPUT_BIAS)
                .assign(Nd4j.createFromArray(s.rowSums(s.z, gh, 0)).castTo(dataType));
        pass.cell.parameterGradients(end, s, gradientViews);

        NativeArray dx = buffers.get("dx", dataType, nIn, steps, batch);
        Blas.gemm(true, false, nIn, columns, gh, 1.0, pass.wIh, 0, nIn, s.z, 0, columns, 0.0, dx, 0, columns);
        return format() == RNNFormat.NCW
                ? dx.array().permute(2, 0, 1)
                : dx.array().permute(2, 1, 0);
    }

    /** The state gradients {@code [H, B]} as {@code [B, H]} arrays of the layer's type. */
    private INDArray[] initialStateGradient(double[] gH, double[] gC, int batch) {
        int hidden = hidden();
        INDArray h = Nd4j.createFromArray(gH)
                .reshape(hidden, batch)
                .transpose()
                .castTo(dataType)
                .dup('c');
        if (gC == null) {
            return new INDArray[] {h};
        }
        INDArray c = Nd4j.createFromArray(gC)
                .reshape(hidden, batch)
                .transpose()
                .castTo(dataType)
                .dup('c');
        return new INDArray[] {h, c};
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

    private void validateInitialState(INDArray h0, INDArray c0, int batch) {
        int hidden = hidden();
        check("initial/stored hidden state h", h0, batch, hidden);
        check("initial/stored memory cell c", c0, batch, hidden);
    }

    private void check(String what, INDArray state, int batch, int hidden) {
        if (state == null) {
            return;
        }
        if (state.rank() != 2 || state.size(0) != batch || state.size(1) != hidden) {
            throw new IllegalArgumentException("Layer " + layerId() + ": " + what + " has shape "
                    + Arrays.toString(state.shape()) + " but this input needs [batch, H] = [" + batch + ", " + hidden
                    + "]. With rnnTimeStep, keep the batch size fixed between calls or call rnnClearPreviousState()"
                    + " first; an initial state must be [batch, H].");
        }
    }

    private void validateEpsilon(INDArray epsilon, int steps, int batch) {
        long[] expected =
                format() == RNNFormat.NCW ? new long[] {batch, hidden(), steps} : new long[] {batch, steps, hidden()};
        if (!Arrays.equals(epsilon.shape(), expected)) {
            throw new IllegalArgumentException("Layer " + layerId() + ": gradient from the layer above has shape "
                    + Arrays.toString(epsilon.shape()) + ", expected " + Arrays.toString(expected));
        }
    }
}
