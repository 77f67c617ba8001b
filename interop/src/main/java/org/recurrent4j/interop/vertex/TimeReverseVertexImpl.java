package org.recurrent4j.interop.vertex;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.BaseGraphVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The network's part of {@link TimeReverseVertex}. */
// DL4J\'s BaseGraphVertex declares setInputs(INDArray[]) for GraphVertex\'s setInputs(INDArray...).
@SuppressWarnings("overrides")
public class TimeReverseVertexImpl extends BaseGraphVertex {

    private static final long serialVersionUID = 1L;

    private final RNNFormat format;

    public TimeReverseVertexImpl(ComputationGraph graph, String name, int index, RNNFormat format, DataType dataType) {
        super(graph, name, index, null, null, dataType);
        this.format = format;
    }

    /** {@code a} reversed along {@code axis}, a new array. */
    static INDArray reversed(INDArray a, int axis) {
        long steps = a.size(axis);
        INDArray out = Nd4j.createUninitialized(a.dataType(), a.shape(), 'c');
        for (long t = 0; t < steps; t++) {
            out.slice(steps - 1 - t, axis).assign(a.slice(t, axis));
        }
        return out;
    }

    private int timeAxis() {
        return format == RNNFormat.NWC ? 1 : 2;
    }

    @Override
    public boolean hasLayer() {
        return false;
    }

    @Override
    public Layer getLayer() {
        return null;
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, reversed(inputs[0], timeAxis()));
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        return new Pair<>(
                null,
                new INDArray[] {workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD, reversed(epsilon, timeAxis()))});
    }

    @Override
    public void setBackpropGradientsViewArray(INDArray backpropGradientsViewArray) {
        if (backpropGradientsViewArray != null) {
            throw new IllegalStateException("TimeReverseVertex has no parameters");
        }
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArrays(
            INDArray[] maskArrays, MaskState currentMaskState, int minibatchSize) {
        if (maskArrays == null || maskArrays[0] == null) {
            return new Pair<>(null, currentMaskState);
        }
        return new Pair<>(reversed(maskArrays[0], 1), currentMaskState);
    }

    @Override
    public String toString() {
        return "TimeReverseVertex(" + format + ")";
    }
}
