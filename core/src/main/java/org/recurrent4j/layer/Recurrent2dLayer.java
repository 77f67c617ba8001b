package org.recurrent4j.layer;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.AbstractLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.recurrent4j.conf.Recurrent2d;
import org.recurrent4j.kernel.NativeArray;
import org.recurrent4j.params.Recurrent2dParamInitializer;

/**
 * The implementation of {@link Recurrent2d}: it owns one DL4J layer per part (the input
 * convolution, if any, and one {@link CellLoopLayer} per direction), whose parameters and gradients
 * are views of this layer's flat vectors, and runs each sweep as one call of the 1-D layer over the
 * rows ({@code [B·H', D, W']}) or the columns ({@code [B·W', D, H']}) of the grid, the other axis
 * folded into the batch. A sweep against the index order runs over the grid reversed along its axis
 * and its output is reversed back.
 *
 * <p>The sub-layers work outside DL4J's workspaces (their inputs must live until the backward
 * pass); only this layer's output and input gradient are placed in the network's workspaces.
 */
public class Recurrent2dLayer extends AbstractLayer<Recurrent2d> {

    private static final long serialVersionUID = 1L;

    private final transient List<Recurrent2d.Part> parts;
    private final transient List<Layer> subLayers;
    private final transient Map<Recurrent2d.Direction, Layer> sweeps = new LinkedHashMap<>();
    private final transient Layer convolution;
    private INDArray paramsView;
    private INDArray gradientsView;
    private transient boolean lastPassTraining;

    private Recurrent2dLayer(
            NeuralNetConfiguration conf, DataType dataType, List<Recurrent2d.Part> parts, List<Layer> subLayers) {
        super(conf, dataType);
        this.parts = parts;
        this.subLayers = subLayers;
        Layer conv = null;
        for (int i = 0; i < parts.size(); i++) {
            Recurrent2d.Part p = parts.get(i);
            if (p.direction() == null) {
                conv = subLayers.get(i);
            } else {
                sweeps.put(p.direction(), subLayers.get(i));
            }
        }
        this.convolution = conv;
    }

    /** Builds the layer and its sub-layers over {@code paramsView} (called by {@link Recurrent2d#instantiate}). */
    public static Recurrent2dLayer create(
            NeuralNetConfiguration conf,
            Collection<TrainingListener> listeners,
            int layerIndex,
            INDArray paramsView,
            boolean initializeParams,
            DataType dataType) {
        Recurrent2d layerConf = (Recurrent2d) conf.getLayer();
        List<Recurrent2d.Part> parts = layerConf.parts();
        List<INDArray> views = Recurrent2dParamInitializer.partViews(parts, paramsView);
        List<Layer> subs = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            NeuralNetConfiguration partConf = conf.clone();
            partConf.setLayer(parts.get(i).conf());
            partConf.clearVariables();
            subs.add(parts.get(i)
                    .conf()
                    .instantiate(partConf, listeners, layerIndex, views.get(i), initializeParams, dataType));
        }
        Recurrent2dLayer layer = new Recurrent2dLayer(conf, dataType, parts, subs);
        layer.paramsView = paramsView;
        layer.setListeners(listeners);
        layer.setIndex(layerIndex);
        conf.clearVariables();
        for (String key : layer.paramTable().keySet()) {
            conf.addVariable(key);
        }
        return layer;
    }

    @Override
    public Type type() {
        return Type.CONVOLUTIONAL;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public void clearNoiseWeightParams() {
        subLayers.forEach(Layer::clearNoiseWeightParams);
    }

    // ---------------------------------------------------------------- forward

    @Override
    @SuppressWarnings("try") // the scope is what matters: arrays made in it live outside the workspaces
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        Recurrent2d c = layerConf();
        if (maskArray != null) {
            throw new IllegalStateException(where() + ": does not take a mask (got one of shape "
                    + Arrays.toString(maskArray.shape()) + "); images are not padded");
        }
        INDArray output;
        LayerWorkspaceMgr none = LayerWorkspaceMgr.noWorkspaces();
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            INDArray image = nchw(input.castTo(dataType));
            validate(image);
            INDArray grid = toPatches(image, c.getPatchSize());
            if (convolution != null) {
                grid = convolution.activate(grid, training, none);
            }
            if (c.getComposition() == Recurrent2d.Composition.FOUR_SWEEPS) {
                output = merge(
                        sweep(Recurrent2d.Direction.RIGHT, grid, training),
                        sweep(Recurrent2d.Direction.LEFT, grid, training),
                        sweep(Recurrent2d.Direction.DOWN, grid, training),
                        sweep(Recurrent2d.Direction.UP, grid, training));
            } else {
                INDArray horizontal = merge(
                        sweep(Recurrent2d.Direction.RIGHT, grid, training),
                        sweep(Recurrent2d.Direction.LEFT, grid, training));
                output = merge(
                        sweep(Recurrent2d.Direction.DOWN, horizontal, training),
                        sweep(Recurrent2d.Direction.UP, horizontal, training));
            }
            if (c.getDataFormat() == CNN2DFormat.NHWC) {
                output = output.permute(0, 2, 3, 1);
            }
        }
        lastPassTraining = training;
        return workspaceMgr.dup(ArrayType.ACTIVATIONS, output, 'c');
    }

    private INDArray nchw(INDArray x) {
        return layerConf().getDataFormat() == CNN2DFormat.NHWC && x.rank() == 4 ? x.permute(0, 3, 1, 2) : x;
    }

    private void validate(INDArray image) {
        Recurrent2d c = layerConf();
        String layout = c.getDataFormat() == CNN2DFormat.NHWC
                ? "[batch, height, width, channels] (NHWC)"
                : "[batch, channels, height, width] (NCHW)";
        if (image.rank() != 4) {
            throw new IllegalArgumentException(where() + ": expects images " + layout + ", got an array of rank "
                    + image.rank() + " and shape " + Arrays.toString(input.shape())
                    + (image.rank() == 2 ? " (flattened images need InputType.convolutionalFlat on the network)" : ""));
        }
        if (image.size(1) != c.getInputChannels()) {
            throw new IllegalArgumentException(where() + ": expects " + c.getInputChannels() + " channels in images "
                    + layout + ", got shape " + Arrays.toString(input.shape()));
        }
        long h = image.size(2);
        long w = image.size(3);
        int p = c.getPatchSize();
        if (h < p || w < p || h % p != 0 || w % p != 0) {
            throw new IllegalArgumentException(where() + ": an image of " + h + "×" + w + " (input shape "
                    + Arrays.toString(input.shape()) + ") cannot be cut into " + p + "×" + p
                    + " patches: height and width must be multiples of the patch size");
        }
    }

    private String where() {
        String name = layerConf().getLayerName();
        return "Recurrent2d" + (name == null ? "" : " \"" + name + "\"") + " (layer " + getIndex() + ")";
    }

    /** {@code [B, C, H, W]} to {@code [B, C·p², H/p, W/p]}, patch value {@code (c, u, v)} at {@code c·p² + u·p + v}. */
    static INDArray toPatches(INDArray image, int p) {
        if (p == 1) {
            return image;
        }
        long b = image.size(0);
        long ch = image.size(1);
        long h = image.size(2) / p;
        long w = image.size(3) / p;
        return image.dup('c')
                .reshape('c', b, ch, h, p, w, p)
                .permute(0, 1, 3, 5, 2, 4)
                .dup('c')
                .reshape('c', b, ch * p * p, h, w);
    }

    /** The inverse of {@link #toPatches}: {@code [B, C·p², H', W']} to {@code [B, C, H'·p, W'·p]}. */
    static INDArray fromPatches(INDArray grid, int p) {
        if (p == 1) {
            return grid;
        }
        long b = grid.size(0);
        long ch = grid.size(1) / ((long) p * p);
        long h = grid.size(2);
        long w = grid.size(3);
        return grid.dup('c')
                .reshape('c', b, ch, p, p, h, w)
                .permute(0, 1, 4, 2, 5, 3)
                .dup('c')
                .reshape('c', b, ch, h * p, w * p);
    }

    /** One sweep over a grid {@code [B, D, H', W']}: its output {@code [B, H, H', W']}. */
    private INDArray sweep(Recurrent2d.Direction d, INDArray grid, boolean training) {
        long b = grid.size(0);
        long rows = grid.size(2);
        long cols = grid.size(3);
        INDArray sequences = fold(d, grid);
        INDArray out = sweeps.get(d).activate(sequences, training, LayerWorkspaceMgr.noWorkspaces());
        return unfold(d, out, b, rows, cols);
    }

    /** A grid {@code [B, D, H', W']} as the sweep's sequences: {@code [B·H', D, W']} or {@code [B·W', D, H']}. */
    private static INDArray fold(Recurrent2d.Direction d, INDArray grid) {
        long b = grid.size(0);
        long depth = grid.size(1);
        long rows = grid.size(2);
        long cols = grid.size(3);
        INDArray sequences = d.horizontal()
                ? grid.permute(0, 2, 1, 3).dup('c').reshape('c', b * rows, depth, cols)
                : grid.permute(0, 3, 1, 2).dup('c').reshape('c', b * cols, depth, rows);
        return d.reversed() ? reverseSteps(sequences) : sequences;
    }

    /** The inverse of {@link #fold}: sequences {@code [B·H', D, W']} or {@code [B·W', D, H']} to {@code [B, D, H', W']}. */
    private static INDArray unfold(Recurrent2d.Direction d, INDArray sequences, long b, long rows, long cols) {
        INDArray s = d.reversed() ? reverseSteps(sequences) : sequences.dup('c');
        long depth = s.size(1);
        return d.horizontal()
                ? s.reshape('c', b, rows, depth, cols).permute(0, 2, 1, 3)
                : s.reshape('c', b, cols, depth, rows).permute(0, 2, 3, 1);
    }

    /**
     * The sequences {@code [N, D, T]} with their steps in reverse order. Copied element by element:
     * ND4J 1.0.0-M2.1's {@code Reverse} op leaks native memory on every call (several times the
     * array's size, never freed), which grew a training run by gigabytes.
     */
    static INDArray reverseSteps(INDArray sequences) {
        NativeArray in = NativeArray.of(sequences);
        INDArray reversed = Nd4j.createUninitialized(sequences.dataType(), sequences.shape(), 'c');
        NativeArray out = NativeArray.of(reversed);
        int steps = (int) sequences.size(2);
        int rows = Math.toIntExact(sequences.length() / Math.max(1, steps));
        for (int r = 0; r < rows; r++) {
            int row = r * steps;
            for (int t = 0; t < steps; t++) {
                out.set(row + t, in.get(row + steps - 1 - t));
            }
        }
        return reversed;
    }

    private INDArray merge(INDArray... directions) {
        if (layerConf().getMerge() == Recurrent2d.Merge.CONCAT) {
            return Nd4j.concat(1, directions);
        }
        INDArray sum = directions[0].dup('c');
        for (int i = 1; i < directions.length; i++) {
            sum.addi(directions[i]);
        }
        return sum;
    }

    // ---------------------------------------------------------------- backward

    @Override
    @SuppressWarnings("try") // the scope is what matters: arrays made in it live outside the workspaces
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (!lastPassTraining) {
            activate(true, LayerWorkspaceMgr.noWorkspaces());
        }
        Recurrent2d c = layerConf();
        Map<Recurrent2d.Direction, Gradient> sweepGradients = new LinkedHashMap<>();
        Gradient convGradient = null;
        INDArray inputGradient;
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            INDArray e = nchw(epsilon.castTo(dataType));
            INDArray gridGradient;
            if (c.getComposition() == Recurrent2d.Composition.FOUR_SWEEPS) {
                INDArray[] parts = split(e, 4);
                gridGradient = sweepBack(Recurrent2d.Direction.RIGHT, parts[0], sweepGradients);
                gridGradient.addi(sweepBack(Recurrent2d.Direction.LEFT, parts[1], sweepGradients));
                gridGradient.addi(sweepBack(Recurrent2d.Direction.DOWN, parts[2], sweepGradients));
                gridGradient.addi(sweepBack(Recurrent2d.Direction.UP, parts[3], sweepGradients));
            } else {
                INDArray[] vertical = split(e, 2);
                INDArray horizontalGradient = sweepBack(Recurrent2d.Direction.DOWN, vertical[0], sweepGradients);
                horizontalGradient.addi(sweepBack(Recurrent2d.Direction.UP, vertical[1], sweepGradients));
                INDArray[] horizontal = split(horizontalGradient, 2);
                gridGradient = sweepBack(Recurrent2d.Direction.RIGHT, horizontal[0], sweepGradients);
                gridGradient.addi(sweepBack(Recurrent2d.Direction.LEFT, horizontal[1], sweepGradients));
            }
            if (convolution != null) {
                Pair<Gradient, INDArray> back =
                        convolution.backpropGradient(gridGradient.dup('c'), LayerWorkspaceMgr.noWorkspaces());
                convGradient = back.getFirst();
                gridGradient = back.getSecond();
            }
            inputGradient = fromPatches(gridGradient, c.getPatchSize());
            if (c.getDataFormat() == CNN2DFormat.NHWC) {
                inputGradient = inputGradient.permute(0, 2, 3, 1);
            }
        }
        lastPassTraining = false;
        Gradient gradient = new DefaultGradient(gradientsView);
        for (Recurrent2d.Part p : parts) {
            Gradient g = p.direction() == null ? convGradient : sweepGradients.get(p.direction());
            for (Map.Entry<String, INDArray> entry : g.gradientForVariable().entrySet()) {
                gradient.gradientForVariable().put(p.prefix() + entry.getKey(), entry.getValue());
            }
        }
        return new Pair<>(gradient, workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, inputGradient, 'c'));
    }

    /** The gradient of the merged output, as the gradient of each of {@code n} merged directions. */
    private INDArray[] split(INDArray gradient, int n) {
        INDArray[] out = new INDArray[n];
        long hidden = gradient.size(1) / (layerConf().getMerge() == Recurrent2d.Merge.CONCAT ? n : 1);
        for (int i = 0; i < n; i++) {
            out[i] = layerConf().getMerge() == Recurrent2d.Merge.CONCAT
                    ? gradient.get(all(), interval(i * hidden, (i + 1) * hidden), all(), all())
                    : gradient;
        }
        return out;
    }

    /** The backward pass of one sweep: the gradient of its grid {@code [B, D, H', W']}, fresh and 'c'-ordered. */
    private INDArray sweepBack(
            Recurrent2d.Direction d, INDArray outputGradient, Map<Recurrent2d.Direction, Gradient> gradients) {
        long b = outputGradient.size(0);
        long rows = outputGradient.size(2);
        long cols = outputGradient.size(3);
        Pair<Gradient, INDArray> back =
                sweeps.get(d).backpropGradient(fold(d, outputGradient), LayerWorkspaceMgr.noWorkspaces());
        gradients.put(d, back.getFirst());
        return unfold(d, back.getSecond(), b, rows, cols).dup('c');
    }

    // ---------------------------------------------------------------- parameters

    @Override
    public INDArray params() {
        return paramsView;
    }

    @Override
    public long numParams() {
        return paramsView == null ? 0 : paramsView.length();
    }

    @Override
    public long numParams(boolean backwards) {
        return numParams();
    }

    @Override
    public void setParams(INDArray params) {
        if (params.length() != numParams()) {
            throw new IllegalArgumentException(
                    where() + ": expected " + numParams() + " parameters, got " + params.length());
        }
        paramsView.assign(params.reshape(paramsView.shape()));
    }

    @Override
    public void setParamsViewArray(INDArray params) {
        List<INDArray> views = Recurrent2dParamInitializer.partViews(parts, params);
        for (int i = 0; i < subLayers.size(); i++) {
            subLayers.get(i).setParamsViewArray(views.get(i));
        }
        this.paramsView = params;
    }

    @Override
    public INDArray getGradientsViewArray() {
        return gradientsView;
    }

    @Override
    public void setBackpropGradientsViewArray(INDArray gradients) {
        List<INDArray> views = Recurrent2dParamInitializer.partViews(parts, gradients);
        for (int i = 0; i < subLayers.size(); i++) {
            subLayers.get(i).setBackpropGradientsViewArray(views.get(i));
        }
        this.gradientsView = gradients;
    }

    @Override
    public Map<String, INDArray> paramTable() {
        return paramTable(false);
    }

    @Override
    public Map<String, INDArray> paramTable(boolean backpropParamsOnly) {
        Map<String, INDArray> table = new LinkedHashMap<>();
        for (int i = 0; i < parts.size(); i++) {
            for (Map.Entry<String, INDArray> e :
                    subLayers.get(i).paramTable(backpropParamsOnly).entrySet()) {
                table.put(parts.get(i).prefix() + e.getKey(), e.getValue());
            }
        }
        return table;
    }

    @Override
    public void setParamTable(Map<String, INDArray> paramTable) {
        paramTable.forEach(this::setParam);
    }

    private int partIndex(String key) {
        Recurrent2d.Part part = layerConf().partOf(key, parts);
        return parts.indexOf(part);
    }

    @Override
    public INDArray getParam(String param) {
        int i = partIndex(param);
        return subLayers.get(i).getParam(param.substring(parts.get(i).prefix().length()));
    }

    @Override
    public void setParam(String key, INDArray val) {
        int i = partIndex(key);
        subLayers.get(i).setParam(key.substring(parts.get(i).prefix().length()), val);
    }

    @Override
    public boolean updaterDivideByMinibatch(String paramName) {
        int i = partIndex(paramName);
        return subLayers
                .get(i)
                .updaterDivideByMinibatch(
                        paramName.substring(parts.get(i).prefix().length()));
    }

    @Override
    public double calcRegularizationScore(boolean backpropParamsOnly) {
        double score = 0;
        for (Layer l : subLayers) {
            score += l.calcRegularizationScore(backpropParamsOnly);
        }
        return score;
    }

    @Override
    public void applyConstraints(int iteration, int epoch) {
        for (Layer l : subLayers) {
            l.applyConstraints(iteration, epoch);
        }
    }

    // ---------------------------------------------------------------- bookkeeping

    @Override
    public void setCacheMode(CacheMode mode) {
        super.setCacheMode(mode);
        if (subLayers != null) {
            subLayers.forEach(l -> l.setCacheMode(mode));
        }
    }

    @Override
    public void setIterationCount(int iterationCount) {
        super.setIterationCount(iterationCount);
        subLayers.forEach(l -> l.setIterationCount(iterationCount));
    }

    @Override
    public void setEpochCount(int epochCount) {
        super.setEpochCount(epochCount);
        subLayers.forEach(l -> l.setEpochCount(epochCount));
    }

    @Override
    public void clear() {
        super.clear();
        lastPassTraining = false;
        subLayers.forEach(Layer::clear);
    }
}
