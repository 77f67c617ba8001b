package org.recurrent4j.arch;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.rnn.LastTimeStepVertex;
import org.deeplearning4j.nn.conf.graph.rnn.ReverseTimeSeriesVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.deeplearning4j.nn.weights.WeightInitXavier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.recurrent4j.conf.CellType;
import org.recurrent4j.conf.CellTypes;
import org.recurrent4j.conf.RecurrentCellLayer;

/**
 * The options every architecture builder shares, and the stacking they have in common: an input
 * (dense features, or token indices through an embedding), then recurrent layers of the given
 * sizes, each optionally bidirectional, with dropout between them and optional residual
 * connections.
 *
 * <pre>
 *   x ─▶ [embedding] ─▶ [input dropout] ─▶ RNN_1 ─▶ dropout ─▶ RNN_2 (+ input, if residual) ─▶ … ─▶ top
 * </pre>
 *
 * @param <T> the concrete builder, returned by every option
 */
public abstract class RecurrentStack<T extends RecurrentStack<T>> {

    /** A vertex of the graph being built and the size of its output per step. */
    protected record Top(String vertex, int size) {}

    protected CellType cell = CellTypes.LSTM;
    protected int[] hidden = {64};
    protected double dropout;
    protected double inputDropout;
    protected boolean residual;
    protected Bidirectional.Mode bidirectional;
    protected int features;
    protected int vocabulary;
    protected int embedding;
    protected IWeightInit weightInit = new WeightInitXavier();
    protected IUpdater updater = new Adam(1e-3);
    protected GradientNormalization clipping = GradientNormalization.None;
    protected double clippingThreshold = 1.0;
    protected int truncatedBptt;
    protected long seed = 42;
    protected DataType dataType = DataType.FLOAT;

    @SuppressWarnings("unchecked")
    private T self() {
        return (T) this;
    }

    /**
     * The recurrent cell of every layer (default {@link CellTypes#LSTM}): a built-in type, one looked
     * up by name ({@link CellTypes#named}), or one of your own ({@link CellType#of}).
     */
    public T cell(CellType cell) {
        this.cell = cell;
        return self();
    }

    /** The sizes of the stacked recurrent layers, bottom first (default one layer of 64). */
    public T hidden(int... sizes) {
        this.hidden = sizes.clone();
        return self();
    }

    /** Dropout probability p in [0, 1) between layers (on each recurrent layer's output). */
    public T dropout(double p) {
        this.dropout = p;
        return self();
    }

    /**
     * Dropout probability p in [0, 1) on the first recurrent layer's input: the features, or the
     * embeddings of token input (against a model that memorises its words); in an encoder–decoder,
     * the encoder's first layer. Default 0.
     */
    public T inputDropout(double p) {
        this.inputDropout = p;
        return self();
    }

    /** Adds each recurrent layer's input to its output, from the second layer on (stacked sizes must be equal). */
    public T residual(boolean residual) {
        this.residual = residual;
        return self();
    }

    /** Bidirectional layers, the two directions merged by {@code mode} (CONCAT doubles the size). */
    public T bidirectional(Bidirectional.Mode mode) {
        this.bidirectional = mode;
        return self();
    }

    /** The input is {@code n} dense features per step, {@code [B, n, T]}. */
    public T features(int n) {
        this.features = n;
        this.vocabulary = 0;
        return self();
    }

    /** The input is token indices {@code [B, 1, T]} of a vocabulary of {@code size}, embedded in {@code dims}. */
    public T tokens(int size, int dims) {
        this.vocabulary = size;
        this.embedding = dims;
        this.features = 0;
        return self();
    }

    public T weightInit(IWeightInit init) {
        this.weightInit = init;
        return self();
    }

    public T updater(IUpdater updater) {
        this.updater = updater;
        return self();
    }

    /** Gradient clipping, e.g. {@code (ClipL2PerLayer, 1.0)} or {@code (ClipElementWiseAbsoluteValue, 5.0)}. */
    public T gradientClipping(GradientNormalization how, double threshold) {
        this.clipping = how;
        this.clippingThreshold = threshold;
        return self();
    }

    /** Truncated BPTT with segments of {@code length} steps, forward and backward (0: full BPTT). */
    public T truncatedBptt(int length) {
        this.truncatedBptt = length;
        return self();
    }

    public T seed(long seed) {
        this.seed = seed;
        return self();
    }

    public T dataType(DataType type) {
        this.dataType = type;
        return self();
    }

    /** Checks the shared options; the message names the option and the value received. */
    protected void validate() {
        if (hidden.length == 0) {
            throw new IllegalArgumentException("hidden: needs at least one recurrent layer, got 0 layers");
        }
        for (int i = 0; i < hidden.length; i++) {
            if (hidden[i] < 1) {
                throw new IllegalArgumentException(
                        "hidden: layer " + i + " has size " + hidden[i] + "; sizes must be at least 1");
            }
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
        if (!(inputDropout >= 0 && inputDropout < 1)) {
            throw new IllegalArgumentException("inputDropout must be in [0, 1), got " + inputDropout);
        }
        if (features < 1 && vocabulary < 1) {
            throw new IllegalArgumentException(
                    "the input is not set: call features(n) for dense inputs or tokens(vocabulary, embedding)");
        }
        if (vocabulary > 0 && embedding < 1) {
            throw new IllegalArgumentException("tokens: the embedding size must be at least 1, got " + embedding);
        }
        if (truncatedBptt < 0) {
            throw new IllegalArgumentException("truncatedBptt must be 0 (off) or more, got " + truncatedBptt);
        }
        if (residual) {
            if (hidden.length < 2) {
                throw new IllegalArgumentException(
                        "residual: connects stacked layers, but there is only one layer " + Arrays.toString(hidden));
            }
            for (int i = 1; i < hidden.length; i++) {
                if (layerOutput(hidden[i - 1]) != layerOutput(hidden[i])) {
                    throw new IllegalArgumentException("residual: layer " + i + " has size " + hidden[i]
                            + " but its input (layer " + (i - 1) + ") has size " + hidden[i - 1]
                            + "; a residual connection adds a layer's input to its output, so stacked sizes must"
                            + " be equal, got " + Arrays.toString(hidden));
                }
            }
        }
    }

    /** A graph builder with the global options. */
    protected GraphBuilder graph() {
        NeuralNetConfiguration.Builder b = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(dataType)
                .weightInit(weightInit)
                .updater(updater);
        if (clipping != GradientNormalization.None) {
            b.gradientNormalization(clipping).gradientNormalizationThreshold(clippingThreshold);
        }
        GraphBuilder g = b.graphBuilder();
        if (truncatedBptt > 0) {
            g.backpropType(BackpropType.TruncatedBPTT)
                    .tBPTTForwardLength(truncatedBptt)
                    .tBPTTBackwardLength(truncatedBptt);
        }
        return g;
    }

    /**
     * The input type of the sequence input: its features, or, for token indices, the vocabulary
     * size. DL4J's graph builder sets every layer's {@code nIn} from its input type, overriding the
     * one given, so token input must declare the vocabulary (the embedding's {@code nIn}), not the
     * single index column it holds per step.
     */
    protected InputType inputType() {
        return InputType.recurrent(vocabulary > 0 ? vocabulary : features);
    }

    /** The input as the stack sees it: the graph input itself, or its embedding. */
    protected Top addInput(GraphBuilder g, String input, String prefix) {
        if (vocabulary > 0) {
            String name = prefix + "embedding";
            g.addLayer(
                    name,
                    new EmbeddingSequenceLayer.Builder()
                            .nIn(vocabulary)
                            .nOut(embedding)
                            .build(),
                    input);
            return new Top(name, embedding);
        }
        return new Top(input, features);
    }

    /** The size of a layer's output: doubled when bidirectional with CONCAT. */
    protected int layerOutput(int size) {
        return bidirectional == Bidirectional.Mode.CONCAT ? 2 * size : size;
    }

    /**
     * Adds the recurrent layers {@code prefix + "rnn" + i} for {@code i} in {@code [from, to)}, of
     * the given sizes, on top of {@code in}: bidirectional if set and allowed, with dropout before
     * each but the stack's first and residual connections if set; returns the top.
     */
    protected Top addLayers(
            GraphBuilder g, Top in, String prefix, int[] sizes, int from, int to, boolean allowBidirectional) {
        Top top = in;
        boolean both = allowBidirectional && bidirectional != null;
        for (int i = from; i < to; i++) {
            String name = prefix + "rnn" + i;
            Layer layer = recurrentLayer(top.size(), sizes[i], i);
            g.addLayer(name, both ? new Bidirectional(bidirectional, layer) : layer, top.vertex());
            top = residualAround(g, top, new Top(name, both ? layerOutput(sizes[i]) : sizes[i]), prefix, i);
        }
        return top;
    }

    /**
     * Adds the top recurrent layer of a stack whose output is read at the last real step: one
     * direction's last real step, or for a bidirectional stack the forward direction's last real
     * step merged with the backward direction's final state (its output at the first step, computed
     * as the last real step of the layer run over the sequence reversed within its mask). Returns
     * a vertex of {@code [B, size]}.
     *
     * @param maskInput the graph input whose mask marks the real steps
     */
    protected Top addLastStep(GraphBuilder g, Top in, String prefix, String maskInput) {
        int i = hidden.length - 1;
        String input = in.vertex();
        String forward = prefix + "rnn" + i;
        g.addLayer(forward, recurrentLayer(in.size(), hidden[i], i), input);
        g.addVertex(forward + "_last", new LastTimeStepVertex(maskInput), forward);
        if (bidirectional == null) {
            return residualLast(g, in, new Top(forward + "_last", hidden[i]), prefix, i, maskInput, input);
        }
        String reversed = prefix + "reversed" + i;
        String backward = prefix + "rnn" + i + "_backward";
        g.addVertex(reversed, new ReverseTimeSeriesVertex(maskInput), input);
        g.addLayer(backward, recurrentLayer(in.size(), hidden[i], i), reversed);
        g.addVertex(backward + "_last", new LastTimeStepVertex(maskInput), backward);
        String merged = prefix + "rnn" + i + "_merged";
        switch (bidirectional) {
            case CONCAT -> g.addVertex(merged, new MergeVertex(), forward + "_last", backward + "_last");
            case ADD -> g.addVertex(
                    merged, new ElementWiseVertex(ElementWiseVertex.Op.Add), forward + "_last", backward + "_last");
            case MUL -> g.addVertex(
                    merged, new ElementWiseVertex(ElementWiseVertex.Op.Product), forward + "_last", backward + "_last");
            case AVERAGE -> g.addVertex(
                    merged, new ElementWiseVertex(ElementWiseVertex.Op.Average), forward + "_last", backward + "_last");
        }
        return residualLast(g, in, new Top(merged, layerOutput(hidden[i])), prefix, i, maskInput, input);
    }

    /**
     * The per-step outputs {@code [B, size, T]} of the top layer added by {@link #addLastStep}: the
     * forward direction's, merged with the backward direction's put back in source order (within the
     * mask), plus the residual if set. What attention reads.
     */
    protected Top lastLayerSteps(GraphBuilder g, Top in, String prefix, String maskInput) {
        int i = hidden.length - 1;
        String forward = prefix + "rnn" + i;
        String input = in.vertex();
        Top steps = new Top(forward, hidden[i]);
        if (bidirectional != null) {
            String backward = prefix + "rnn" + i + "_backward";
            String inOrder = backward + "_in_order";
            g.addVertex(inOrder, new ReverseTimeSeriesVertex(maskInput), backward);
            String merged = prefix + "rnn" + i + "_steps";
            switch (bidirectional) {
                case CONCAT -> g.addVertex(merged, new MergeVertex(), forward, inOrder);
                case ADD -> g.addVertex(merged, new ElementWiseVertex(ElementWiseVertex.Op.Add), forward, inOrder);
                case MUL -> g.addVertex(merged, new ElementWiseVertex(ElementWiseVertex.Op.Product), forward, inOrder);
                case AVERAGE -> g.addVertex(
                        merged, new ElementWiseVertex(ElementWiseVertex.Op.Average), forward, inOrder);
            }
            steps = new Top(merged, layerOutput(hidden[i]));
        }
        if (!residual || i == 0 || in.size() != steps.size()) {
            return steps;
        }
        String name = prefix + "residual" + i + "_steps";
        g.addVertex(name, new ElementWiseVertex(ElementWiseVertex.Op.Add), input, steps.vertex());
        return new Top(name, steps.size());
    }

    /**
     * Layer {@code index} of a stack, with dropout on its input from the second layer on. Dropout
     * is each layer's own input dropout, not DL4J's {@code DropoutLayer}, which fails in a graph's
     * backprop in DL4J 1.0.0-M2.1 (after a {@code GlobalPoolingLayer}, and on masked sequences);
     * so the two directions of a bidirectional layer drop independently, and a residual connection
     * adds the layer's input before dropout.
     */
    protected Layer recurrentLayer(int nIn, int nOut, int index) {
        Layer layer = cell.layer(nIn, nOut);
        if (index > 0) {
            return withInputDropout(layer);
        }
        if (inputDropout > 0) {
            layer.setIDropout(new Dropout(1.0 - inputDropout));
        }
        return layer;
    }

    /**
     * Checks that the cell can start from a state given by other vertices, which {@code option}
     * needs; the error suggests {@code alternative}.
     */
    protected void requireInitialState(String option, String alternative) {
        if (!cell.takesInitialState()) {
            throw new IllegalArgumentException(option + " needs a cell that starts from a given state; " + cell.id()
                    + " (" + cell.layer(1, 1).getClass().getSimpleName() + ") always starts from zeros: use a cell"
                    + " built on RecurrentCellLayer (rnn, lstm, gru, qrnn, sru, onlstm or your own) or "
                    + alternative);
        }
    }

    /**
     * {@code layer}, a layer of the cell, as the recurrent4j layer that an initial state can be
     * given to; an error that names the cell type if its {@code layer} made another kind.
     */
    protected RecurrentCellLayer initialStateLayer(Layer layer) {
        if (layer instanceof RecurrentCellLayer cellLayer) {
            return cellLayer;
        }
        throw new IllegalArgumentException("cell " + cell.id() + " says it takes an initial state, but its layer is a "
                + layer.getClass().getName() + ", not a RecurrentCellLayer: its CellType's takesInitialState() must"
                + " return false");
    }

    /** {@code layer} with dropout on its input if the stack has dropout: what an output layer on top gets. */
    protected Layer withInputDropout(Layer layer) {
        if (dropout > 0) {
            // DL4J's dropout value is the probability of keeping a unit.
            layer.setIDropout(new Dropout(1.0 - dropout));
        }
        return layer;
    }

    /** {@code out}, plus {@code in} if residual connections are on (from the second layer on, equal sizes). */
    protected Top residualAround(GraphBuilder g, Top in, Top out, String prefix, int layer) {
        if (!residual || layer == 0 || in.size() != out.size()) {
            return out;
        }
        String name = prefix + "residual" + layer;
        g.addVertex(name, new ElementWiseVertex(ElementWiseVertex.Op.Add), in.vertex(), out.vertex());
        return new Top(name, out.size());
    }

    /** The residual of a last-step top layer: its input read at the last real step, added. */
    private Top residualLast(
            GraphBuilder g, Top in, Top out, String prefix, int layer, String maskInput, String input) {
        if (!residual || layer == 0 || in.size() != out.size()) {
            return out;
        }
        String inputLast = prefix + "residual" + layer + "_input_last";
        g.addVertex(inputLast, new LastTimeStepVertex(maskInput), input);
        String name = prefix + "residual" + layer;
        g.addVertex(name, new ElementWiseVertex(ElementWiseVertex.Op.Add), inputLast, out.vertex());
        return new Top(name, out.size());
    }
}
