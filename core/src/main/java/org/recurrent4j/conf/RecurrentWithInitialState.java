package org.recurrent4j.conf;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.recurrent4j.layer.CellLoopLayer;
import org.recurrent4j.layer.RecurrentWithInitialStateVertex;

/**
 * A recurrent layer in a {@code ComputationGraph} that starts from a state given by other vertices
 * instead of zeros, and sends the loss gradient back to them: PyTorch's {@code rnn(x, h0)} and
 * Keras' {@code initial_state}, which DL4J's own layers cannot do.
 *
 * <p>Inputs, in order: the sequence {@code [B, nIn, T]} (NCW) or {@code [B, T, nIn]} (NWC), the
 * initial hidden state {@code h0 [B, H]}, and for an LSTM the initial memory cell {@code c0 [B,
 * H]}. Output: the layer's output sequence. The typical use is an encoder–decoder, where the
 * encoder's last state starts the decoder:
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
 * <p>With {@code rnnTimeStep} the graph runs the layer from its stored state, as for any recurrent
 * layer; the initial-state inputs apply to {@code output}, {@code fit} and the first truncated-BPTT
 * segment.
 */
public class RecurrentWithInitialState extends LayerVertex {

    private static final long serialVersionUID = 1L;

    /** For JSON. */
    protected RecurrentWithInitialState() {}

    /**
     * @param layerConf the layer's configuration, with a {@link RecurrentCellLayer} as its layer
     *     (see {@link #addTo} for the usual way to build one)
     */
    public RecurrentWithInitialState(NeuralNetConfiguration layerConf) {
        super(layerConf, null);
        if (!(layerConf.getLayer() instanceof RecurrentCellLayer)) {
            throw new IllegalArgumentException("RecurrentWithInitialState takes a recurrent4j cell layer (Rnn, Lstm,"
                    + " Gru, ...), got " + layerConf.getLayer().getClass().getSimpleName());
        }
    }

    /**
     * Adds a recurrent layer with an initial state to a graph, with the graph's global
     * configuration (updater, weight init, data type) applied to it as {@code addLayer} does.
     *
     * @param h0 the vertex giving the initial hidden state {@code [B, H]}
     * @param c0 for an LSTM, the vertex giving the initial memory cell {@code [B, H]}; omit otherwise
     */
    public static ComputationGraphConfiguration.GraphBuilder addTo(
            ComputationGraphConfiguration.GraphBuilder graph,
            String name,
            RecurrentCellLayer layer,
            String sequence,
            String h0,
            String... c0) {
        boolean needsC = layer.cellSpec().hasCellState();
        if (needsC != (c0.length == 1) || c0.length > 1) {
            throw new IllegalArgumentException(
                    "Vertex \"" + name + "\": " + layer.getClass().getSimpleName()
                            + (needsC
                                    ? " has a memory cell: give the vertices for both h0 and c0"
                                    : " has no memory cell: give only the vertex for h0")
                            + ", got c0 inputs " + Arrays.toString(c0));
        }
        NeuralNetConfiguration conf =
                graph.getGlobalConfiguration().clone().layer(layer).build();
        layer.setLayerName(name);
        String[] inputs = needsC ? new String[] {sequence, h0, c0[0]} : new String[] {sequence, h0};
        return graph.addVertex(name, new RecurrentWithInitialState(conf), inputs);
    }

    private RecurrentCellLayer cellLayer() {
        return (RecurrentCellLayer) getLayerConf().getLayer();
    }

    private int stateInputs() {
        return cellLayer().cellSpec().hasCellState() ? 2 : 1;
    }

    @Override
    public RecurrentWithInitialState clone() {
        return new RecurrentWithInitialState(getLayerConf().clone());
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
        CellLoopLayer layer = (CellLoopLayer)
                cellLayer().instantiate(getLayerConf(), null, idx, paramsView, initializeParams, networkDatatype);
        return new RecurrentWithInitialStateVertex(
                graph, name, idx, layer, getPreProcessor(), isOutput, networkDatatype);
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
        if (inputs.length != 1 && inputs.length != 1 + stateInputs()) {
            throw new InvalidInputTypeException("RecurrentWithInitialState \""
                    + cellLayer().getLayerName()
                    + "\" takes " + (1 + stateInputs()) + " inputs (sequence, h0" + (stateInputs() == 2 ? ", c0" : "")
                    + "), got " + inputs.length + ": " + Arrays.toString(inputs));
        }
        long h = cellLayer().getNOut();
        for (int i = 1; i < inputs.length; i++) {
            if (inputs[i].getType() != InputType.Type.FF || inputs[i].arrayElementsPerExample() != h) {
                throw new InvalidInputTypeException("RecurrentWithInitialState \""
                        + cellLayer().getLayerName()
                        + "\": input " + i + " (" + (i == 1 ? "h0" : "c0") + ") must be feed-forward [batch, " + h
                        + "], got " + inputs[i]
                        + ". Use LastTimeStep on an encoder, or a DenseLayer with nOut " + h + ".");
            }
        }
    }
}
