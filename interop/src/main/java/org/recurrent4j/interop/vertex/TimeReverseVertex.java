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
 * Reverses a sequence in time, padding and mask included: step {@code t} of the output is step
 * {@code T − 1 − t} of the input, and so for the mask. This is Keras' {@code go_backwards}: the
 * layer after it reads the padded sequence from its end (a post-padded sequence's padding comes
 * first, which a masked layer skips). DL4J's {@code ReverseTimeSeriesVertex} instead keeps padding
 * in place and leaves the mask as it was, and reads only {@code [batch, size, time]}.
 *
 * <pre>{@code
 * graph.addVertex("reversed", new TimeReverseVertex(RNNFormat.NWC), "input")
 *      .addLayer("gru", new Gru.Builder().nIn(3).nOut(4).dataFormat(RNNFormat.NWC).build(), "reversed");
 * }</pre>
 */
public class TimeReverseVertex extends GraphVertex {

    private static final long serialVersionUID = 1L;

    private RNNFormat format = RNNFormat.NCW;

    /** For JSON. */
    public TimeReverseVertex() {}

    /** Reverses sequences laid out as {@code format}. */
    public TimeReverseVertex(RNNFormat format) {
        this.format = format;
    }

    public RNNFormat getFormat() {
        return format;
    }

    public void setFormat(RNNFormat format) {
        this.format = format;
    }

    @Override
    public TimeReverseVertex clone() {
        return new TimeReverseVertex(format);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TimeReverseVertex other && other.format == format;
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
        return new TimeReverseVertexImpl(graph, name, idx, format, dataType);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
        if (vertexInputs.length != 1 || vertexInputs[0].getType() != InputType.Type.RNN) {
            throw new InvalidInputTypeException(
                    "TimeReverseVertex reverses one sequence input, got " + java.util.Arrays.toString(vertexInputs));
        }
        return vertexInputs[0];
    }

    @Override
    public MemoryReport getMemoryReport(InputType... inputTypes) {
        return new LayerMemoryReport.Builder(null, getClass(), inputTypes[0], inputTypes[0])
                .standardMemory(0, 0)
                .workingMemory(0, 0, 0, 0)
                .cacheMemory(0, 0)
                .build();
    }
}
