package org.recurrent4j.interop.vertex;

import java.util.Objects;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The last real step of a sequence, {@code [B, size]}: per example the last step its mask marks
 * (the last step without a mask). Used for the final hidden state of a recurrent layer whose
 * sequence output other vertices read too (Keras' {@code return_state}). Unlike DL4J's {@code
 * LastTimeStepVertex} it reads the mask that reaches it (so it follows a {@link
 * TimeReverseVertex}) and both layouts.
 *
 * <pre>{@code
 * graph.addLayer("gru", gru, "x").addVertex("h", new LastStepVertex(RNNFormat.NWC), "gru");
 * }</pre>
 */
public class LastStepVertex extends GraphVertex {

    private static final long serialVersionUID = 1L;

    private RNNFormat format = RNNFormat.NCW;

    /** For JSON. */
    public LastStepVertex() {}

    public LastStepVertex(RNNFormat format) {
        this.format = format;
    }

    public RNNFormat getFormat() {
        return format;
    }

    public void setFormat(RNNFormat format) {
        this.format = format;
    }

    @Override
    public LastStepVertex clone() {
        return new LastStepVertex(format);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LastStepVertex other && other.format == format;
    }

    @Override
    public int hashCode() {
        return Objects.hash(getClass(), format);
    }

    @Override
    public long numParams(boolean backprop) {
        return 0;
    }

    @Override
    public int minVertexInputs() {
        return 1;
    }

    @Override
    public int maxVertexInputs() {
        return 1;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(
            ComputationGraph graph,
            String name,
            int idx,
            INDArray paramsView,
            boolean initializeParams,
            DataType dataType) {
        return new LastStepVertexImpl(graph, name, idx, format, dataType);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
        if (vertexInputs.length != 1 || vertexInputs[0].getType() != InputType.Type.RNN) {
            throw new InvalidInputTypeException(
                    "LastStepVertex reads one sequence input, got " + java.util.Arrays.toString(vertexInputs));
        }
        return InputType.feedForward(((InputType.InputTypeRecurrent) vertexInputs[0]).getSize());
    }

    @Override
    public MemoryReport getMemoryReport(InputType... inputTypes) {
        return new LayerMemoryReport.Builder(null, getClass(), inputTypes[0], getOutputType(-1, inputTypes))
                .standardMemory(0, 0)
                .workingMemory(0, 0, 0, 0)
                .cacheMemory(0, 0)
                .build();
    }
}
