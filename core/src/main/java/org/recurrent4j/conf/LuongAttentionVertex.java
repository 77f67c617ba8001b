package org.recurrent4j.conf;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.deeplearning4j.nn.api.TrainingConfig;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.recurrent4j.layer.LuongAttentionVertexImpl;

/**
 * "General" attention of every query step over the real steps of a memory sequence (Luong et al.
 * 2015): a decoder looks back at every encoder output instead of one context vector.
 *
 * <pre>
 *   inputs:  queries Q [B, D, M] (decoder outputs), memory V [B, E, S] (encoder outputs)
 *   param:   W [D, E]                      keys K[b] = W V[b]  [D, S]
 *   scores:  a[b, m, s] = Q[b, :, m] · K[b, :, s]  = h_mᵀ W e_s
 *   weights: w[b, m, :] = softmax over the real steps s of a[b, m, :]     (0 at padded steps)
 *   output:  C[b, :, m] = Σ_s w[b, m, s] V[b, :, s]                        C [B, E, M]
 * </pre>
 *
 * <p>The real steps of the memory come from the mask of the network input {@code memoryMaskInput}
 * (as DL4J's {@code LastTimeStepVertex} reads its mask); without one, every step is real. The
 * output carries the queries' mask. W is initialized uniformly in ±√(6 / (D + E)) and trained with
 * the updater and gradient clipping given here (a vertex does not inherit the network's).
 *
 * <pre>{@code
 * graph.addVertex("context",
 *         new LuongAttentionVertex("context", "source", 64, 128, new Adam(1e-3),
 *                 GradientNormalization.None, 1.0),
 *         "decoder_top", "encoder_top");
 * }</pre>
 */
public class LuongAttentionVertex extends GraphVertex implements TrainingConfig {
    private static final long serialVersionUID = 1L;

    /** The name of the parameter W in the vertex's parameter table. */
    public static final String WEIGHT = "W";

    private String layerName;
    private String memoryMaskInput;
    private int querySize;
    private int memorySize;
    private IUpdater updater = new Adam(1e-3);
    private GradientNormalization gradientNormalization = GradientNormalization.None;
    private double gradientNormalizationThreshold = 1.0;

    /** For JSON. */
    public LuongAttentionVertex() {}

    /**
     * @param name the vertex's name in the graph (the updater keys its state by it)
     * @param memoryMaskInput the network input whose mask marks the memory's real steps, or null
     * @param querySize D, the queries' size
     * @param memorySize E, the memory's size
     */
    public LuongAttentionVertex(
            String name,
            String memoryMaskInput,
            int querySize,
            int memorySize,
            IUpdater updater,
            GradientNormalization gradientNormalization,
            double gradientNormalizationThreshold) {
        if (querySize < 1 || memorySize < 1) {
            throw new IllegalArgumentException("LuongAttentionVertex \"" + name + "\": sizes must be at least 1, got"
                    + " queries " + querySize + " and memory " + memorySize);
        }
        this.layerName = Objects.requireNonNull(name, "name");
        this.memoryMaskInput = memoryMaskInput;
        this.querySize = querySize;
        this.memorySize = memorySize;
        this.updater = Objects.requireNonNull(updater, "updater");
        this.gradientNormalization = Objects.requireNonNull(gradientNormalization, "gradientNormalization");
        this.gradientNormalizationThreshold = gradientNormalizationThreshold;
    }

    /** The network input whose mask marks the memory's real steps (null: all steps). */
    public String getMemoryMaskInput() {
        return memoryMaskInput;
    }

    public int getQuerySize() {
        return querySize;
    }

    public int getMemorySize() {
        return memorySize;
    }

    @Override
    public LuongAttentionVertex clone() {
        return new LuongAttentionVertex(
                layerName,
                memoryMaskInput,
                querySize,
                memorySize,
                updater.clone(),
                gradientNormalization,
                gradientNormalizationThreshold);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LuongAttentionVertex other
                && Objects.equals(layerName, other.layerName)
                && Objects.equals(memoryMaskInput, other.memoryMaskInput)
                && querySize == other.querySize
                && memorySize == other.memorySize
                && Objects.equals(updater, other.updater)
                && gradientNormalization == other.gradientNormalization
                && gradientNormalizationThreshold == other.gradientNormalizationThreshold;
    }

    @Override
    public int hashCode() {
        return Objects.hash(layerName, memoryMaskInput, querySize, memorySize, updater, gradientNormalization);
    }

    @Override
    public long numParams(boolean backprop) {
        return (long) querySize * memorySize;
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
            String vertexName,
            int idx,
            INDArray paramsView,
            boolean initializeParams,
            DataType networkDatatype) {
        int maskIndex = -1;
        if (memoryMaskInput != null) {
            maskIndex = graph.getConfiguration().getNetworkInputs().indexOf(memoryMaskInput);
            if (maskIndex < 0) {
                throw new IllegalArgumentException("LuongAttentionVertex \"" + vertexName + "\": memoryMaskInput \""
                        + memoryMaskInput + "\" is not a network input; inputs: "
                        + graph.getConfiguration().getNetworkInputs());
            }
        }
        return new LuongAttentionVertexImpl(
                graph, vertexName, idx, this, maskIndex, paramsView, initializeParams, networkDatatype);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
        if (vertexInputs.length != 2
                || vertexInputs[0].getType() != InputType.Type.RNN
                || vertexInputs[1].getType() != InputType.Type.RNN) {
            throw new InvalidInputTypeException("LuongAttentionVertex \"" + layerName
                    + "\" takes two sequences, queries [B, D, M] and memory [B, E, S], got "
                    + Arrays.toString(vertexInputs));
        }
        InputType.InputTypeRecurrent queries = (InputType.InputTypeRecurrent) vertexInputs[0];
        InputType.InputTypeRecurrent memory = (InputType.InputTypeRecurrent) vertexInputs[1];
        if (queries.getSize() != querySize || memory.getSize() != memorySize) {
            throw new InvalidInputTypeException(
                    "LuongAttentionVertex \"" + layerName + "\": configured for queries of size "
                            + querySize + " and memory of size " + memorySize + ", got " + queries.getSize() + " and "
                            + memory.getSize());
        }
        return InputType.recurrent(memorySize, queries.getTimeSeriesLength());
    }

    @Override
    public MemoryReport getMemoryReport(InputType... inputTypes) {
        InputType out = getOutputType(-1, inputTypes);
        return new LayerMemoryReport.Builder(layerName, LuongAttentionVertex.class, inputTypes[0], out)
                .standardMemory(numParams(true), numParams(true))
                .workingMemory(0, 0, 0, 0)
                .cacheMemory(0, 0)
                .build();
    }

    @Override
    public String getLayerName() {
        return layerName;
    }

    /** The updater of W. */
    public IUpdater getUpdater() {
        return updater;
    }

    @Override
    public List<Regularization> getRegularizationByParam(String paramName) {
        return List.of();
    }

    @Override
    public boolean isPretrainParam(String paramName) {
        return false;
    }

    @Override
    public IUpdater getUpdaterByParam(String paramName) {
        return updater;
    }

    @Override
    public GradientNormalization getGradientNormalization() {
        return gradientNormalization;
    }

    @Override
    public double getGradientNormalizationThreshold() {
        return gradientNormalizationThreshold;
    }

    @Override
    public void setDataType(DataType dataType) {
        // W takes the network's data type when the graph is built.
    }
}
