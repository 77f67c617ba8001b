package org.recurrent4j.conf;

import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.recurrent4j.layer.FirstStepVertexImpl;

/**
 * A graph vertex that places a vector at the first step of a sequence, zeros at every later step:
 * the "fed at the first step only" form of a one-to-many network.
 *
 * <pre>
 *   inputs: v [B, F], s [B, *, T]  (s gives the length T and the mask)
 *   output: y [B, F, T],  y[:, :, 0] = v,  y[:, :, t] = 0 for t ≥ 1
 *   backward: ∂v = ∂y[:, :, 0];  s receives no gradient
 * </pre>
 *
 * <pre>{@code
 * graph.addVertex("vectorFirst", new FirstStepVertex(), "vector", "steps");
 * }</pre>
 */
public class FirstStepVertex extends GraphVertex {
    private static final long serialVersionUID = 1L;

    @Override
    public FirstStepVertex clone() {
        return new FirstStepVertex();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FirstStepVertex;
    }

    @Override
    public int hashCode() {
        return FirstStepVertex.class.hashCode();
    }

    @Override
    public long numParams(boolean backprop) {
        return 0;
    }

    @Override
    public int minVertexInputs() {
        return 2;
    }

    @Override
    public int maxVertexInputs() {
        return 2;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(
            ComputationGraph graph,
            String name,
            int idx,
            INDArray paramsView,
            boolean initializeParams,
            DataType networkDatatype) {
        return new FirstStepVertexImpl(graph, name, idx, networkDatatype);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
        if (vertexInputs.length != 2
                || vertexInputs[0].getType() != InputType.Type.FF
                || vertexInputs[1].getType() != InputType.Type.RNN) {
            throw new InvalidInputTypeException("FirstStepVertex takes a vector [B, F] and a sequence [B, *, T], got "
                    + java.util.Arrays.toString(vertexInputs));
        }
        InputType.InputTypeRecurrent sequence = (InputType.InputTypeRecurrent) vertexInputs[1];
        return InputType.recurrent(vertexInputs[0].arrayElementsPerExample(), sequence.getTimeSeriesLength());
    }

    @Override
    public MemoryReport getMemoryReport(InputType... inputTypes) {
        InputType out = getOutputType(-1, inputTypes);
        return new LayerMemoryReport.Builder(null, FirstStepVertex.class, inputTypes[0], out)
                .standardMemory(0, 0)
                .workingMemory(0, 0, 0, 0)
                .cacheMemory(0, 0)
                .build();
    }
}
