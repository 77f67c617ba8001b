package org.recurrent4j.params;

import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.recurrent4j.conf.Recurrent2d;

/**
 * Lays out the parameters of a {@link Recurrent2d}: each of its {@link Recurrent2d#parts() parts}
 * (the input convolution, if any, then the cells of the directions → ← ↓ ↑) in that order, each
 * laid out and initialized by its own configuration's initializer (DL4J's convolution layout;
 * {@link CellParamInitializer}), its keys under the part's prefix: {@code conv-W}, {@code conv-b},
 * {@code right-Wih}, ..., {@code up-bhh}.
 */
public final class Recurrent2dParamInitializer implements ParamInitializer {

    private static final Recurrent2dParamInitializer INSTANCE = new Recurrent2dParamInitializer();

    private Recurrent2dParamInitializer() {}

    public static Recurrent2dParamInitializer getInstance() {
        return INSTANCE;
    }

    private static Recurrent2d recurrent2d(Layer layer) {
        if (!(layer instanceof Recurrent2d r)) {
            throw new IllegalArgumentException("Recurrent2dParamInitializer works on Recurrent2d layers, not "
                    + (layer == null ? "null" : layer.getClass().getName()));
        }
        return r;
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        long n = 0;
        for (Recurrent2d.Part p : recurrent2d(layer).parts()) {
            n += p.conf().initializer().numParams(p.conf());
        }
        return n;
    }

    private interface KeysOfPart {
        List<String> keys(Layer conf);
    }

    private static List<String> prefixed(Layer layer, KeysOfPart keys) {
        List<String> out = new ArrayList<>();
        for (Recurrent2d.Part p : recurrent2d(layer).parts()) {
            for (String key : keys.keys(p.conf())) {
                out.add(p.prefix() + key);
            }
        }
        return out;
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return prefixed(layer, c -> c.initializer().paramKeys(c));
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return prefixed(layer, c -> c.initializer().weightKeys(c));
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return prefixed(layer, c -> c.initializer().biasKeys(c));
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return weightKeys(layer).contains(key);
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return biasKeys(layer).contains(key);
    }

    /**
     * The flat views of each part, in storage order: {@code [1, n]} row vectors of the layer's
     * flat parameter (or gradient) vector.
     */
    public static List<INDArray> partViews(List<Recurrent2d.Part> parts, INDArray flat) {
        INDArray row = flat.reshape(1, flat.length());
        List<INDArray> views = new ArrayList<>();
        long offset = 0;
        for (Recurrent2d.Part p : parts) {
            long n = p.conf().initializer().numParams(p.conf());
            views.add(row.get(interval(0, 0, true), interval(offset, offset + n)));
            offset += n;
        }
        if (offset != flat.length()) {
            throw new IllegalArgumentException(
                    "Recurrent2d: expected " + offset + " parameters, the view holds " + flat.length());
        }
        return views;
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        List<Recurrent2d.Part> parts = recurrent2d(conf.getLayer()).parts();
        List<INDArray> views = partViews(parts, paramsView);
        Map<String, INDArray> out = new LinkedHashMap<>();
        conf.clearVariables();
        for (int i = 0; i < parts.size(); i++) {
            Recurrent2d.Part p = parts.get(i);
            NeuralNetConfiguration partConf = conf.clone();
            partConf.setLayer(p.conf());
            partConf.clearVariables();
            Map<String, INDArray> own = p.conf().initializer().init(partConf, views.get(i), initializeParams);
            for (Map.Entry<String, INDArray> e : own.entrySet()) {
                out.put(p.prefix() + e.getKey(), e.getValue());
                conf.addVariable(p.prefix() + e.getKey());
            }
        }
        return out;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        List<Recurrent2d.Part> parts = recurrent2d(conf.getLayer()).parts();
        List<INDArray> views = partViews(parts, gradientView);
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (int i = 0; i < parts.size(); i++) {
            Recurrent2d.Part p = parts.get(i);
            NeuralNetConfiguration partConf = conf.clone();
            partConf.setLayer(p.conf());
            Map<String, INDArray> own = p.conf().initializer().getGradientsFromFlattened(partConf, views.get(i));
            for (Map.Entry<String, INDArray> e : own.entrySet()) {
                out.put(p.prefix() + e.getKey(), e.getValue());
            }
        }
        return out;
    }
}
