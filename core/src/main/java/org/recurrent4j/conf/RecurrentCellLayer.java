package org.recurrent4j.conf;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.recurrent4j.cell.Cell;
import org.recurrent4j.cell.CellParameter;
import org.recurrent4j.cell.InputProjection;
import org.recurrent4j.cell.StateEntry;
import org.recurrent4j.layer.CellLoopLayer;
import org.recurrent4j.params.CellParamInitializer;

/**
 * The configuration shared by every recurrent4j layer built from a cell: a DL4J {@link
 * BaseRecurrentLayer}, so it works in {@code MultiLayerNetwork} and {@code ComputationGraph},
 * inside {@code Bidirectional}, {@code LastTimeStep}, {@code TimeDistributed} and {@code
 * MaskZeroLayer}, and survives JSON and {@code ModelSerializer}.
 *
 * <p>Subclasses say which cell they run ({@link #cell()}); the layer implementation ({@link
 * CellLoopLayer}) and the parameter layout ({@link CellParamInitializer}) are the same for all.
 * Input and output follow DL4J: {@code [batch, size, time]} (NCW, the default) or {@code [batch,
 * time, size]} (NWC).
 */
public abstract class RecurrentCellLayer extends BaseRecurrentLayer {
    private static final long serialVersionUID = 1L;

    protected RecurrentCellLayer() {}

    protected RecurrentCellLayer(Builder<?> builder) {
        super(builder);
    }

    /** The cell this layer runs over time (a new, immutable definition from this configuration). */
    public abstract Cell cell();

    /** Every parameter of the layer in storage order: the projection's, then the cell's own. */
    public List<CellParameter> parameters() {
        Cell cell = cell();
        int nIn = Math.toIntExact(getNIn());
        int hidden = hiddenSize();
        List<CellParameter> all = new ArrayList<>(cell.projection(nIn, hidden).parameters(nIn, hidden));
        all.addAll(cell.parameters(nIn, hidden));
        return all;
    }

    /** The hidden size {@code H}. */
    public int hiddenSize() {
        return Math.toIntExact(getNOut());
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(
            NeuralNetConfiguration conf,
            Collection<TrainingListener> trainingListeners,
            int layerIndex,
            INDArray layerParamsView,
            boolean initializeParams,
            DataType networkDataType) {
        LayerValidation.assertNInNOutSet(getClass().getSimpleName(), getLayerName(), layerIndex, getNIn(), getNOut());
        CellLoopLayer layer = new CellLoopLayer(conf, networkDataType);
        layer.setListeners(trainingListeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        Map<String, INDArray> paramTable = initializer().init(conf, layerParamsView, initializeParams);
        layer.setParamTable(paramTable);
        layer.setConf(conf);
        return layer;
    }

    @Override
    public ParamInitializer initializer() {
        return CellParamInitializer.getInstance();
    }

    /**
     * Memory estimate per example: a pass keeps the input, the pre-activations and every declared
     * state for all steps ({@code (nIn + rows + H + Σ state sizes)·T}); training also keeps the
     * cell's per-step storage and the gradients (about twice that again). This work memory is
     * taken from a process-wide pool when a pass starts and given back to it when DL4J clears the
     * layer after each {@code fit}/{@code output}; the pool keeps idle memory for reuse, bounded by
     * the largest working set seen and freed after a minute unused ({@link
     * org.recurrent4j.kernel.BufferPool}), so no per-layer cache is reported.
     */
    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        InputType outputType = getOutputType(-1, inputType);
        long steps = ((InputType.InputTypeRecurrent) inputType).getTimeSeriesLength();
        Cell cell = cell();
        int nIn = Math.toIntExact(getNIn());
        int h = hiddenSize();
        InputProjection projection = cell.projection(nIn, h);
        long perStep = (long) projection.rows() + h + (long) projection.width() * nIn;
        for (StateEntry e : cell.state(h)) {
            perStep += e.name().equals(StateEntry.H) ? 0 : e.size();
        }
        long inference = steps * perStep;
        long training = 3 * inference;
        long params = initializer().numParams(this);
        long updaterState = getIUpdater() == null ? 0 : getIUpdater().stateSize(params);
        Map<CacheMode, Long> trainingByMode = new EnumMap<>(CacheMode.class);
        Map<CacheMode, Long> noCache = new EnumMap<>(CacheMode.class);
        for (CacheMode mode : CacheMode.values()) {
            trainingByMode.put(mode, training);
            noCache.put(mode, 0L);
        }
        return new LayerMemoryReport.Builder(getLayerName(), getClass(), inputType, outputType)
                .standardMemory(params, updaterState)
                .workingMemory(0, inference, MemoryReport.cacheModeMapFor(0), trainingByMode)
                .cacheMemory(noCache, noCache)
                .build();
    }

    /**
     * The builder shared by all cell layers; it defaults the activation to tanh (DL4J's global
     * default, sigmoid, is not what any recurrent cell wants).
     */
    public abstract static class Builder<T extends Builder<T>> extends BaseRecurrentLayer.Builder<T> {
        protected Builder() {
            this.activationFn = new ActivationTanH();
        }
    }
}
