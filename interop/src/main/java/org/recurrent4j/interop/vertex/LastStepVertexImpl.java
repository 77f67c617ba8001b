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
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The network's part of {@link LastStepVertex}. */
// DL4J\'s BaseGraphVertex declares setInputs(INDArray[]) for GraphVertex\'s setInputs(INDArray...).
@SuppressWarnings("overrides")
public class LastStepVertexImpl extends BaseGraphVertex {

    private static final long serialVersionUID = 1L;

    private final RNNFormat format;
    private INDArray mask;
    private long[] inputShape;
    private long[] steps;

    public LastStepVertexImpl(ComputationGraph graph, String name, int index, RNNFormat format, DataType dataType) {
        super(graph, name, index, null, null, dataType);
        this.format = format;
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
        INDArray in = format == RNNFormat.NWC ? inputs[0].permute(0, 2, 1) : inputs[0];
        inputShape = inputs[0].shape();
        long batch = in.size(0);
        long length = in.size(2);
        steps = new long[(int) batch];
        INDArray out = Nd4j.create(in.dataType(), batch, in.size(1));
        for (int b = 0; b < batch; b++) {
            long last = length - 1;
            if (mask != null) {
                while (last >= 0 && mask.getDouble(b, last) == 0) {
                    last--;
                }
            }
            steps[b] = last;
            if (last >= 0) {
                out.getRow(b).assign(in.get(NDArrayIndex.point(b), NDArrayIndex.all(), NDArrayIndex.point(last)));
            }
        }
        return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, out);
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        INDArray grad = Nd4j.zeros(epsilon.dataType(), inputShape);
        INDArray view = format == RNNFormat.NWC ? grad.permute(0, 2, 1) : grad;
        for (int b = 0; b < steps.length; b++) {
            if (steps[b] >= 0) {
                view.get(NDArrayIndex.point(b), NDArrayIndex.all(), NDArrayIndex.point(steps[b]))
                        .assign(epsilon.getRow(b));
            }
        }
        return new Pair<>(null, new INDArray[] {workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD, grad)});
    }

    @Override
    public void setBackpropGradientsViewArray(INDArray backpropGradientsViewArray) {
        if (backpropGradientsViewArray != null) {
            throw new IllegalStateException("LastStepVertex has no parameters");
        }
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArrays(
            INDArray[] maskArrays, MaskState currentMaskState, int minibatchSize) {
        this.mask = maskArrays == null ? null : maskArrays[0];
        return new Pair<>(null, currentMaskState);
    }

    @Override
    public String toString() {
        return "LastStepVertex(" + format + ")";
    }
}
