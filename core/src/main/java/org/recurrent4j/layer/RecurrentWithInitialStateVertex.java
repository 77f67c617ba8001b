package org.recurrent4j.layer;

import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The graph vertex of {@link org.recurrent4j.conf.RecurrentWithInitialState}: a layer vertex
 * whose inputs 1 (and 2) are the initial state of its {@link CellLoopLayer}, and whose backward
 * pass returns the gradient with respect to them.
 */
public class RecurrentWithInitialStateVertex extends LayerVertex {

    public RecurrentWithInitialStateVertex(
            ComputationGraph graph,
            String name,
            int vertexIndex,
            CellLoopLayer layer,
            InputPreProcessor layerPreProcessor,
            boolean outputVertex,
            DataType dataType) {
        super(graph, name, vertexIndex, layer, layerPreProcessor, outputVertex, dataType);
    }

    private CellLoopLayer cellLayer() {
        return (CellLoopLayer) getLayer();
    }

    @Override
    public void setInput(int inputNumber, INDArray input, LayerWorkspaceMgr workspaceMgr) {
        if (inputNumber == 0) {
            super.setInput(0, input, workspaceMgr);
            return;
        }
        if (inputNumber >= inputs.length) {
            throw new IllegalArgumentException("Vertex \"" + vertexName + "\" has " + inputs.length
                    + " inputs (sequence, h0[, c0]); got input number " + inputNumber);
        }
        inputs[inputNumber] = input;
        if (inputs.length == 2) {
            cellLayer().setInitialState(inputs[1], null);
        } else if (inputs[1] != null && inputs[2] != null) {
            cellLayer().setInitialState(inputs[1], inputs[2]);
        }
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        Pair<Gradient, INDArray[]> result = super.doBackward(tbptt, workspaceMgr);
        INDArray[] stateGradient = cellLayer().getInitialStateGradient();
        INDArray[] epsilons = new INDArray[inputs.length];
        epsilons[0] = result.getSecond()[0];
        for (int i = 1; i < inputs.length; i++) {
            INDArray g = stateGradient != null
                    ? stateGradient[i - 1]
                    : inputs[i].ulike().assign(0);
            epsilons[i] = workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, g);
        }
        return new Pair<>(result.getFirst(), epsilons);
    }

    @Override
    public void clear() {
        super.clear();
        cellLayer().clearInitialState();
    }
}
