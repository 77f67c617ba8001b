package org.recurrent4j.conf;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.conf.layers.wrapper.BaseWrapperLayer;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.recurrent4j.cell.StateEntry;
import org.recurrent4j.layer.RecurrentWithInitialStateVertex;

/**
 * A recurrent layer in a {@code ComputationGraph} that starts from a state given by other vertices
 * instead of zeros, and sends the loss gradient back to them: PyTorch's {@code rnn(x, h0)} and
 * Keras' {@code initial_state}, which DL4J's own layers cannot do.
 *
 * <p>Inputs, in order: the sequence {@code [B, nIn, T]} (NCW) or {@code [B, T, nIn]} (NWC), then one
 * {@code [B, H]} input per initial state the cell declares: {@code h0} for {@code Rnn} and {@code
 * Gru}; {@code h0, c0} for {@code Lstm}; {@code c0} alone for cells that recur only through their
 * memory cell (QRNN, SRU), whose output {@code h} is not carried from step to step, so an {@code
 * h0} would change nothing. Output: the layer's output sequence. The typical use is an
 * encoder–decoder, where the encoder's last state starts the decoder:
 *
 * <pre>{@code
 * GraphBuilder g = new NeuralNetConfiguration.Builder().updater(new Adam()).graphBuilder()
 *         .addInputs("source", "target")
 *         .addLayer("encoder", new LastTimeStep(new Gru.Builder().nIn(10).nOut(64).build()), "source");
 * RecurrentWithInitialState.addTo(g, "decoder", new Gru.Builder().nIn(12).nOut(64).build(), "target", "encoder");
 * g.addLayer("out", new RnnOutputLayer.Builder().nIn(64).nOut(12).activation(Activation.SOFTMAX).build(), "decoder")
 *         .setOutputs("out")
 *         .setInputTypes(InputType.recurrent(10), InputType.recurrent(12));
 * }</pre>
 *
 * <p>The initial state applies to {@code output}, {@code fit} and the first truncated-BPTT
 * segment; later segments carry on from the previous one and send no gradient to it. DL4J's
 * graph {@code rnnTimeStep} feeds only its first input, so stepping a decoder runs from the state
 * set with {@code rnnSetPreviousState}, not from these inputs.
 *
 * <p>Transfer learning: DL4J 1.0.0-M2.1's {@code TransferLearning.GraphBuilder} rebuilds every
 * layer vertex as a plain {@code LayerVertex} (in {@code fineTuneConfiguration}, which every build
 * goes through), which would leave this vertex with one input. Pass its result through {@link
 * #restore}; frozen (by {@code setFeatureExtractor}), the vertex still starts from its initial
 * state and sends it no gradient:
 *
 * <pre>{@code
 * ComputationGraph frozen = RecurrentWithInitialState.restore(net,
 *         new TransferLearning.GraphBuilder(net).setFeatureExtractor("decoder").build());
 * }</pre>
 */
public class RecurrentWithInitialState extends LayerVertex {

    private static final long serialVersionUID = 1L;

    /** For JSON. */
    protected RecurrentWithInitialState() {}

    /**
     * @param layerConf the layer's configuration, with a {@link RecurrentCellLayer} as its layer
     *     (possibly frozen; see {@link #addTo} for the usual way to build one)
     */
    public RecurrentWithInitialState(NeuralNetConfiguration layerConf) {
        this(layerConf, null);
    }

    /** With an input pre-processor for the sequence input. */
    public RecurrentWithInitialState(NeuralNetConfiguration layerConf, InputPreProcessor preProcessor) {
        super(layerConf, preProcessor);
        cellLayer(layerConf.getLayer());
    }

    /**
     * The graph {@code TransferLearning} built from {@code original}, with the vertices that were
     * {@code RecurrentWithInitialState} in {@code original} made so again (their layer
     * configurations, frozen or fine-tuned, and the parameters kept); {@code transferred} itself
     * if none was lost.
     */
    public static ComputationGraph restore(ComputationGraph original, ComputationGraph transferred) {
        ComputationGraphConfiguration conf = transferred.getConfiguration().clone();
        boolean changed = false;
        for (Map.Entry<String, GraphVertex> e :
                original.getConfiguration().getVertices().entrySet()) {
            GraphVertex now = conf.getVertices().get(e.getKey());
            if (e.getValue() instanceof RecurrentWithInitialState
                    && now instanceof LayerVertex plain
                    && !(now instanceof RecurrentWithInitialState)) {
                conf.getVertices()
                        .put(e.getKey(), new RecurrentWithInitialState(plain.getLayerConf(), plain.getPreProcessor()));
                changed = true;
            }
        }
        if (!changed) {
            return transferred;
        }
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init(transferred.params().dup(), false);
        return graph;
    }

    /**
     * Adds a recurrent layer with an initial state to a graph, with the graph's global
     * configuration (updater, weight init, data type) applied to it as {@code addLayer} does.
     *
     * @param initialState the vertices giving the initial state, one {@code [B, H]} vertex per
     *     entry the cell declares ({@code h0}; {@code h0, c0} for an LSTM; {@code c0} for QRNN/SRU)
     */
    public static ComputationGraphConfiguration.GraphBuilder addTo(
            ComputationGraphConfiguration.GraphBuilder graph,
            String name,
            RecurrentCellLayer layer,
            String sequence,
            String... initialState) {
        List<String> entries = initialEntries(layer);
        if (initialState.length != entries.size()) {
            throw new IllegalArgumentException("Vertex \"" + name + "\": "
                    + layer.getClass().getSimpleName()
                    + " starts from " + entries.size() + " state(s) " + entries + ": give one vertex for each, got "
                    + initialState.length + " " + Arrays.toString(initialState));
        }
        NeuralNetConfiguration conf =
                graph.getGlobalConfiguration().clone().layer(layer).build();
        layer.setLayerName(name);
        String[] inputs = new String[1 + initialState.length];
        inputs[0] = sequence;
        System.arraycopy(initialState, 0, inputs, 1, initialState.length);
        return graph.addVertex(name, new RecurrentWithInitialState(conf), inputs);
    }

    /** The names of the cell's state entries that are initial inputs, in input order. */
    public static List<String> initialEntries(RecurrentCellLayer layer) {
        return layer.cell().state(layer.hiddenSize()).stream()
                .filter(StateEntry::initialInput)
                .map(StateEntry::name)
                .toList();
    }

    /** The cell layer inside a (possibly frozen or wrapped) layer configuration. */
    static RecurrentCellLayer cellLayer(Layer layer) {
        Layer l = layer;
        while (!(l instanceof RecurrentCellLayer)) {
            if (l instanceof FrozenLayer frozen) {
                l = frozen.getLayer();
            } else if (l instanceof BaseWrapperLayer wrapper) {
                l = wrapper.getUnderlying();
            } else {
                throw new IllegalArgumentException(
                        "RecurrentWithInitialState takes a recurrent4j cell layer (Rnn," + " Lstm, Gru, ...), got "
                                + (l == null ? "null" : l.getClass().getSimpleName()));
            }
        }
        return (RecurrentCellLayer) l;
    }

    private RecurrentCellLayer cellLayer() {
        return cellLayer(getLayerConf().getLayer());
    }

    private int stateInputs() {
        return initialEntries(cellLayer()).size();
    }

    @Override
    public RecurrentWithInitialState clone() {
        return new RecurrentWithInitialState(getLayerConf().clone(), getPreProcessor());
    }

    @Override
    public int minVertexInputs() {
        return 1 + stateInputs();
    }

    @Override
    public int maxVertexInputs() {
        return 1 + stateInputs();
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(
            ComputationGraph graph,
            String name,
            int idx,
            INDArray paramsView,
            boolean initializeParams,
            DataType networkDatatype) {
        boolean isOutput = graph.getConfiguration().getNetworkOutputs().contains(name);
        org.deeplearning4j.nn.api.Layer layer = getLayerConf()
                .getLayer()
                .instantiate(getLayerConf(), null, idx, paramsView, initializeParams, networkDatatype);
        return new RecurrentWithInitialStateVertex(
                graph, name, idx, layer, initialEntries(cellLayer()), getPreProcessor(), isOutput, networkDatatype);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
        checkInputs(vertexInputs);
        return super.getOutputType(layerIndex, vertexInputs[0]);
    }

    @Override
    public MemoryReport getMemoryReport(InputType... inputTypes) {
        checkInputs(inputTypes);
        return super.getMemoryReport(inputTypes[0]);
    }

    /**
     * DL4J's type inference gives a layer vertex only its first input; given all of them, the
     * state inputs are checked too (at run time the layer checks the arrays' shapes).
     */
    private void checkInputs(InputType... inputs) {
        List<String> entries = initialEntries(cellLayer());
        if (inputs.length != 1 && inputs.length != 1 + entries.size()) {
            throw new InvalidInputTypeException("RecurrentWithInitialState \""
                    + cellLayer().getLayerName() + "\" takes " + (1 + entries.size()) + " inputs (sequence, "
                    + String.join(", ", entries.stream().map(e -> e + "0").toList()) + "), got " + inputs.length
                    + ": " + Arrays.toString(inputs));
        }
        long h = cellLayer().getNOut();
        for (int i = 1; i < inputs.length; i++) {
            if (inputs[i].getType() != InputType.Type.FF || inputs[i].arrayElementsPerExample() != h) {
                throw new InvalidInputTypeException("RecurrentWithInitialState \""
                        + cellLayer().getLayerName()
                        + "\": input " + i + " (" + entries.get(i - 1) + "0) must be feed-forward [batch, " + h
                        + "], got " + inputs[i]
                        + ". Use LastTimeStep on an encoder, or a DenseLayer with nOut " + h + ".");
            }
        }
    }
}
