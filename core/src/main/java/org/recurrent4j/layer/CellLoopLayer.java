package org.recurrent4j.layer;

import static org.recurrent4j.cell.FeatureMajor.step;

import java.util.Arrays;
import java.util.HashMap;
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
import org.recurrent4j.cell.CellKeys;
import org.recurrent4j.cell.CellParameter;
import org.recurrent4j.cell.CellSpec;
import org.recurrent4j.cell.FeatureMajor;
import org.recurrent4j.cell.RecurrentCell;
import org.recurrent4j.conf.RecurrentCellLayer;

/**
 * The one recurrent layer implementation: it owns time, and a {@link RecurrentCell} owns a step.
 *
 * <p>Forward, for input {@code x [B, nIn, T]} (NCW; NWC is {@code [B, T, nIn]}):
 *
 * <ol>
 *   <li>the input projection of all steps, {@code z_t = W_ih x_t + b_ih}, as ONE matrix product
 *       {@code [G·H, nIn] × [nIn, T·B]}, stored feature-major {@code [T, G·H, B]} so each step and
 *       each gate block is contiguous;
 *   <li>the step loop: the cell adds its recurrent product into {@code z_t} (at most one GEMM into
 *       preallocated memory) and runs its element-wise gate math on contiguous blocks;
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
    private INDArray initialH;
    private INDArray initialC;
    private INDArray[] initialStateGradient;

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
        Pass pass = forward(training, tBpttStateMap.get(STATE_H), tBpttStateMap.get(STATE_C), workspaceMgr);
        if (storeLastForTBPTT) {
            storeFinalState(pass, tBpttStateMap);
        }
        return pass.output;
    }

    private void storeFinalState(Pass pass, Map<String, INDArray> target) {
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            target.put(STATE_H, step(pass.h, pass.steps).transpose().dup('c'));
            if (pass.c != null) {
                target.put(STATE_C, step(pass.c, pass.steps).transpose().dup('c'));
            }
        }
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
        INDArray x;
        INDArray z;
        INDArray h;
        INDArray c;
        INDArray mask;
        INDArray inverseMask;
        RecurrentCell cell;
        Map<String, INDArray> params;
        int steps;
        int batch;
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
            INDArray in = input.castTo(dataType);
            long nIn = layerConf().getNIn();
            int batch = (int) in.size(0);
            int steps = (int) (format() == RNNFormat.NCW ? in.size(2) : in.size(1));
            validateInitialState(h0, c0, batch);
            pass.steps = steps;
            pass.batch = batch;
            // [B, nIn, T] (or [B, T, nIn]) -> feature-major [nIn, T, B]: one copy, then every product is plain.
            pass.x = (format() == RNNFormat.NCW ? in.permute(1, 2, 0) : in.permute(2, 1, 0)).dup('c');

            Map<String, INDArray> params = new LinkedHashMap<>();
            for (String key : layerConf().initializer().paramKeys(layerConf())) {
                params.put(key, getParamWithNoise(key, training, workspaceMgr));
            }
            pass.params = params;
            INDArray wIh = params.get(CellKeys.INPUT_WEIGHT);
            long gh = wIh.size(0);
            INDArray projection = wIh.mmul(pass.x.reshape('c', nIn, (long) steps * batch));
            pass.z = projection.reshape('c', gh, steps, batch).permute(1, 0, 2).dup('c');
            FeatureMajor.addToEveryStep(pass.z, params.get(CellKeys.INPUT_BIAS));
            cellSpec.prepareProjection(pass.z, params);

            pass.h = Nd4j.create(dataType, steps + 1, hidden, batch);
            pass.c = cellSpec.hasCellState() ? Nd4j.create(dataType, steps + 1, hidden, batch) : null;
            if (h0 != null) {
                step(pass.h, 0).assign(h0.castTo(dataType).transpose());
            }
            if (c0 != null && pass.c != null) {
                step(pass.c, 0).assign(c0.castTo(dataType).transpose());
            }
            if (maskArray != null) {
                pass.mask = maskArray.castTo(dataType).transpose().dup('c');
                pass.inverseMask = pass.mask.rsub(1.0);
            }

            RecurrentCell cell = cellSpec.begin(params, hidden, steps, batch, training);
            pass.cell = cell;
            for (int t = 0; t < steps; t++) {
                INDArray cPrev = pass.c == null ? null : step(pass.c, t);
                INDArray cNext = pass.c == null ? null : step(pass.c, t + 1);
                cell.forward(t, step(pass.z, t), step(pass.h, t), cPrev, step(pass.h, t + 1), cNext);
                if (pass.mask != null) {
                    INDArray m = pass.mask.getRow(t, true);
                    carryOverMasked(step(pass.h, t + 1), step(pass.h, t), m);
                    if (cNext != null) {
                        carryOverMasked(cNext, cPrev, m);
                    }
                }
            }
            INDArray states = FeatureMajor.steps(pass.h, 1, steps + 1);
            if (pass.mask != null) {
                INDArray masked = Nd4j.create(dataType, steps, hidden, batch);
                Nd4j.getExecutioner().exec(new BroadcastMulOp(states, pass.mask, masked, 0, 2));
                states = masked;
            }
            outputFeatureMajor = format() == RNNFormat.NCW ? states.permute(2, 1, 0) : states.permute(2, 0, 1);
        }
        pass.output = workspaceMgr.dup(ArrayType.ACTIVATIONS, outputFeatureMajor, 'c');
        lastPass = training ? pass : null;
        return pass;
    }

    /** {@code next = m ⊙ next + (1 − m) ⊙ prev}, column by column (m is 0 or 1 per example). */
    private static void carryOverMasked(INDArray next, INDArray prev, INDArray m) {
        next.subi(prev).muliRowVector(m).addi(prev);
    }

    private INDArray backward(Pass pass, INDArray epsilon, int tbpttBackLength) {
        int steps = pass.steps;
        int batch = pass.batch;
        int hidden = hidden();
        validateEpsilon(epsilon, pass);
        INDArray eps = epsilon.castTo(dataType);
        INDArray e = (format() == RNNFormat.NCW ? eps.permute(2, 1, 0) : eps.permute(1, 2, 0)).dup('c');
        int end = tbpttBackLength > 0 ? Math.max(0, steps - tbpttBackLength) : 0;

        boolean hasC = pass.c != null;
        INDArray gH = Nd4j.create(dataType, hidden, batch);
        INDArray gC = hasC ? Nd4j.create(dataType, hidden, batch) : null;
        INDArray dh = Nd4j.create(dataType, hidden, batch);
        INDArray dc = hasC ? Nd4j.create(dataType, hidden, batch) : null;
        INDArray dhPrev = Nd4j.create(dataType, hidden, batch);
        INDArray dcPrev = hasC ? Nd4j.create(dataType, hidden, batch) : null;

        for (int t = steps - 1; t >= end; t--) {
            dh.assign(step(e, t)).addi(gH);
            if (hasC) {
                dc.assign(gC);
            }
            INDArray m = pass.mask == null ? null : pass.mask.getRow(t, true);
            if (m != null) {
                dh.muliRowVector(m);
                if (hasC) {
                    dc.muliRowVector(m);
                }
            }
            pass.cell.backward(
                    t,
                    dh,
                    dc,
                    step(pass.h, t),
                    hasC ? step(pass.c, t) : null,
                    hasC ? step(pass.c, t + 1) : null,
                    step(pass.z, t),
                    dhPrev,
                    dcPrev);
            if (m != null) {
                INDArray keep = pass.inverseMask.getRow(t, true);
                gH.muliRowVector(keep).addi(dhPrev);
                if (hasC) {
                    gC.muliRowVector(keep).addi(dcPrev);
                }
            } else {
                gH.assign(dhPrev);
                if (hasC) {
                    gC.assign(dcPrev);
                }
            }
        }
        if (end > 0) {
            FeatureMajor.steps(pass.z, 0, end).assign(0);
        }
        initialStateGradient = end == 0
                ? (hasC
                        ? new INDArray[] {
                            gH.transpose().dup('c'), gC.transpose().dup('c')
                        }
                        : new INDArray[] {gH.transpose().dup('c')})
                : null;

        long gh = pass.z.size(1);
        long nIn = pass.x.size(0);
        INDArray dz = pass.z.permute(1, 0, 2).dup('c').reshape('c', gh, (long) steps * batch);
        INDArray x = pass.x.reshape('c', nIn, (long) steps * batch);
        Nd4j.gemm(dz, x, gradientViews.get(CellKeys.INPUT_WEIGHT), false, true, 1.0, 0.0);
        gradientViews.get(CellKeys.INPUT_BIAS).assign(dz.sum(1));
        INDArray hPrev = FeatureMajor.steps(pass.h, 0, steps);
        INDArray cPrev = hasC ? FeatureMajor.steps(pass.c, 0, steps) : null;
        INDArray cOut = hasC ? FeatureMajor.steps(pass.c, 1, steps + 1) : null;
        pass.cell.parameterGradients(end, pass.z, hPrev, cPrev, cOut, gradientViews);

        INDArray dx =
                pass.params.get(CellKeys.INPUT_WEIGHT).transpose().mmul(dz).reshape('c', nIn, steps, batch);
        return format() == RNNFormat.NCW ? dx.permute(2, 0, 1) : dx.permute(2, 1, 0);
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

    private void validateEpsilon(INDArray epsilon, Pass pass) {
        long[] expected = format() == RNNFormat.NCW
                ? new long[] {pass.batch, hidden(), pass.steps}
                : new long[] {pass.batch, pass.steps, hidden()};
        if (!Arrays.equals(epsilon.shape(), expected)) {
            throw new IllegalArgumentException("Layer " + layerId() + ": gradient from the layer above has shape "
                    + Arrays.toString(epsilon.shape()) + ", expected " + Arrays.toString(expected));
        }
    }

    /** The layer's parameters by key, as named in {@link org.recurrent4j.params.CellParamInitializer}. */
    public Map<String, INDArray> parameters() {
        Map<String, INDArray> result = new HashMap<>();
        for (CellParameter p : spec().parameters(hidden())) {
            result.put(p.key(), getParam(p.key()));
        }
        result.put(CellKeys.INPUT_WEIGHT, getParam(CellKeys.INPUT_WEIGHT));
        result.put(CellKeys.INPUT_BIAS, getParam(CellKeys.INPUT_BIAS));
        return result;
    }
}
