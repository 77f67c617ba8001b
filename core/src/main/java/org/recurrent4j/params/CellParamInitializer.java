package org.recurrent4j.params;

import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.recurrent4j.cell.CellParameter;
import org.recurrent4j.cell.ParameterInit;
import org.recurrent4j.conf.RecurrentCellLayer;

/**
 * Lays out and initializes the parameters of every {@link RecurrentCellLayer}: the parameters its
 * cell declares ({@link RecurrentCellLayer#parameters()}), in that order, as C-order views of the
 * layer's flat parameter vector, each initialized by its own {@link ParameterInit}. No key is
 * special-cased here, so a cell without recurrent weights lays out and initializes like any other.
 *
 * <p>The classic cells follow PyTorch's layout so that weights move across by name:
 *
 * <table>
 *   <caption>Parameters of Rnn, Lstm and Gru, in storage order</caption>
 *   <tr><th>key</th><th>shape</th><th>initialized with</th></tr>
 *   <tr><td>{@code Wih}</td><td>{@code [G·H, nIn]}</td><td>the layer's weight init</td></tr>
 *   <tr><td>{@code bih}</td><td>{@code [G·H]}</td><td>the bias init (LSTM: forget rows at the forget bias)</td></tr>
 *   <tr><td>{@code Whh}</td><td>{@code [G·H, H]}</td><td>the recurrent weight init, one {@code [H, H]} gate block at a time</td></tr>
 *   <tr><td>{@code bhh}</td><td>{@code [G·H]}</td><td>zero</td></tr>
 *   <tr><td>{@code wpeep}</td><td>LSTM with peepholes only</td><td>zero</td></tr>
 * </table>
 *
 * <p>Parameters declared as biases are DL4J biases (no regularization); all others are weights.
 */
public final class CellParamInitializer implements ParamInitializer {

    private static final CellParamInitializer INSTANCE = new CellParamInitializer();

    private CellParamInitializer() {}

    public static CellParamInitializer getInstance() {
        return INSTANCE;
    }

    private static RecurrentCellLayer cellLayer(Layer layer) {
        if (!(layer instanceof RecurrentCellLayer cellLayer)) {
            throw new IllegalArgumentException("CellParamInitializer works on recurrent4j cell layers, not "
                    + (layer == null ? "null" : layer.getClass().getName()));
        }
        return cellLayer;
    }

    private static List<CellParameter> layout(Layer layer) {
        return cellLayer(layer).parameters();
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        return layout(layer).stream().mapToLong(CellParameter::length).sum();
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return layout(layer).stream().map(CellParameter::key).toList();
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return layout(layer).stream()
                .filter(p -> !p.bias())
                .map(CellParameter::key)
                .toList();
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return layout(layer).stream()
                .filter(CellParameter::bias)
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
        List<CellParameter> parameters = layer.parameters();
        Map<String, INDArray> params = views(parameters, paramsView);
        if (initializeParams) {
            IWeightInit weightInit = layer.getWeightInitFn();
            IWeightInit recurrentInit =
                    layer.getWeightInitFnRecurrent() != null ? layer.getWeightInitFnRecurrent() : weightInit;
            ParameterInit.Context context = new ParameterInit.Context(
                    layer.getNIn(), layer.getNOut(), weightInit, recurrentInit, layer.getBiasInit());
            for (CellParameter p : parameters) {
                p.init().initialize(params.get(p.key()), context);
            }
        }
        for (String key : params.keySet()) {
            conf.addVariable(key);
        }
        return params;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return views(cellLayer(conf.getLayer()).parameters(), gradientView);
    }

    private static Map<String, INDArray> views(List<CellParameter> parameters, INDArray flat) {
        INDArray vector = flat.reshape(flat.length());
        Map<String, INDArray> views = new LinkedHashMap<>();
        long offset = 0;
        for (CellParameter p : parameters) {
            INDArray view = vector.get(interval(offset, offset + p.length()));
            views.put(p.key(), p.shape().length == 1 ? view : view.reshape('c', p.shape()));
            offset += p.length();
        }
        return views;
    }
}
