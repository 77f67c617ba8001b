package org.recurrent4j.layer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.deeplearning4j.nn.layers.FrozenLayer;
import org.deeplearning4j.nn.layers.wrapper.BaseWrapperLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The graph vertex of {@link org.recurrent4j.conf.RecurrentWithInitialState}: a layer vertex
 * whose inputs after the first are the initial state of its {@link CellLoopLayer} (one per entry
 * the cell declares as an initial input), and whose backward pass returns the gradient with
 * respect to them. The layer may be wrapped, e.g. in a {@code FrozenLayer} by transfer learning.
 */
// DL4J's BaseGraphVertex declares setInputs(INDArray[]) for GraphVertex's setInputs(INDArray...).
@SuppressWarnings("overrides")
public class RecurrentWithInitialStateVertex extends LayerVertex {
    private static final long serialVersionUID = 1L;

    private final List<String> stateNames;

    public RecurrentWithInitialStateVertex(
            ComputationGraph graph,
            String name,
            int vertexIndex,
            Layer layer,
            List<String> stateNames,
            InputPreProcessor layerPreProcessor,
            boolean outputVertex,
            DataType dataType) {
        super(graph, name, vertexIndex, layer, layerPreProcessor, outputVertex, dataType);
        this.stateNames = List.copyOf(stateNames);
    }

    /** The names of the state entries its inputs after the first give, in input order ({@code h}, {@code c}, ...). */
    public List<String> stateNames() {
        return stateNames;
    }

    /** The cell loop inside the layer, however DL4J wrapped it. */
    private CellLoopLayer cellLayer() {
        Layer l = getLayer();
        while (l instanceof BaseWrapperLayer wrapper) {
            l = wrapper.getUnderlying();
        }
        return (CellLoopLayer) l;
    }

    private boolean frozen() {
        return getLayer() instanceof FrozenLayer;
    }

    @Override
    public void setInput(int inputNumber, INDArray input, LayerWorkspaceMgr workspaceMgr) {
        if (inputNumber == 0) {
            super.setInput(0, input, workspaceMgr);
            return;
        }
        if (inputNumber >= inputs.length) {
            throw new IllegalArgumentException("Vertex \"" + vertexName + "\" has " + inputs.length
                    + " inputs (sequence, " + stateNames + "); got input number " + inputNumber);
        }
        inputs[inputNumber] = input;
        Map<String, INDArray> state = new LinkedHashMap<>();
        for (int i = 1; i < inputs.length; i++) {
            if (inputs[i] == null) {
                return;
            }
            state.put(stateNames.get(i - 1), inputs[i]);
        }
        cellLayer().setInitialState(state);
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        Pair<Gradient, INDArray[]> result = super.doBackward(tbptt, workspaceMgr);
        Map<String, INDArray> stateGradient = frozen() ? null : cellLayer().getInitialStateGradient();
        INDArray[] epsilons = new INDArray[inputs.length];
        epsilons[0] = result.getSecond()[0];
        for (int i = 1; i < inputs.length; i++) {
            INDArray g = stateGradient != null ? stateGradient.get(stateNames.get(i - 1)) : null;
            epsilons[i] = workspaceMgr.dup(
                    ArrayType.ACTIVATION_GRAD, g != null ? g : inputs[i].ulike().assign(0));
        }
        return new Pair<>(result.getFirst(), epsilons);
    }

    @Override
    public void clear() {
        super.clear();
        cellLayer().clearInitialState();
    }
}
