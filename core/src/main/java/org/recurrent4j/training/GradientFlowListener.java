package org.recurrent4j.training;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.recurrent.BidirectionalLayer;
import org.deeplearning4j.nn.layers.wrapper.BaseWrapperLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.recurrent4j.layer.CellLoopLayer;

/**
 * A DL4J training listener that records how the gradient flows back through time and where it
 * lands: for every recurrent4j recurrent layer of the network, {@code ‖∂L/∂h_k‖} for every step k
 * of the sequence, and for every parameter of the network the L2 norm of its gradient, once every
 * {@code frequency} iterations. Each record is a {@link GradientFlowRecord}.
 *
 * <p>With a loss at the last step only (an N→1 task, {@code LastTimeStep} or a label mask), the
 * state norms are {@code ‖∂L_T/∂h_k‖} for k = T … 1: their decay from k = T back to k = 1 is the
 * vanishing gradient (roughly {@code γ^(T−k)} for a vanilla RNN whose step Jacobian has norm γ
 * &lt; 1), their growth the exploding one. With a loss at every step they are the total
 * derivatives of the summed loss.
 *
 * <p>Gradients are those DL4J backpropagates: of the loss summed over the examples of the
 * mini-batch, before the updater divides by the batch size and before gradient normalization or
 * clipping.
 *
 * <p>Layers: every {@code org.recurrent4j.conf} recurrent layer ({@code Rnn}, {@code Lstm}, {@code
 * Gru}, {@code RecurrentWithInitialState}) of a {@link MultiLayerNetwork} (named by index, {@code
 * "0"}) or a {@link ComputationGraph} (named by layer name), also inside {@code LastTimeStep},
 * {@code MaskZeroLayer} and {@code FrozenLayer}, and inside {@code Bidirectional} as {@code
 * "name/forward"} and {@code "name/backward"} (the backward direction's norms are put back in the
 * input's time order). DL4J's own recurrent layers ({@code LSTM}, {@code SimpleRnn}) do not expose
 * their state gradients: they get parameter norms only. Also works with {@link RtrlTrainer}
 * (parameter norms; RTRL has no backward pass through states).
 *
 * <pre>{@code
 * GradientFlowListener flow = new GradientFlowListener(10);   // every 10th iteration
 * net.addListeners(flow);
 * net.fit(trainingData, 5);
 * double[] norms = flow.last().stateGradientNorms().get("0"); // ‖∂L/∂h_k‖, k = 0 … T−1
 * }</pre>
 *
 * <p>The {@code examples} module writes these records as CSV and plots ({@code
 * org.recurrent4j.examples.diagnostics}).
 */
public class GradientFlowListener extends BaseTrainingListener {

    private final int frequency;
    private final List<GradientFlowRecord> records = new ArrayList<>();
    private boolean due;

    /** Records every iteration. */
    public GradientFlowListener() {
        this(1);
    }

    /** Records every {@code frequency}-th iteration (iterations 0, frequency, 2·frequency, ...). */
    public GradientFlowListener(int frequency) {
        if (frequency < 1) {
            throw new IllegalArgumentException(
                    "the recording frequency must be at least 1 iteration, got " + frequency);
        }
        this.frequency = frequency;
    }

    /** Every record so far, oldest first (an unmodifiable copy). */
    public List<GradientFlowRecord> records() {
        return Collections.unmodifiableList(new ArrayList<>(records));
    }

    /** The latest record, or null before the first. */
    public GradientFlowRecord last() {
        return records.isEmpty() ? null : records.get(records.size() - 1);
    }

    /** Forgets every record. */
    public void clear() {
        records.clear();
    }

    @Override
    public void onForwardPass(Model model, List<INDArray> activations) {
        startPass(model);
    }

    @Override
    public void onForwardPass(Model model, Map<String, INDArray> activations) {
        startPass(model);
    }

    private void startPass(Model model) {
        due = iteration(model) % frequency == 0;
        for (RecurrentLayer layer : recurrentLayers(model)) {
            layer.layer.setRecordStateGradients(due);
        }
    }

    @Override
    public void onGradientCalculation(Model model) {
        int iteration = iteration(model);
        if (iteration % frequency != 0) {
            return;
        }
        Map<String, double[]> states = new LinkedHashMap<>();
        if (due) {
            for (RecurrentLayer layer : recurrentLayers(model)) {
                double[] norms = layer.layer.getStateGradientNorms();
                if (norms != null) {
                    states.put(layer.name, layer.reversed ? reverse(norms) : norms);
                }
            }
        }
        due = false;
        records.add(
                new GradientFlowRecord(iteration, epoch(model), model.score(), states, parameterGradientNorms(model)));
    }

    private static double[] reverse(double[] values) {
        double[] reversed = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            reversed[i] = values[values.length - 1 - i];
        }
        return reversed;
    }

    private static int iteration(Model model) {
        if (model instanceof MultiLayerNetwork net) {
            return net.getIterationCount();
        }
        if (model instanceof ComputationGraph graph) {
            return graph.getIterationCount();
        }
        throw unsupported(model);
    }

    private static int epoch(Model model) {
        return model instanceof MultiLayerNetwork net
                ? net.getEpochCount()
                : ((ComputationGraph) model).getEpochCount();
    }

    private static IllegalArgumentException unsupported(Model model) {
        return new IllegalArgumentException("GradientFlowListener listens to a MultiLayerNetwork or a"
                + " ComputationGraph, not a " + model.getClass().getName());
    }

    /** Each parameter's gradient norm, from the layers' gradient views, keyed as DL4J keys them. */
    private static Map<String, Double> parameterGradientNorms(Model model) {
        Map<String, Double> norms = new LinkedHashMap<>();
        topLayers(model).forEach((name, layer) -> parameterGradientNorms(name + "_", layer, norms));
        return norms;
    }

    private static void parameterGradientNorms(String prefix, Layer layer, Map<String, Double> norms) {
        // DL4J's wrapper and bidirectional initializers hand the outer configuration to the inner
        // initializer, which a recurrent4j layer rejects: walk down to the layers themselves.
        if (layer instanceof BaseWrapperLayer wrapper) {
            parameterGradientNorms(prefix, wrapper.getUnderlying(), norms);
            return;
        }
        if (layer instanceof BidirectionalLayer bidirectional) {
            parameterGradientNorms(prefix + "f", direction(bidirectional, "fwd"), norms);
            parameterGradientNorms(prefix + "b", direction(bidirectional, "bwd"), norms);
            return;
        }
        INDArray flat = layer.getGradientsViewArray();
        if (flat == null || layer.numParams() == 0) {
            return;
        }
        Map<String, INDArray> views =
                layer.conf().getLayer().initializer().getGradientsFromFlattened(layer.conf(), flat);
        for (Map.Entry<String, INDArray> v : views.entrySet()) {
            norms.put(prefix + v.getKey(), v.getValue().norm2Number().doubleValue());
        }
    }

    /** The network's layers by the name its gradient keys use. */
    private static Map<String, Layer> topLayers(Model model) {
        Map<String, Layer> layers = new LinkedHashMap<>();
        if (model instanceof MultiLayerNetwork net) {
            Layer[] all = net.getLayers();
            for (int i = 0; i < all.length; i++) {
                layers.put(String.valueOf(i), all[i]);
            }
        } else if (model instanceof ComputationGraph graph) {
            for (Layer layer : graph.getLayers()) {
                layers.put(layer.conf().getLayer().getLayerName(), layer);
            }
        } else {
            throw unsupported(model);
        }
        return layers;
    }

    /** A recurrent4j layer found in the network, by name; reversed if it reads time backwards. */
    private record RecurrentLayer(String name, CellLoopLayer layer, boolean reversed) {}

    private static List<RecurrentLayer> recurrentLayers(Model model) {
        List<RecurrentLayer> found = new ArrayList<>();
        topLayers(model).forEach((name, layer) -> collect(name, layer, false, found));
        return found;
    }

    private static void collect(String name, Layer layer, boolean reversed, List<RecurrentLayer> found) {
        if (layer instanceof CellLoopLayer cell) {
            found.add(new RecurrentLayer(name, cell, reversed));
        } else if (layer instanceof BaseWrapperLayer wrapper) {
            collect(name, wrapper.getUnderlying(), reversed, found);
        } else if (layer instanceof BidirectionalLayer bidirectional) {
            collect(name + "/forward", direction(bidirectional, "fwd"), reversed, found);
            collect(name + "/backward", direction(bidirectional, "bwd"), !reversed, found);
        }
    }

    /**
     * One direction of a bidirectional layer. DL4J 1.0.0-M2.1's {@link BidirectionalLayer} keeps
     * them in private fields with no accessor, so they are read reflectively.
     */
    private static Layer direction(BidirectionalLayer layer, String field) {
        try {
            Field f = BidirectionalLayer.class.getDeclaredField(field);
            f.setAccessible(true);
            return (Layer) f.get(layer);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException(
                    "cannot reach the '" + field + "' layer inside DL4J's BidirectionalLayer (this DL4J version"
                            + " differs from 1.0.0-M2.1?): remove the GradientFlowListener or the Bidirectional wrapper",
                    e);
        }
    }
}
