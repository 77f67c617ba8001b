package org.recurrent4j.layer;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.BaseGraphVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The runtime vertex of {@link org.recurrent4j.conf.FirstStepVertex}: the vector at step 0, zeros after. */
// DL4J\'s BaseGraphVertex declares setInputs(INDArray[]) for GraphVertex\'s setInputs(INDArray...).
@SuppressWarnings("overrides")
public class FirstStepVertexImpl extends BaseGraphVertex {
    private static final long serialVersionUID = 1L;

    public FirstStepVertexImpl(ComputationGraph graph, String name, int vertexIndex, DataType dataType) {
        super(graph, name, vertexIndex, null, null, dataType);
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
        INDArray vector = inputs[0];
        INDArray sequence = inputs[1];
        if (vector.rank() != 2 || sequence.rank() != 3 || vector.size(0) != sequence.size(0)) {
            throw new IllegalArgumentException("FirstStepVertex \"" + getVertexName()
                    + "\": expected a vector [B, F] and a sequence [B, *, T] with the same B, got "
                    + java.util.Arrays.toString(vector.shape()) + " and "
                    + java.util.Arrays.toString(sequence.shape()));
        }
        INDArray out = workspaceMgr.create(
                ArrayType.ACTIVATIONS, vector.dataType(), new long[] {vector.size(0), vector.size(1), sequence.size(2)
                });
        out.assign(0);
        out.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(0)).assign(vector);
        return out;
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        INDArray toVector = workspaceMgr.dup(
                ArrayType.ACTIVATION_GRAD,
                epsilon.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(0)),
                'c');
        INDArray toSequence = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, inputs[1].dataType(), inputs[1].shape());
        toSequence.assign(0);
        return new Pair<>(null, new INDArray[] {toVector, toSequence});
    }

    @Override
    public void setBackpropGradientsViewArray(INDArray backpropGradientsViewArray) {
        if (backpropGradientsViewArray != null) {
            throw new IllegalStateException("FirstStepVertex has no parameters");
        }
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArrays(
            INDArray[] maskArrays, MaskState currentMaskState, int minibatchSize) {
        // Steps follow the sequence input: its mask, if any.
        if (maskArrays == null || maskArrays.length < 2 || maskArrays[1] == null) {
            return new Pair<>(null, currentMaskState);
        }
        return new Pair<>(maskArrays[1], MaskState.Active);
    }

    @Override
    public String toString() {
        return "FirstStepVertex(" + getVertexName() + ")";
    }
}
