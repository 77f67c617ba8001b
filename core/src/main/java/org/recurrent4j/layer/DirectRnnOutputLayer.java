package org.recurrent4j.layer;

import java.util.Arrays;
import org.deeplearning4j.exception.DL4JInvalidInputException;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.recurrent.RnnOutputLayer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.recurrent4j.conf.RnnOutput;
import org.recurrent4j.kernel.Blas;
import org.recurrent4j.kernel.CoreScope;
import org.recurrent4j.kernel.FastExp;
import org.recurrent4j.kernel.KernelPath;
import org.recurrent4j.kernel.NativeArray;
import org.recurrent4j.kernel.RowParallel;

/**
 * The layer of {@link RnnOutput}: DL4J's {@code RnnOutputLayer}, whose pre-output {@code z = W^T h
 * + b} (and, at inference, its softmax) is computed here in one BLAS call over every step of
 * every example.
 *
 * <p>{@code z} is laid out as {@code [nOut, T, B]}: one row per class, the columns in the order
 * {@code t·B + b}, which is the row order of DL4J's {@code [B·T, nOut]} matrix of every step. So the
 * output is a permuted view of it (at batch 1, where that memory order is the output's own C
 * order, it is made in the output's shape: {@link SequenceOrder}), and the pre-output DL4J's losses
 * read ({@link #preOutput2d}) is its transpose, neither copied. The input is read where it lies
 * when it is in that order too (the output of this library's recurrent layers), else copied once.
 *
 * <p>Activations other than softmax and masks run as ND4J operations on that view. DL4J's own code
 * runs while training with dropout.
 */
public class DirectRnnOutputLayer extends RnnOutputLayer {
    private static final long serialVersionUID = 1L;

    /** The weights last wrapped, and their transpose {@code [nOut, nIn]} as a native array. */
    private transient INDArray wrappedWeights;

    private transient NativeArray weightsTransposed;

    private transient KernelPath wrappedPath;

    /**
     * The loss the last backward pass computed with its gradient, kept for the {@link #computeScore}
     * that DL4J's {@code computeGradientAndScore} calls right after it, which would otherwise compute
     * the pre-output and the loss again. Used once, and only for the same input, labels and mask
     * (the same arrays) and the same parameter values.
     */
    private transient BackpropScore backpropScore;

    private record BackpropScore(INDArray input, INDArray labels, INDArray mask, double[] parameters, double total) {
        boolean isFor(INDArray input, INDArray labels, INDArray mask) {
            return this.input == input && this.labels == labels && this.mask == mask;
        }
    }

    public DirectRnnOutputLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        if (!direct(training)) {
            return super.activate(training, workspaceMgr);
        }
        IActivation activation = layerConf().getActivationFn();
        boolean softmax = activation instanceof ActivationSoftmax;
        if (softmax && maskArray == null) {
            // At one step a call, even the matrix view below is a cost worth saving.
            return featureMajorPreOutput(training, workspaceMgr, featureMajorInput(), true, true);
        }
        INDArray z = featureMajorPreOutput(training, workspaceMgr, featureMajorInput(), softmax, false);
        INDArray z2d = asMatrix(z);
        if (!softmax) {
            INDArray activated = activation.getActivation(z2d, training);
            if (activated != z2d) {
                z2d.assign(activated);
            }
        }
        if (maskArray != null) {
            // As DL4J masks: a [B·T, nOut] mask element-wise, a [B·T, 1] mask step by step.
            INDArray mask = maskArray.castTo(z2d.dataType());
            if (!mask.isColumnVectorOrScalar() || Arrays.equals(mask.shape(), z2d.shape())) {
                z2d.muli(mask);
            } else {
                z2d.muliColumnVector(mask);
            }
        }
        return toInputShape(z);
    }

    /** A sequence {@code [B, size, T]} (NCW) or {@code [B, T, size]} (NWC) as {@code [size, T, B]}, a view. */
    private INDArray featureMajor(INDArray sequence) {
        return layerConf().getRnnDataFormat() == RNNFormat.NWC ? sequence.permute(2, 1, 0) : sequence.permute(1, 2, 0);
    }

    /** The inverse of {@link #featureMajor}. */
    private INDArray toInputShape(INDArray featureMajor) {
        return layerConf().getRnnDataFormat() == RNNFormat.NWC
                ? featureMajor.permute(2, 1, 0)
                : featureMajor.permute(2, 0, 1);
    }

    /** {@code z [nOut, T, B]} as DL4J's {@code [B·T, nOut]} matrix (row {@code t·B + b}), a view. */
    private static INDArray asMatrix(INDArray z) {
        return z.reshape('c', z.size(0), z.size(1) * z.size(2)).transpose();
    }

    /**
     * {@code z} as DL4J's losses read it: {@code [B·T, nOut]}, row {@code t·B + b}. DL4J's own
     * pre-output also multiplies masked steps by 0; the losses apply the mask themselves, so that
     * changes nothing and is left out.
     */
    @Override
    protected INDArray preOutput2d(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        if (!direct(training)) {
            return super.preOutput2d(training, workspaceMgr);
        }
        return asMatrix(featureMajorPreOutput(training, workspaceMgr, featureMajorInput(), false, false));
    }

    /**
     * The gradients with the same products on recurrent4j's kernels, the loss's gradient {@code δ =
     * ∂L/∂z} from DL4J's loss function:
     *
     * <pre>
     *   ∂W = X δ         ∂b = Σ_rows δ         ∂X = W δ^T
     *   X [nIn, T·B] (the input, feature-major), δ [T·B, nOut], ∂X returned as the input's shape
     * </pre>
     */
    @Override
    @SuppressWarnings("try") // the resource is a scope, opened for its effect on the code inside
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (!direct(true) || labels == null || labels.rank() != 3) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        INDArray w = getParamWithNoise(DefaultParamInitializer.WEIGHT_KEY, true, workspaceMgr);
        FeatureMajorInput in = featureMajorInput();
        NativeArray x = in.values();
        INDArray z = featureMajorPreOutput(true, workspaceMgr, in, false, false);
        INDArray delta;
        NativeArray d; // δ [T·B, nOut], C order
        SoftmaxCrossEntropy fused = fusedLoss(z);
        if (fused != null) {
            delta = workspaceMgr.createUninitialized(
                    ArrayType.BP_WORKING_MEM, dataType, new long[] {z.size(1) * z.size(2), z.size(0)}, 'c');
            d = NativeArray.of(delta);
            double total = fused.gradient(d);
            backpropScore = layerConf().getWeightNoise() == null
                    ? new BackpropScore(input, labels, maskArray, parameterValues(), total)
                    : null;
            if (d.array() != delta) {
                delta.assign(d.array());
            }
        } else {
            delta = layerConf()
                    .getLossFn()
                    .computeGradient(
                            getLabels2d(workspaceMgr, ArrayType.BP_WORKING_MEM),
                            asMatrix(z),
                            layerConf().getActivationFn(),
                            maskArray);
            d = NativeArray.of(delta);
        }
        int columns = (int) delta.size(0);
        int classes = (int) delta.size(1);
        int nIn = (int) w.size(0);
        Gradient gradient = new DefaultGradient();
        INDArray weightGradient = gradientViews.get(DefaultParamInitializer.WEIGHT_KEY);
        // W [nIn, nOut] is stored in F order, so its gradient's memory is ∂W^T [nOut, nIn] in C order.
        INDArray weightGradientTransposed = weightGradient.transpose();
        NativeArray dWt = NativeArray.of(weightGradientTransposed);
        INDArray inputGradient = workspaceMgr.createUninitialized(
                ArrayType.ACTIVATION_GRAD, dataType, new long[] {nIn, columns / input.size(0), input.size(0)}, 'c');
        NativeArray dX = NativeArray.of(inputGradient);
        try (CoreScope scope = CoreScope.open()) {
            Blas.gemm(true, true, classes, nIn, columns, 1.0, d, 0, classes, x, 0, columns, 0.0, dWt, 0, nIn);
            Blas.gemm(
                    true, true, nIn, columns, classes, 1.0, transposed(w), 0, nIn, d, 0, classes, 0.0, dX, 0, columns);
        }
        if (dWt.array() != weightGradientTransposed) {
            weightGradientTransposed.assign(dWt.array());
        }
        gradient.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY, weightGradient);
        if (hasBias()) {
            INDArray biasGradient = gradientViews.get(DefaultParamInitializer.BIAS_KEY);
            NativeArray into = NativeArray.inPlace(biasGradient);
            if (into != null && d.dataType() == DataType.FLOAT) {
                columnSums(d, columns, classes, into);
            } else {
                delta.sum(biasGradient, 0);
            }
            gradient.gradientForVariable().put(DefaultParamInitializer.BIAS_KEY, biasGradient);
        }
        if (dX.array() != inputGradient) {
            inputGradient.assign(dX.array());
        }
        weightNoiseParams.clear();
        return new Pair<>(gradient, toInputShape(inputGradient));
    }

    /**
     * The score DL4J's {@code BaseOutputLayer} computes, through {@link SoftmaxCrossEntropy} when
     * it applies (no copies of the pre-output and labels, one pass over them).
     */
    @Override
    public double computeScore(double fullNetRegTerm, boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (input == null || labels == null || !direct(training) || !fusedLossApplies()) {
            return super.computeScore(fullNetRegTerm, training, workspaceMgr);
        }
        BackpropScore last = backpropScore;
        backpropScore = null;
        double total;
        if (last != null
                && last.isFor(input, labels, maskArray)
                && Arrays.equals(last.parameters(), parameterValues())) {
            total = last.total();
        } else {
            total = fusedLoss(featureMajorPreOutput(training, workspaceMgr, featureMajorInput(), false, false))
                    .score();
        }
        if (conf().isMiniBatch()) {
            total /= getInputMiniBatchSize();
        }
        total += fullNetRegTerm;
        this.score = total;
        return total;
    }

    /**
     * {@code into[i] = Σ_c d[c, i]} for a float32 {@code d [columns, classes]} in C order, in double
     * and in column order, through heap blocks (ND4J's sum over the first dimension took several
     * times as long at {@code [3200, 16]}).
     */
    private static void columnSums(NativeArray d, int columns, int classes, NativeArray into) {
        double[] sums = new double[classes];
        int rowsPerBlock = Math.max(1, 4096 / classes);
        float[] block = new float[rowsPerBlock * classes];
        for (int first = 0; first < columns; first += rowsPerBlock) {
            int rows = Math.min(rowsPerBlock, columns - first);
            d.read(first * classes, block, 0, rows * classes);
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < classes; i++) {
                    sums[i] += block[r * classes + i];
                }
            }
        }
        for (int i = 0; i < classes; i++) {
            into.set(i, sums[i]);
        }
    }

    /** The weights and the bias, as values: what a score computed with them depends on besides the data. */
    private double[] parameterValues() {
        // W [nIn, nOut] is stored in F order: its transpose is read in place, not copied first.
        double[] w =
                NativeArray.values(getParam(DefaultParamInitializer.WEIGHT_KEY).transpose());
        if (!hasBias()) {
            return w;
        }
        double[] b = NativeArray.values(getParam(DefaultParamInitializer.BIAS_KEY));
        double[] both = Arrays.copyOf(w, w.length + b.length);
        System.arraycopy(b, 0, both, w.length, b.length);
        return both;
    }

    @Override
    public void clear() {
        super.clear();
        backpropScore = null;
    }

    /**
     * Whether the score and the loss's gradient go through {@link SoftmaxCrossEntropy}, judged from
     * the configuration and the shapes of the input, labels and mask (before any pre-output is computed).
     */
    private boolean fusedLossApplies() {
        boolean nwc = layerConf().getRnnDataFormat() == RNNFormat.NWC;
        return SoftmaxCrossEntropy.appliesTo(
                layerConf().getLossFn(),
                layerConf().getActivationFn(),
                layerConf().getNOut(),
                input.size(nwc ? 1 : 2),
                input.size(0),
                labels,
                maskArray,
                nwc);
    }

    /** The fused loss over the pre-output {@code z [nOut, T, B]}, or null where DL4J's loss must run. */
    private SoftmaxCrossEntropy fusedLoss(INDArray z) {
        if (!fusedLossApplies()) {
            return null;
        }
        boolean nwc = layerConf().getRnnDataFormat() == RNNFormat.NWC;
        return new SoftmaxCrossEntropy(z, labels, maskArray, nwc, layerConf().getLossFn());
    }

    private boolean direct(boolean training) {
        return input != null
                && input.rank() == 3
                && (dataType == DataType.FLOAT || dataType == DataType.DOUBLE)
                && (!training || layerConf().getIDropout() == null)
                && input.length() <= Integer.MAX_VALUE;
    }

    /** The input {@code x [size, T, B]} in C order ({@code values}), with its sizes. */
    private record FeatureMajorInput(NativeArray values, long size, int steps, int batch) {}

    /**
     * The input as {@code [nIn, T, B]} in C order: read in place when it lies so, else copied once;
     * without a permuted view where the input's own order is that one ({@link SequenceOrder}).
     */
    private FeatureMajorInput featureMajorInput() {
        boolean nwc = layerConf().getRnnDataFormat() == RNNFormat.NWC;
        INDArray in = input.castTo(dataType);
        int batch = Math.toIntExact(in.size(0));
        int steps = Math.toIntExact(in.size(nwc ? 1 : 2));
        NativeArray values = NativeArray.of(SequenceOrder.isFeatureMajor(nwc, batch, steps) ? in : featureMajor(in));
        return new FeatureMajorInput(values, in.size(nwc ? 2 : 1), steps, batch);
    }

    /**
     * {@code z = W^T x + b} as {@code [nOut, T, B]}, in the workspace's activations, for the input
     * {@code x} of {@link #featureMajorInput}; with {@code softmax}, the softmax of each step's
     * {@code z}. With {@code inInputShape}, returned as the layer's output {@code [B, nOut, T]} (NCW)
     * or {@code [B, T, nOut]} (NWC): a permuted view, or at batch 1 an array made in that shape.
     */
    @SuppressWarnings("try") // the resource is a scope, opened for its effect on the code inside
    private INDArray featureMajorPreOutput(
            boolean training,
            LayerWorkspaceMgr workspaceMgr,
            FeatureMajorInput in,
            boolean softmax,
            boolean inInputShape) {
        INDArray w = getParamWithNoise(DefaultParamInitializer.WEIGHT_KEY, training, workspaceMgr);
        boolean nwc = layerConf().getRnnDataFormat() == RNNFormat.NWC;
        NativeArray x = in.values();
        long nIn = w.size(0);
        if (in.size() != nIn) {
            throw new DL4JInvalidInputException("Input of size " + in.size() + " per step (input shape "
                    + Arrays.toString(input.shape()) + ", " + (nwc ? "NWC" : "NCW")
                    + ") does not match the layer's nIn " + nIn + ": check the previous layer's nOut " + layerId());
        }
        int classes = Math.toIntExact(w.size(1));
        int steps = in.steps();
        int batch = in.batch();
        int columns = Math.toIntExact((long) steps * batch);
        boolean sequenceShaped = inInputShape && SequenceOrder.isFeatureMajor(nwc, batch, steps);
        long[] shape =
                sequenceShaped ? SequenceOrder.shape(nwc, classes, steps, batch) : new long[] {classes, steps, batch};
        INDArray z = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, shape, 'c');
        NativeArray out = NativeArray.of(z);
        boolean biased = hasBias();
        if (biased) {
            double[] bias =
                    NativeArray.values(getParamWithNoise(DefaultParamInitializer.BIAS_KEY, training, workspaceMgr));
            for (int i = 0; i < classes; i++) {
                out.fill((long) i * columns, columns, bias[i]);
            }
        }
        try (CoreScope scope = CoreScope.open()) {
            Blas.gemm(
                    false,
                    false,
                    classes,
                    columns,
                    (int) nIn,
                    1.0,
                    transposed(w),
                    0,
                    (int) nIn,
                    x,
                    0,
                    columns,
                    biased ? 1.0 : 0.0,
                    out,
                    0,
                    columns);
        }
        if (softmax) {
            softmaxOverClasses(out, classes, columns);
        }
        if (out.array() != z) {
            z.assign(out.array()); // a workspace array NativeArray could not wrap in place
        }
        return inInputShape && !sequenceShaped ? toInputShape(z) : z;
    }

    /**
     * {@code W^T [nOut, nIn]} as a native array. Kept between calls only when it reads the weights in
     * place (the direct path), and wrapped again when the weights are another array; a copy (the
     * portable path) would miss the updates made to the weights in place.
     */
    private NativeArray transposed(INDArray w) {
        KernelPath path = KernelPath.active();
        if (w == wrappedWeights && path == wrappedPath) {
            return weightsTransposed;
        }
        INDArray t = w.transpose();
        NativeArray wrapped = NativeArray.of(t);
        boolean inPlace = wrapped.array() == t;
        wrappedWeights = inPlace ? w : null;
        weightsTransposed = inPlace ? wrapped : null;
        wrappedPath = path;
        return wrapped;
    }

    /** Softmax down each column of {@code a [classes, columns]}, in place. */
    private static void softmaxOverClasses(NativeArray a, int classes, int columns) {
        if (a.dataType() == DataType.FLOAT) {
            RowParallel.run(columns, classes, (from, to) -> softmaxFloatColumns(a, classes, columns, from, to));
            return;
        }
        RowParallel.run(columns, classes, (from, to) -> {
            int width = to - from;
            double[] max = new double[width];
            double[] sum = new double[width];
            Arrays.fill(max, Double.NEGATIVE_INFINITY);
            for (int i = 0; i < classes; i++) {
                int row = i * columns + from;
                for (int j = 0; j < width; j++) {
                    max[j] = Math.max(max[j], a.get(row + j));
                }
            }
            for (int i = 0; i < classes; i++) {
                int row = i * columns + from;
                for (int j = 0; j < width; j++) {
                    double e = Math.exp(a.get(row + j) - max[j]);
                    a.set(row + j, e);
                    sum[j] += e;
                }
            }
            for (int i = 0; i < classes; i++) {
                int row = i * columns + from;
                for (int j = 0; j < width; j++) {
                    a.set(row + j, a.get(row + j) / sum[j]);
                }
            }
        });
    }

    /**
     * The float32 softmax of columns {@code [from, to)}, a block of columns at a time copied into a
     * heap array (one bulk copy per class row): element access to off-heap memory one value at a
     * time cost more than the exponentials. The exponentials are {@link FastExp}'s (within 3e-7 of
     * e^x), their sums in double.
     */
    private static void softmaxFloatColumns(NativeArray a, int classes, int columns, int from, int to) {
        int block = Math.min(to - from, Math.max(1, 4096 / classes));
        float[] values = new float[classes * block];
        float[] max = new float[block];
        double[] sum = new double[block];
        float[] scale = new float[block];
        for (int first = from; first < to; first += block) {
            int width = Math.min(block, to - first);
            for (int i = 0; i < classes; i++) {
                a.read(i * columns + first, values, i * width, width);
            }
            Arrays.fill(max, 0, width, Float.NEGATIVE_INFINITY);
            Arrays.fill(sum, 0, width, 0.0);
            for (int i = 0; i < classes; i++) {
                for (int j = 0; j < width; j++) {
                    max[j] = Math.max(max[j], values[i * width + j]);
                }
            }
            for (int i = 0; i < classes; i++) {
                for (int j = 0; j < width; j++) {
                    float e = FastExp.exp(values[i * width + j] - max[j]);
                    values[i * width + j] = e;
                    sum[j] += e;
                }
            }
            for (int j = 0; j < width; j++) {
                scale[j] = (float) (1.0 / sum[j]);
            }
            for (int i = 0; i < classes; i++) {
                for (int j = 0; j < width; j++) {
                    values[i * width + j] *= scale[j];
                }
            }
            for (int i = 0; i < classes; i++) {
                a.write(i * columns + first, values, i * width, width);
            }
        }
    }
}
