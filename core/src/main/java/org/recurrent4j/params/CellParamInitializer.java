package org.recurrent4j.params;

import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.recurrent4j.cell.CellKeys;
import org.recurrent4j.cell.CellParameter;
import org.recurrent4j.cell.CellSpec;
import org.recurrent4j.conf.RecurrentCellLayer;

/**
 * Lays out and initializes the parameters of every {@link RecurrentCellLayer}, in PyTorch's
 * layout so that weights can be moved across by name:
 *
 * <table>
 *   <caption>Parameters, in storage order</caption>
 *   <tr><th>key</th><th>shape</th><th>initialized with</th></tr>
 *   <tr><td>{@code Wih}</td><td>{@code [G·H, nIn]}</td><td>the layer's weight init</td></tr>
 *   <tr><td>{@code bih}</td><td>{@code [G·H]}</td><td>the bias init (LSTM: forget rows at the forget bias)</td></tr>
 *   <tr><td>{@code Whh}</td><td>{@code [G·H, H]}</td><td>the recurrent weight init, one {@code [H, H]} gate block at a time</td></tr>
 *   <tr><td>{@code bhh}</td><td>{@code [G·H]}</td><td>zero</td></tr>
 *   <tr><td>{@code wpeep}</td><td>LSTM with peepholes only</td><td>zero</td></tr>
 * </table>
 *
 * <p>Gate blocks are stacked by rows in each cell's documented order (LSTM i, f, g, o; GRU r, z,
 * n). Matrices are C-order views of the layer's flat parameter vector. {@code Wih}, {@code Whh}
 * and {@code wpeep} count as weights for regularization, {@code bih} and {@code bhh} as biases.
 */
public final class CellParamInitializer implements ParamInitializer {

    private static final CellParamInitializer INSTANCE = new CellParamInitializer();

    private CellParamInitializer() {}

    public static CellParamInitializer getInstance() {
        return INSTANCE;
    }

    /** All parameters of a layer, in storage order. */
    private static List<CellParameter> layout(RecurrentCellLayer layer) {
        CellSpec spec = layer.cellSpec();
        long gh = (long) spec.gates() * layer.getNOut();
        List<CellParameter> all = new ArrayList<>();
        all.add(new CellParameter(CellKeys.INPUT_WEIGHT, gh, layer.getNIn(), CellParameter.Kind.INPUT_WEIGHT));
        all.add(new CellParameter(CellKeys.INPUT_BIAS, gh, 0, CellParameter.Kind.BIAS));
        all.addAll(spec.parameters(layer.hiddenSize()));
        return all;
    }

    private static RecurrentCellLayer cellLayer(Layer layer) {
        if (!(layer instanceof RecurrentCellLayer cellLayer)) {
            throw new IllegalArgumentException("CellParamInitializer works on recurrent4j cell layers, not "
                    + (layer == null ? "null" : layer.getClass().getName()));
        }
        return cellLayer;
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        return layout(cellLayer(layer)).stream()
                .mapToLong(CellParameter::length)
                .sum();
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return layout(cellLayer(layer)).stream().map(CellParameter::key).toList();
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return layout(cellLayer(layer)).stream()
                .filter(p -> p.kind() != CellParameter.Kind.BIAS)
                .map(CellParameter::key)
                .toList();
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return layout(cellLayer(layer)).stream()
                .filter(p -> p.kind() == CellParameter.Kind.BIAS)
                .map(CellParameter::key)
                .toList();
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return weightKeys(layer).contains(key);
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return biasKeys(layer).contains(key);
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        RecurrentCellLayer layer = cellLayer(conf.getLayer());
        Map<String, INDArray> params = views(layer, paramsView);
        if (initializeParams) {
            initialize(layer, params);
        }
        for (String key : params.keySet()) {
            conf.addVariable(key);
        }
        return params;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return views(cellLayer(conf.getLayer()), gradientView);
    }

    private static Map<String, INDArray> views(RecurrentCellLayer layer, INDArray flat) {
        INDArray vector = flat.reshape(flat.length());
        Map<String, INDArray> views = new LinkedHashMap<>();
        long offset = 0;
        for (CellParameter p : layout(layer)) {
            INDArray view = vector.get(interval(offset, offset + p.length()));
            views.put(p.key(), p.columns() == 0 ? view : view.reshape('c', p.rows(), p.columns()));
            offset += p.length();
        }
        return views;
    }

    private static void initialize(RecurrentCellLayer layer, Map<String, INDArray> params) {
        long h = layer.getNOut();
        long nIn = layer.getNIn();
        int gates = layer.cellSpec().gates();
        IWeightInit inputInit = layer.getWeightInitFn();
        IWeightInit recurrentInit =
                layer.getWeightInitFnRecurrent() != null ? layer.getWeightInitFnRecurrent() : inputInit;

        INDArray wIh = params.get(CellKeys.INPUT_WEIGHT);
        inputInit.init(nIn, h, wIh.shape(), 'c', wIh.reshape(wIh.length()));
        layer.initializeInputBias(params.get(CellKeys.INPUT_BIAS));

        INDArray[] blocks = new INDArray[gates];
        for (int g = 0; g < gates; g++) {
            // Each gate's block on a fresh array: writing through views of views is not safe in ND4J M2.1.
            blocks[g] = recurrentInit.init(h, h, new long[] {h, h}, 'c', Nd4j.create(wIh.dataType(), h * h));
        }
        params.get(CellKeys.RECURRENT_WEIGHT).assign(Nd4j.concat(0, blocks));
        params.get(CellKeys.RECURRENT_BIAS).assign(0);
        INDArray peephole = params.get(CellKeys.PEEPHOLE);
        if (peephole != null) {
            peephole.assign(0);
        }
    }
}
