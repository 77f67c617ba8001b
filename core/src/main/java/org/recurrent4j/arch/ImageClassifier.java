package org.recurrent4j.arch;

import java.util.Arrays;
import java.util.Objects;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.deeplearning4j.nn.weights.WeightInitXavier;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.recurrent4j.conf.CellType;
import org.recurrent4j.conf.CellTypes;
import org.recurrent4j.conf.Recurrent2d;
import org.recurrent4j.conf.RecurrentCellLayer;

/**
 * An image classifier built from {@link Recurrent2d} layers: stacked 2-D recurrent layers, global
 * pooling over the grid, a softmax over the classes.
 *
 * <pre>
 *   image [B, C, H, W] ─▶ Recurrent2d (cell, hidden[0], patches p, optional k×k input convolution)
 *                      ─▶ Recurrent2d (hidden[1]) ─▶ … ─▶ global pooling (max or average) ─▶ softmax
 * </pre>
 *
 * <p>Input {@value #IMAGE} {@code [B, C, H, W]}, output {@value #OUTPUT} {@code [B, classes]}. The
 * patch size and the input convolution apply to the first layer; the composition and the merge to
 * every layer. With {@link Recurrent2d.Composition#FOUR_SWEEPS}, one layer's output at a point sees
 * its row and column; two layers see the whole image; ReNet sees it in one layer.
 *
 * <pre>{@code
 * ComputationGraphConfiguration conf = new ImageClassifier()
 *         .image(28, 28, 1).cell(CellTypes.GRU).hidden(32).patchSize(2)
 *         .composition(Recurrent2d.Composition.RENET).classes(10)
 *         .build();
 * }</pre>
 */
public final class ImageClassifier {

    /** The name of the image input. */
    public static final String IMAGE = "image";
    /** The name of the output. */
    public static final String OUTPUT = "output";

    private InputType.InputTypeConvolutional image;
    private CellType cell = CellTypes.GRU;
    private int[] hidden = {32};
    private Recurrent2d.Composition composition = Recurrent2d.Composition.FOUR_SWEEPS;
    private Recurrent2d.Merge merge = Recurrent2d.Merge.CONCAT;
    private int patchSize = 1;
    private int convolutionKernel;
    private int convolutionChannels;
    private PoolingType pooling = PoolingType.MAX;
    private int classes;
    private double dropout;
    private IWeightInit weightInit = new WeightInitXavier();
    private IUpdater updater = new Adam(1e-3);
    private GradientNormalization clipping = GradientNormalization.None;
    private double clippingThreshold;
    private long seed = 42;
    private DataType dataType = DataType.FLOAT;

    /** The image size: {@code height × width} with {@code channels}. */
    public ImageClassifier image(int height, int width, int channels) {
        this.image = (InputType.InputTypeConvolutional) InputType.convolutional(height, width, channels);
        return this;
    }

    /** The cell of the sweeps (one of this project's: RNN, LSTM, GRU, QRNN, SRU, ONLSTM; default GRU). */
    public ImageClassifier cell(CellType cell) {
        this.cell = cell;
        return this;
    }

    /** One {@link Recurrent2d} layer per size, each size the hidden size of one direction (default 32). */
    public ImageClassifier hidden(int... sizes) {
        this.hidden = sizes == null ? null : sizes.clone();
        return this;
    }

    public ImageClassifier composition(Recurrent2d.Composition composition) {
        this.composition = composition;
        return this;
    }

    public ImageClassifier merge(Recurrent2d.Merge merge) {
        this.merge = merge;
        return this;
    }

    /** The first layer's patch size (default 1). */
    public ImageClassifier patchSize(int p) {
        this.patchSize = p;
        return this;
    }

    /** A {@code kernel×kernel} convolution with {@code channels} outputs computing the first sweeps' input. */
    public ImageClassifier inputConvolution(int kernel, int channels) {
        this.convolutionKernel = kernel;
        this.convolutionChannels = channels;
        return this;
    }

    /** Global pooling over the grid: MAX (default) or AVG. */
    public ImageClassifier pooling(PoolingType pooling) {
        this.pooling = pooling;
        return this;
    }

    public ImageClassifier classes(int n) {
        this.classes = n;
        return this;
    }

    /** Dropout probability on the input of every layer after the first and of the output layer. */
    public ImageClassifier dropout(double p) {
        this.dropout = p;
        return this;
    }

    public ImageClassifier weightInit(IWeightInit init) {
        this.weightInit = init;
        return this;
    }

    public ImageClassifier updater(IUpdater updater) {
        this.updater = updater;
        return this;
    }

    /** Gradient clipping, e.g. {@code (ClipL2PerLayer, 1.0)}, as in the sequence builders (default none). */
    public ImageClassifier gradientClipping(GradientNormalization how, double threshold) {
        this.clipping = how;
        this.clippingThreshold = threshold;
        return this;
    }

    public ImageClassifier seed(long seed) {
        this.seed = seed;
        return this;
    }

    public ImageClassifier dataType(DataType type) {
        this.dataType = type;
        return this;
    }

    public ComputationGraphConfiguration build() {
        if (image == null) {
            throw new IllegalArgumentException("image: the input size is not set: call image(height, width, channels)");
        }
        if (hidden == null || hidden.length == 0 || Arrays.stream(hidden).anyMatch(h -> h < 1)) {
            throw new IllegalArgumentException(
                    "hidden: needs at least one layer, each of size ≥ 1, got " + Arrays.toString(hidden));
        }
        if (classes < 2) {
            throw new IllegalArgumentException("classes must be at least 2, got " + classes);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
        Objects.requireNonNull(cell, "cell");
        Objects.requireNonNull(pooling, "pooling");
        Objects.requireNonNull(clipping, "clipping");
        NeuralNetConfiguration.Builder global = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(dataType)
                .weightInit(weightInit)
                .updater(updater);
        if (clipping != GradientNormalization.None) {
            global.gradientNormalization(clipping).gradientNormalizationThreshold(clippingThreshold);
        }
        GraphBuilder g = global.graphBuilder().addInputs(IMAGE);
        String previous = IMAGE;
        for (int i = 0; i < hidden.length; i++) {
            Layer cellLayer = cell.layer(1, hidden[i]);
            if (!(cellLayer instanceof RecurrentCellLayer recurrent)) {
                throw new IllegalArgumentException(
                        "cell: " + cell + " is DL4J's own layer; the sweeps need one of this project's cells");
            }
            if (i > 0 && dropout > 0) {
                recurrent.setIDropout(new Dropout(1.0 - dropout));
            }
            Recurrent2d.Builder layer =
                    new Recurrent2d.Builder(recurrent).composition(composition).merge(merge);
            if (i == 0) {
                layer.patchSize(patchSize);
                if (convolutionChannels > 0 || convolutionKernel > 0) {
                    layer.inputConvolution(convolutionKernel, convolutionChannels);
                }
            }
            String name = "sweeps" + i;
            g.addLayer(name, layer.build(), previous);
            previous = name;
        }
        g.addLayer("pool", new GlobalPoolingLayer(pooling), previous);
        OutputLayer.Builder output = new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .activation(Activation.SOFTMAX)
                .nOut(classes);
        if (dropout > 0) {
            output.dropOut(1.0 - dropout);
        }
        g.addLayer(OUTPUT, output.build(), "pool");
        return g.setOutputs(OUTPUT).setInputTypes(image).build();
    }
}
