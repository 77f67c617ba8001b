package org.recurrent4j.conf;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.InputTypeUtil;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.wrapper.BaseWrapperLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.recurrent4j.layer.Recurrent2dLayer;
import org.recurrent4j.params.Recurrent2dParamInitializer;

/**
 * A recurrent layer over images: a recurrent4j cell sweeps the grid of an image in four directions,
 * so every output point carries local information yet depends on the whole image (Graves et al.
 * 2007's multi-directional RNNs with independent directions; Visin et al. 2015's ReNet).
 *
 * <p>Input {@code [B, C, H, W]} (DL4J's convolutional layout, NCHW; NHWC with {@link
 * Builder#dataFormat}), output {@code [B, C', H/p, W/p]}. Any {@link RecurrentCellLayer} ({@link
 * Rnn}, {@link Lstm}, {@link Gru}, {@link Qrnn}, {@link Sru}, {@link OnLstm}) runs the sweeps; it is
 * given as a configuration whose {@code nOut} is the hidden size {@code H} of one direction, and
 * each direction gets its own parameters, laid out like that cell's.
 *
 * <p>Steps. With patch size {@code p}, the image is cut into non-overlapping {@code p×p} patches,
 * and the grid {@code X[i, j]} ({@code i < H' = H/p}, {@code j < W' = W/p}) holds patch {@code (i,
 * j)} as a vector of {@code C·p²} values (channel {@code c}, row {@code u}, column {@code v} of the
 * patch at index {@code c·p² + u·p + v}). With a convolutional input projection ({@link
 * Builder#inputConvolution}), each step's input is computed bottom-up from its neighbourhood:
 * {@code X ← act(K ⋆ X + b)}, a {@code k×k} convolution of stride 1 with "same" padding and {@code
 * P} output channels, before the sweeps.
 *
 * <p>Sweeps. A horizontal sweep runs the cell along each row (the rows are {@code B·H'} sequences of
 * length {@code W'}, one call of the 1-D layer); a vertical sweep along each column ({@code B·W'}
 * sequences of length {@code H'}). Writing {@code cell} for one step of the cell and {@code h} for
 * its output:
 *
 * <pre>
 *   →  h→[i, j] = cell(X[i, j], state→[i, j−1])        ←  h←[i, j] = cell(X[i, j], state←[i, j+1])
 *   ↓  h↓[i, j] = cell(X[i, j], state↓[i−1, j])        ↑  h↑[i, j] = cell(X[i, j], state↑[i+1, j])
 * </pre>
 *
 * <p>Compositions:
 *
 * <ul>
 *   <li>{@link Composition#FOUR_SWEEPS} (default): the four sweeps run independently over {@code X}
 *       and are merged: {@code Y = merge(h→, h←, h↓, h↑)}. {@code Y[i, j]} depends on row {@code i}
 *       and column {@code j} of the input (a cross); a second such layer reaches the whole image.
 *   <li>{@link Composition#RENET}: a horizontal bidirectional sweep over {@code X}, then a vertical
 *       bidirectional sweep over its output: {@code V = merge(h→, h←)} over {@code X}, {@code Y =
 *       merge(h↓, h↑)} over {@code V}. {@code Y[i, j]} depends on the whole input.
 * </ul>
 *
 * <p>Merges: {@link Merge#CONCAT} (default) stacks the directions' channels in the order {@code →,
 * ←, ↓, ↑}, so {@code C' = 4H} (four sweeps) or {@code 2H} (ReNet); {@link Merge#SUM} adds them,
 * {@code C' = H}. In ReNet the vertical sweeps read {@code 2H} (concat) or {@code H} (sum) channels.
 *
 * <p>Parameters: {@code conv-b [P]} and {@code conv-W [P, C·p², k, k]} with the projection (DL4J's
 * convolution layout), then each direction's cell parameters under the prefixes {@code right-},
 * {@code left-}, {@code down-}, {@code up-} (for example {@code right-Wih}), in that order. They use
 * the cell's updater, weight initialization, regularization and gradient normalization; the cell's
 * dropout applies to each sweep's input, independently per direction.
 *
 * <pre>{@code
 * MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
 *         .updater(new Adam(1e-3))
 *         .list()
 *         .layer(new Recurrent2d.Builder(new Gru.Builder().nOut(16).build())
 *                 .composition(Recurrent2d.Composition.RENET)
 *                 .patchSize(2)
 *                 .build())                                   // [B, 1, 28, 28] -> [B, 32, 14, 14]
 *         .layer(new GlobalPoolingLayer(PoolingType.MAX))     // [B, 32]
 *         .layer(new OutputLayer.Builder(LossFunction.MCXENT).activation(Activation.SOFTMAX).nOut(10).build())
 *         .setInputType(InputType.convolutional(28, 28, 1))
 *         .build();
 * }</pre>
 */
public class Recurrent2d extends BaseWrapperLayer {

    private static final long serialVersionUID = 1L;

    /** How the four directions are arranged. */
    public enum Composition {
        /** Four independent sweeps over the input, merged. */
        FOUR_SWEEPS,
        /** A horizontal bidirectional sweep, then a vertical bidirectional sweep over its output. */
        RENET
    }

    /** How the directions' outputs are combined. */
    public enum Merge {
        /** Stack the channels: {@code →, ←, ↓, ↑}. */
        CONCAT,
        /** Add them element by element. */
        SUM
    }

    /** One sweep direction, with the prefix of its parameters. */
    public enum Direction {
        /** Along each row, left to right. */
        RIGHT("right-", true, false),
        /** Along each row, right to left. */
        LEFT("left-", true, true),
        /** Along each column, top to bottom. */
        DOWN("down-", false, false),
        /** Along each column, bottom to top. */
        UP("up-", false, true);

        private final String prefix;
        private final boolean horizontal;
        private final boolean reversed;

        Direction(String prefix, boolean horizontal, boolean reversed) {
            this.prefix = prefix;
            this.horizontal = horizontal;
            this.reversed = reversed;
        }

        /** The prefix of this direction's parameter keys ({@code right-}, ...). */
        public String prefix() {
            return prefix;
        }

        /** Whether it runs along rows. */
        public boolean horizontal() {
            return horizontal;
        }

        /** Whether it runs against the index order (right to left, bottom to top). */
        public boolean reversed() {
            return reversed;
        }
    }

    /** The prefix of the input projection's parameter keys. */
    public static final String CONVOLUTION_PREFIX = "conv-";

    /**
     * A part of the layer that owns parameters: the input convolution or one direction's cell,
     * each a DL4J layer configuration whose parameters appear under {@code prefix}.
     */
    public record Part(String prefix, Direction direction, Layer conf) {}

    private Composition composition = Composition.FOUR_SWEEPS;
    private Merge merge = Merge.CONCAT;
    private int patchSize = 1;
    private int projectionChannels;
    private int projectionKernel;
    private IActivation projectionActivation = new ActivationIdentity();
    private long inputChannels;
    private CNN2DFormat dataFormat = CNN2DFormat.NCHW;

    private Recurrent2d() {}

    private Recurrent2d(Builder builder) {
        super(builder);
        this.underlying = builder.cell;
        this.composition = builder.composition;
        this.merge = builder.merge;
        this.patchSize = builder.patchSize;
        this.projectionChannels = builder.projectionChannels;
        this.projectionKernel = builder.projectionKernel;
        this.projectionActivation = builder.projectionActivation;
        this.inputChannels = builder.inputChannels;
        this.dataFormat = builder.dataFormat;
        validate();
    }

    private void validate() {
        String where = "Recurrent2d" + (getLayerName() == null ? "" : " \"" + getLayerName() + "\"");
        if (!(underlying instanceof RecurrentCellLayer)) {
            throw new IllegalArgumentException(where + ": the cell must be a recurrent4j cell layer (Rnn, Lstm, Gru,"
                    + " Qrnn, Sru, OnLstm), got "
                    + (underlying == null ? "none" : underlying.getClass().getName()));
        }
        if (cell().getNOut() < 1) {
            throw new IllegalArgumentException(where
                    + ": the cell's nOut (the hidden size of one direction) must be set, got " + cell().getNOut());
        }
        if (composition == null || merge == null || dataFormat == null || projectionActivation == null) {
            throw new IllegalArgumentException(
                    where + ": composition, merge, data format and projection activation must not be null");
        }
        if (patchSize < 1) {
            throw new IllegalArgumentException(where + ": patch size must be ≥ 1, got " + patchSize);
        }
        if (projectionChannels < 0 || (projectionChannels > 0) != (projectionKernel > 0)) {
            throw new IllegalArgumentException(where + ": the input convolution needs a kernel size ≥ 1 and ≥ 1"
                    + " channels (or neither), got kernel " + projectionKernel + " and " + projectionChannels
                    + " channels");
        }
        if (inputChannels < 0) {
            throw new IllegalArgumentException(
                    where + ": input channels must be ≥ 0 (0: from the input type), got " + inputChannels);
        }
    }

    /** The cell configuration that runs the sweeps ({@code nOut}: one direction's hidden size). */
    public RecurrentCellLayer cell() {
        return (RecurrentCellLayer) underlying;
    }

    /** The number of output channels {@code C'}. */
    public long outputChannels() {
        long hidden = cell().getNOut();
        if (merge == Merge.SUM) {
            return hidden;
        }
        return composition == Composition.FOUR_SWEEPS ? 4 * hidden : 2 * hidden;
    }

    /** The size of one step's vector as the image gives it: {@code C·p²}. */
    public long patchFeatures() {
        return inputChannels * patchSize * (long) patchSize;
    }

    /** The size of one step's input to the first sweeps: {@code P} with the projection, else {@code C·p²}. */
    public long sweepInputSize() {
        return projectionChannels > 0 ? projectionChannels : patchFeatures();
    }

    /** Whether a convolutional input projection computes the sweeps' input. */
    public boolean hasInputConvolution() {
        return projectionChannels > 0;
    }

    /**
     * The parts that own parameters, in storage order: the input convolution (if any), then the
     * cells of the directions → ← ↓ ↑, each a configuration derived from this one (the cell's with
     * its input size set and sequences in NCW; the convolution with the cell's updater, weight
     * initialization, regularization and gradient normalization). Each call builds new
     * configurations, with their own dropout instances.
     */
    public List<Part> parts() {
        requireInputChannels();
        List<Part> parts = new ArrayList<>();
        if (hasInputConvolution()) {
            parts.add(new Part(CONVOLUTION_PREFIX, null, inputConvolution()));
        }
        long hidden = cell().getNOut();
        long secondInput = composition == Composition.RENET ? (merge == Merge.CONCAT ? 2 * hidden : hidden) : 0;
        for (Direction d : Direction.values()) {
            long nIn = composition == Composition.RENET && !d.horizontal() ? secondInput : sweepInputSize();
            parts.add(new Part(d.prefix(), d, sweepCell(nIn)));
        }
        return parts;
    }

    private void requireInputChannels() {
        if (inputChannels < 1) {
            throw new IllegalStateException(
                    "Recurrent2d" + (getLayerName() == null ? "" : " \"" + getLayerName() + "\"")
                            + ": the number of input channels is not known: give the network an input type"
                            + " (setInputType(InputType.convolutional(h, w, c))) or set it with Builder.inputChannels(c)");
        }
    }

    private RecurrentCellLayer sweepCell(long nIn) {
        RecurrentCellLayer cell = (RecurrentCellLayer) cell().clone();
        cell.setNIn(nIn);
        cell.setRnnDataFormat(RNNFormat.NCW);
        cell.setIDropout(
                cell().getIDropout() == null ? null : cell().getIDropout().clone());
        cell.setLayerName(getLayerName());
        return cell;
    }

    private ConvolutionLayer inputConvolution() {
        RecurrentCellLayer cell = cell();
        ConvolutionLayer conv = new ConvolutionLayer.Builder(projectionKernel, projectionKernel)
                .nIn(patchFeatures())
                .nOut(projectionChannels)
                .stride(1, 1)
                .convolutionMode(ConvolutionMode.Same)
                .activation(projectionActivation)
                .dataFormat(CNN2DFormat.NCHW)
                .build();
        conv.setWeightInitFn(cell.getWeightInitFn());
        conv.setBiasInit(Double.isNaN(cell.getBiasInit()) ? 0.0 : cell.getBiasInit());
        conv.setIUpdater(cell.getIUpdater());
        conv.setBiasUpdater(cell.getBiasUpdater());
        conv.setRegularization(cell.getRegularization());
        conv.setRegularizationBias(cell.getRegularizationBias());
        conv.setGradientNormalization(cell.getGradientNormalization());
        conv.setGradientNormalizationThreshold(cell.getGradientNormalizationThreshold());
        conv.setLayerName(getLayerName());
        return conv;
    }

    /** The part whose parameters a key of this layer ({@code right-Wih}, {@code conv-W}) names. */
    public Part partOf(String paramKey, List<Part> parts) {
        for (Part p : parts) {
            if (paramKey.startsWith(p.prefix())) {
                return p;
            }
        }
        throw new IllegalArgumentException("Recurrent2d has no parameter \"" + paramKey + "\"");
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(
            NeuralNetConfiguration conf,
            Collection<TrainingListener> trainingListeners,
            int layerIndex,
            INDArray layerParamsView,
            boolean initializeParams,
            DataType networkDataType) {
        return Recurrent2dLayer.create(
                conf, trainingListeners, layerIndex, layerParamsView, initializeParams, networkDataType);
    }

    @Override
    public ParamInitializer initializer() {
        return Recurrent2dParamInitializer.getInstance();
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        InputType.InputTypeConvolutional in = convolutional(layerIndex, inputType);
        long h = in.getHeight();
        long w = in.getWidth();
        if (h < patchSize || w < patchSize || h % patchSize != 0 || w % patchSize != 0) {
            throw new IllegalArgumentException(describe(layerIndex) + ": an image of " + h + "×" + w
                    + " cannot be cut into " + patchSize + "×" + patchSize
                    + " patches (height and width must be multiples of the patch size)");
        }
        return InputType.convolutional(h / patchSize, w / patchSize, outputChannels(), dataFormat);
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        InputType.InputTypeConvolutional in = convolutional(-1, inputType);
        if (override || inputChannels < 1) {
            inputChannels = in.getChannels();
        }
        if (override || cell().getNIn() < 1) {
            cell().setNIn(sweepInputSize());
        }
    }

    private InputType.InputTypeConvolutional convolutional(int layerIndex, InputType inputType) {
        if (!(inputType instanceof InputType.InputTypeConvolutional in)) {
            throw new IllegalArgumentException(describe(layerIndex)
                    + ": expects images (InputType.convolutional(height, width, channels)), got " + inputType);
        }
        if (in.getFormat() != dataFormat) {
            throw new IllegalArgumentException(describe(layerIndex) + ": the input is " + in.getFormat()
                    + " but the layer is configured for " + dataFormat + " (Builder.dataFormat)");
        }
        return in;
    }

    private String describe(int layerIndex) {
        return "Recurrent2d" + (getLayerName() == null ? "" : " \"" + getLayerName() + "\"")
                + (layerIndex >= 0 ? " (layer " + layerIndex + ")" : "");
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return InputTypeUtil.getPreProcessorForInputTypeCnnLayers(inputType, getLayerName());
    }

    @Override
    public List<Regularization> getRegularizationByParam(String paramName) {
        Part part = partOf(paramName, parts());
        return part.conf()
                .getRegularizationByParam(paramName.substring(part.prefix().length()));
    }

    @Override
    public boolean isPretrainParam(String paramName) {
        return false;
    }

    @Override
    public IUpdater getUpdaterByParam(String paramName) {
        Part part = partOf(paramName, parts());
        return part.conf().getUpdaterByParam(paramName.substring(part.prefix().length()));
    }

    @Override
    public GradientNormalization getGradientNormalization() {
        return cell().getGradientNormalization();
    }

    @Override
    public double getGradientNormalizationThreshold() {
        return cell().getGradientNormalizationThreshold();
    }

    /**
     * A rough memory estimate: the cell's report for one direction over sequences of the image's
     * width, scaled by the four directions and the rows.
     */
    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        InputType.InputTypeConvolutional in = convolutional(-1, inputType);
        long rows = in.getHeight() / patchSize;
        long steps = in.getWidth() / patchSize;
        RecurrentCellLayer cell = sweepCell(sweepInputSize());
        LayerMemoryReport report = cell.getMemoryReport(InputType.recurrent(sweepInputSize(), steps));
        report.scale(4 * Math.max(1, (int) rows));
        return report;
    }

    @Override
    public Recurrent2d clone() {
        Recurrent2d copy = (Recurrent2d) super.clone();
        copy.underlying = underlying == null ? null : underlying.clone();
        return copy;
    }

    public Composition getComposition() {
        return composition;
    }

    public void setComposition(Composition composition) {
        this.composition = composition;
    }

    public Merge getMerge() {
        return merge;
    }

    public void setMerge(Merge merge) {
        this.merge = merge;
    }

    public int getPatchSize() {
        return patchSize;
    }

    public void setPatchSize(int patchSize) {
        this.patchSize = patchSize;
    }

    public int getProjectionChannels() {
        return projectionChannels;
    }

    public void setProjectionChannels(int projectionChannels) {
        this.projectionChannels = projectionChannels;
    }

    public int getProjectionKernel() {
        return projectionKernel;
    }

    public void setProjectionKernel(int projectionKernel) {
        this.projectionKernel = projectionKernel;
    }

    public IActivation getProjectionActivation() {
        return projectionActivation;
    }

    public void setProjectionActivation(IActivation projectionActivation) {
        this.projectionActivation = projectionActivation;
    }

    public long getInputChannels() {
        return inputChannels;
    }

    public void setInputChannels(long inputChannels) {
        this.inputChannels = inputChannels;
    }

    public CNN2DFormat getDataFormat() {
        return dataFormat;
    }

    public void setDataFormat(CNN2DFormat dataFormat) {
        this.dataFormat = dataFormat;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Recurrent2d other) || !super.equals(o)) {
            return false;
        }
        return composition == other.composition
                && merge == other.merge
                && patchSize == other.patchSize
                && projectionChannels == other.projectionChannels
                && projectionKernel == other.projectionKernel
                && Objects.equals(projectionActivation, other.projectionActivation)
                && inputChannels == other.inputChannels
                && dataFormat == other.dataFormat;
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                super.hashCode(),
                composition,
                merge,
                patchSize,
                projectionChannels,
                projectionKernel,
                projectionActivation,
                inputChannels,
                dataFormat);
    }

    /** Builds a {@link Recurrent2d} around a cell configuration. */
    // build() narrows DL4J\'s generic <E extends Layer> E build() to this layer\'s type.
    @SuppressWarnings("unchecked")
    public static class Builder extends Layer.Builder<Builder> {
        private final RecurrentCellLayer cell;
        private Composition composition = Composition.FOUR_SWEEPS;
        private Merge merge = Merge.CONCAT;
        private int patchSize = 1;
        private int projectionChannels;
        private int projectionKernel;
        private IActivation projectionActivation = new ActivationIdentity();
        private long inputChannels;
        private CNN2DFormat dataFormat = CNN2DFormat.NCHW;

        /**
         * @param cell the cell that sweeps ({@code nOut}: the hidden size {@code H} of one direction;
         *     {@code nIn} is set from the input)
         */
        public Builder(RecurrentCellLayer cell) {
            this.cell = cell;
        }

        /** Four independent sweeps (default) or ReNet. */
        public Builder composition(Composition composition) {
            this.composition = composition;
            return this;
        }

        /** Concatenate the directions (default) or add them. */
        public Builder merge(Merge merge) {
            this.merge = merge;
            return this;
        }

        /** The side {@code p} of the non-overlapping patches that are the steps (default 1: pixels). */
        public Builder patchSize(int patchSize) {
            this.patchSize = patchSize;
            return this;
        }

        /**
         * A {@code kernel×kernel} convolution (stride 1, "same" padding) with {@code channels} outputs
         * and the identity activation computes the sweeps' input from each step's neighbourhood.
         */
        public Builder inputConvolution(int kernel, int channels) {
            this.projectionKernel = kernel;
            this.projectionChannels = channels;
            return this;
        }

        /** The activation of the input convolution (default identity). */
        public Builder inputConvolutionActivation(Activation activation) {
            this.projectionActivation = activation.getActivationFunction();
            return this;
        }

        /** The input channels {@code C}, when no input type is given to the network. */
        public Builder inputChannels(long channels) {
            this.inputChannels = channels;
            return this;
        }

        /** NCHW (default) or NHWC, for input and output. */
        public Builder dataFormat(CNN2DFormat format) {
            this.dataFormat = format;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public Recurrent2d build() {
            return new Recurrent2d(this);
        }
    }
}
