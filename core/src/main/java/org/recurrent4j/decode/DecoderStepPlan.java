package org.recurrent4j.decode;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.VertexIndices;
import org.deeplearning4j.nn.graph.vertex.impl.ElementWiseVertex;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.deeplearning4j.nn.graph.vertex.impl.MergeVertex;
import org.deeplearning4j.nn.graph.vertex.impl.PreprocessorVertex;
import org.deeplearning4j.nn.graph.vertex.impl.ScaleVertex;
import org.deeplearning4j.nn.graph.vertex.impl.ShiftVertex;
import org.deeplearning4j.nn.graph.vertex.impl.rnn.DuplicateToTimeSeriesVertex;
import org.deeplearning4j.nn.layers.ActivationLayer;
import org.deeplearning4j.nn.layers.DropoutLayer;
import org.deeplearning4j.nn.layers.FrozenLayer;
import org.deeplearning4j.nn.layers.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.layers.LossLayer;
import org.deeplearning4j.nn.layers.OutputLayer;
import org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer;
import org.deeplearning4j.nn.layers.feedforward.embedding.EmbeddingLayer;
import org.deeplearning4j.nn.layers.feedforward.embedding.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.layers.recurrent.BaseRecurrentLayer;
import org.deeplearning4j.nn.layers.recurrent.GravesBidirectionalLSTM;
import org.deeplearning4j.nn.layers.recurrent.RnnLossLayer;
import org.deeplearning4j.nn.layers.recurrent.RnnOutputLayer;
import org.deeplearning4j.nn.layers.wrapper.BaseWrapperLayer;
import org.recurrent4j.conf.LuongAttentionVertex;
import org.recurrent4j.layer.FirstStepVertexImpl;
import org.recurrent4j.layer.LuongAttentionVertexImpl;
import org.recurrent4j.layer.RecurrentWithInitialStateVertex;

/**
 * How an encoder–decoder graph runs one decoder step at a time.
 *
 * <p>The graph's vertices fall in two parts: those that read the decoder input (input 1), directly
 * or through others, are the decoder side and run once per step; every other vertex depends on the
 * source alone and is computed once per batch of sources (the encoder side). A decoder-side vertex
 * computes one step as follows:
 *
 * <ul>
 *   <li>a recurrent layer steps from its state ({@code rnnTimeStep}); a {@code
 *       RecurrentWithInitialState} vertex starts from its state inputs, read from the encoder side;
 *   <li>a layer that acts on each step alone (dense, embedding, output, activation, dropout) and the
 *       element-wise, merge, scale, shift and preprocessor vertices act on the one step;
 *   <li>{@code DuplicateToTimeSeriesVertex} gives its encoder-side vector as a one-step sequence;
 *   <li>{@link LuongAttentionVertex} attends over the encoder-side memory, whose keys are computed
 *       once per source.
 * </ul>
 *
 * <p>Anything else (a vertex that mixes time steps, such as pooling, a convolution or a
 * bidirectional layer, on the decoder side) cannot be stepped, and the plan says which vertex it is.
 */
final class DecoderStepPlan {

    /** A decoder-side vertex and how it computes one step. */
    sealed interface Step {
        /** The vertex's index in the graph. */
        int vertex();
    }

    /** The decoder input: the tokens of this step. */
    record Feed(int vertex) implements Step {}

    /**
     * A recurrent layer stepped from its state.
     *
     * @param initialInputs the encoder-side vertices giving its initial state, or empty (zeros)
     * @param initialNames the state entries they give, in the same order
     */
    record Recurrent(
            int vertex,
            BaseRecurrentLayer<?> layer,
            InputPreProcessor preProcessor,
            int[] initialInputs,
            List<String> initialNames)
            implements Step {}

    /** A layer that acts on each step alone. */
    record StepLayer(int vertex, Layer layer, InputPreProcessor preProcessor) implements Step {}

    /** {@code DuplicateToTimeSeriesVertex}: its encoder-side vector as a one-step sequence. */
    record Repeat(int vertex) implements Step {}

    /** {@code FirstStepVertex}: its encoder-side vector at the first step, zeros after. */
    record FirstStep(int vertex) implements Step {}

    /**
     * Attention over an encoder-side memory.
     *
     * @param sourceMasked whether the memory's real steps are the source's (its mask input is the
     *     source); otherwise every memory step is real, as in a full pass with no decoder mask
     */
    record Attention(int vertex, LuongAttentionVertexImpl impl, boolean sourceMasked) implements Step {}

    /**
     * {@code MergeVertex}: its inputs concatenated along {@code axis} (DL4J's merge axis), done by
     * {@link DecodingRows} for one step without ND4J's concat, which cost half of a step when the
     * decoder reads the context at every step.
     */
    record Merge(int vertex, int axis) implements Step {}

    /** A vertex that acts on each step alone, run as it is. */
    record Plain(int vertex, GraphVertex graphVertex) implements Step {}

    private final ComputationGraph graph;
    private final boolean[] decoderSide;
    private final List<Step> steps;
    private final int[] encoderOutputs;
    private final int lastEncoderPosition;
    private final int output;

    private DecoderStepPlan(
            ComputationGraph graph,
            boolean[] decoderSide,
            List<Step> steps,
            int[] encoderOutputs,
            int lastEncoderPosition,
            int output) {
        this.graph = graph;
        this.decoderSide = decoderSide;
        this.steps = steps;
        this.encoderOutputs = encoderOutputs;
        this.lastEncoderPosition = lastEncoderPosition;
        this.output = output;
    }

    /**
     * The plan of a graph with inputs (source, decoder input) and one output.
     *
     * @throws IllegalArgumentException naming the vertex that cannot be stepped
     */
    static DecoderStepPlan of(ComputationGraph graph) {
        GraphVertex[] vertices = graph.getVertices();
        int[] order = graph.topologicalSortOrder();
        String source = graph.getConfiguration().getNetworkInputs().get(0);
        String target = graph.getConfiguration().getNetworkInputs().get(1);
        int targetVertex = graph.getVertex(target).getVertexIndex();
        boolean[] decoderSide = new boolean[vertices.length];
        List<Step> steps = new ArrayList<>();
        boolean[] neededFromEncoder = new boolean[vertices.length];
        for (int index : order) {
            GraphVertex v = vertices[index];
            if (index == targetVertex) {
                decoderSide[index] = true;
                steps.add(new Feed(index));
                continue;
            }
            VertexIndices[] in = v.getInputVertices();
            // Its output has the decoder input's length, whatever it reads.
            boolean stepped = v instanceof DuplicateToTimeSeriesVertex;
            for (VertexIndices i : in == null ? new VertexIndices[0] : in) {
                stepped |= decoderSide[i.getVertexIndex()];
            }
            if (!stepped) {
                continue;
            }
            decoderSide[index] = true;
            Step step = step(graph, v, source);
            checkInputs(v, step, decoderSide, vertices);
            for (VertexIndices i : in) {
                if (!decoderSide[i.getVertexIndex()]) {
                    neededFromEncoder[i.getVertexIndex()] = true;
                }
            }
            steps.add(step);
        }
        String outputName = graph.getConfiguration().getNetworkOutputs().get(0);
        int output = graph.getVertex(outputName).getVertexIndex();
        if (!decoderSide[output]) {
            throw new IllegalArgumentException("the graph's output \"" + outputName + "\" does not read the decoder"
                    + " input \"" + target + "\": this is not an encoder-decoder graph");
        }
        List<Integer> fromEncoder = new ArrayList<>();
        int last = -1;
        for (int p = 0; p < order.length; p++) {
            if (neededFromEncoder[order[p]]) {
                fromEncoder.add(order[p]);
                last = p;
            }
        }
        return new DecoderStepPlan(
                graph,
                decoderSide,
                List.copyOf(steps),
                fromEncoder.stream().mapToInt(Integer::intValue).toArray(),
                last,
                output);
    }

    private static Step step(ComputationGraph graph, GraphVertex v, String source) {
        int index = v.getVertexIndex();
        if (v instanceof LayerVertex lv) {
            Layer layer = lv.getLayer();
            while (layer instanceof FrozenLayer || layer instanceof FrozenLayerWithBackprop) {
                layer = ((BaseWrapperLayer) layer).getUnderlying();
            }
            if (layer instanceof BaseRecurrentLayer<?> recurrent && !(layer instanceof GravesBidirectionalLSTM)) {
                List<String> names =
                        v instanceof RecurrentWithInitialStateVertex withState ? withState.stateNames() : List.of();
                int[] initial = new int[names.size()];
                for (int i = 0; i < initial.length; i++) {
                    initial[i] = v.getInputVertices()[i + 1].getVertexIndex();
                }
                return new Recurrent(index, recurrent, lv.getLayerPreProcessor(), initial, names);
            }
            if (layer instanceof RnnOutputLayer
                    || layer instanceof RnnLossLayer
                    || layer instanceof OutputLayer
                    || layer instanceof LossLayer
                    || layer instanceof DenseLayer
                    || layer instanceof EmbeddingSequenceLayer
                    || layer instanceof EmbeddingLayer
                    || layer instanceof ActivationLayer
                    || layer instanceof DropoutLayer) {
                return new StepLayer(index, layer, lv.getLayerPreProcessor());
            }
            throw cannotStep(v, layer.getClass().getSimpleName());
        }
        if (v instanceof DuplicateToTimeSeriesVertex) {
            return new Repeat(index);
        }
        if (v instanceof FirstStepVertexImpl) {
            return new FirstStep(index);
        }
        if (v instanceof LuongAttentionVertexImpl attention) {
            LuongAttentionVertex conf = (LuongAttentionVertex)
                    graph.getConfiguration().getVertices().get(v.getVertexName());
            return new Attention(index, attention, source.equals(conf.getMemoryMaskInput()));
        }
        if (v instanceof MergeVertex) {
            org.deeplearning4j.nn.conf.graph.MergeVertex conf = (org.deeplearning4j.nn.conf.graph.MergeVertex)
                    graph.getConfiguration().getVertices().get(v.getVertexName());
            return new Merge(index, conf.getMergeAxis());
        }
        if (v instanceof ElementWiseVertex
                || v instanceof ScaleVertex
                || v instanceof ShiftVertex
                || v instanceof PreprocessorVertex) {
            return new Plain(index, v);
        }
        throw cannotStep(v, v.getClass().getSimpleName());
    }

    /** Which inputs may come from the encoder side: those a step reads whole, never a sequence to step through. */
    private static void checkInputs(GraphVertex v, Step step, boolean[] decoderSide, GraphVertex[] vertices) {
        VertexIndices[] in = v.getInputVertices();
        for (int i = 0; i < in.length; i++) {
            if (decoderSide[in[i].getVertexIndex()]) {
                continue;
            }
            boolean allowed = (step instanceof Recurrent && i >= 1)
                    || step instanceof Repeat
                    || (step instanceof FirstStep && i == 0)
                    || (step instanceof Attention && i == 1);
            if (!allowed) {
                throw new IllegalArgumentException("vertex \"" + v.getVertexName() + "\" ("
                        + v.getClass().getSimpleName() + ") reads \"" + vertices[in[i].getVertexIndex()].getVertexName()
                        + "\", computed from the source alone, as its input " + i + ": a decoder stepped one token at"
                        + " a time can read the source's values only as a recurrent layer's initial state, through"
                        + " DuplicateToTimeSeriesVertex or FirstStepVertex, or as attention's memory");
            }
        }
    }

    private static IllegalArgumentException cannotStep(GraphVertex v, String what) {
        return new IllegalArgumentException("vertex \"" + v.getVertexName() + "\" (" + what + ") reads the decoder"
                + " input but cannot be run one step at a time: the decoder side of a graph SequenceDecoder decodes"
                + " may hold recurrent layers (not bidirectional), layers that act on each step alone (dense,"
                + " embedding, output, activation, dropout), merge, element-wise, scale, shift and preprocessor"
                + " vertices, DuplicateToTimeSeriesVertex, FirstStepVertex and LuongAttentionVertex");
    }

    ComputationGraph graph() {
        return graph;
    }

    /** The decoder-side vertices in the order they run. */
    List<Step> steps() {
        return steps;
    }

    /** Whether a vertex reads the decoder input (directly or not). */
    boolean decoderSide(int vertex) {
        return decoderSide[vertex];
    }

    /** The encoder-side vertices the decoder side reads. */
    int[] encoderOutputs() {
        return encoderOutputs.clone();
    }

    /** The last position in the graph's topological order that the encoder side must be run to; −1 for none. */
    int lastEncoderPosition() {
        return lastEncoderPosition;
    }

    /** The graph's output vertex. */
    int output() {
        return output;
    }
}
