package org.recurrent4j.layer;

import java.util.Arrays;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossNegativeLogLikelihood;
import org.recurrent4j.kernel.NativeArray;
import org.recurrent4j.kernel.RowParallel;

/**
 * A softmax output with DL4J's multi-class cross-entropy ({@code LossMCXENT}, and {@code
 * LossNegativeLogLikelihood}, the same loss) over every step of a sequence, computed in one pass over
 * the pre-output: the score and the gradient DL4J's loss gives, without its ND4J operations (a copy
 * of the pre-output and of the labels into {@code [B·T, nOut]} matrices, then a softmax, clipping,
 * log, product and sum, each an operation over the whole array).
 *
 * <pre>
 *   p_c = softmax(z[:, c])                        for each column c = t·B + b
 *   ∂L/∂z[c, i] = m_c (p_c,i − y_c,i)              (DL4J's gradient: softmax − labels, masked)
 *   L = −Σ_c m_c Σ_i y_c,i log(clip(p_c,i))         clip to [ε, 1 − ε], ε the loss's softmaxClipEps
 * </pre>
 *
 * <p>Shapes: {@code z [nOut, T, B]} in C order (as {@link DirectRnnOutputLayer} computes it), labels
 * {@code [B, nOut, T]} (NCW) or {@code [B, T, nOut]} (NWC), the mask DL4J's {@code RnnOutputLayer}
 * keeps: {@code [B·T, 1]}, row {@code t·B + b}, or none. Sums are taken in double, so the score can
 * differ from DL4J's float32 sum in its last digits, and a class whose label is 0 adds nothing
 * (DL4J computes {@code 0 · log p}, which is NaN where ε is 0 and p underflows to 0). A loss with
 * class weights, another activation (a subclass of the softmax included) or a mask per output is
 * not this one ({@link #appliesTo}): DL4J's code computes those.
 */
final class SoftmaxCrossEntropy {

    private final NativeArray z;
    private final NativeArray labels;
    private final NativeArray mask;
    private final boolean nwc;
    private final int classes;
    private final int steps;
    private final int batch;
    private final int columns;
    private final double clip;

    /**
     * @param z the pre-output {@code [nOut, T, B]}, C order
     * @param labels the layer's labels, cast to the pre-output's type
     * @param mask DL4J's {@code [B·T, 1]} step mask, or null
     */
    SoftmaxCrossEntropy(INDArray z, INDArray labels, INDArray mask, boolean nwc, ILossFunction loss) {
        DataType type = z.dataType();
        this.z = NativeArray.of(z);
        this.labels = NativeArray.of(labels.castTo(type));
        this.mask = mask == null ? null : NativeArray.of(mask.castTo(type));
        this.nwc = nwc;
        this.classes = (int) z.size(0);
        this.steps = (int) z.size(1);
        this.batch = (int) z.size(2);
        this.columns = steps * batch;
        this.clip = ((LossMCXENT) loss).getSoftmaxClipEps();
    }

    /**
     * Whether the fused pass computes what {@code loss} would for a pre-output {@code [classes, steps,
     * batch]}: DL4J's MCXENT (or negative log-likelihood) without class weights, after DL4J's softmax,
     * with labels of the output's shape and no mask or one value per step.
     */
    static boolean appliesTo(
            ILossFunction loss,
            IActivation activation,
            long classes,
            long steps,
            long batch,
            INDArray labels,
            INDArray mask,
            boolean nwc) {
        if (activation.getClass() != ActivationSoftmax.class
                || (loss.getClass() != LossMCXENT.class && loss.getClass() != LossNegativeLogLikelihood.class)
                || ((LossMCXENT) loss).getWeights() != null
                || labels == null) {
            return false;
        }
        long[] expected = nwc ? new long[] {batch, steps, classes} : new long[] {batch, classes, steps};
        return Arrays.equals(labels.shape(), expected)
                && (mask == null || (mask.rank() == 2 && mask.size(0) == steps * batch && mask.size(1) == 1));
    }

    /** The loss summed over every step ({@code L} above, not divided by the batch). */
    double score() {
        double[] parts = new double[columns];
        RowParallel.run(columns, classes, (from, to) -> {
            double[] e = new double[classes];
            for (int c = from; c < to; c++) {
                parts[c] = loss(c, maskOf(c), exponentials(c, e), e);
            }
        });
        return sum(parts);
    }

    /**
     * {@code ∂L/∂z} into {@code delta [B·T, nOut]} (C order, row {@code t·B + b}); returns the loss
     * {@link #score} would, from the same exponentials.
     */
    double gradient(NativeArray delta) {
        double[] parts = new double[columns];
        RowParallel.run(columns, classes, (from, to) -> {
            double[] e = new double[classes];
            float[] row = new float[classes];
            for (int c = from; c < to; c++) {
                double m = maskOf(c);
                double sum = exponentials(c, e);
                parts[c] = loss(c, m, sum, e);
                if (delta.dataType() == DataType.FLOAT) {
                    for (int i = 0; i < classes; i++) {
                        row[i] = (float) (m * (e[i] / sum - label(c, i)));
                    }
                    delta.write(c * classes, row, 0, classes);
                } else {
                    for (int i = 0; i < classes; i++) {
                        delta.set(c * classes + i, m * (e[i] / sum - label(c, i)));
                    }
                }
            }
        });
        return sum(parts);
    }

    /** The mask of column {@code c}: 1 without a mask. */
    private double maskOf(int c) {
        return mask == null ? 1.0 : mask.get(c);
    }

    /** The loss of column {@code c} with mask {@code m}, given its exponentials {@code e} and their {@code sum}. */
    private double loss(int c, double m, double sum, double[] e) {
        double part = 0;
        for (int i = 0; i < classes; i++) {
            double y = label(c, i);
            if (y != 0) {
                part += y * Math.log(Math.min(Math.max(e[i] / sum, clip), 1.0 - clip));
            }
        }
        return -m * part;
    }

    /** In column order, so that the total does not depend on how the columns were split. */
    private static double sum(double[] parts) {
        double total = 0;
        for (double part : parts) {
            total += part;
        }
        return total;
    }

    /** {@code e[i] = exp(z[i, c] − max_i z[i, c])}; returns their sum. */
    private double exponentials(int c, double[] e) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < classes; i++) {
            e[i] = z.get(i * columns + c);
            max = Math.max(max, e[i]);
        }
        double sum = 0;
        for (int i = 0; i < classes; i++) {
            e[i] = Math.exp(e[i] - max);
            sum += e[i];
        }
        return sum;
    }

    /** The label of class {@code i} at column {@code c = t·B + b}. */
    private double label(int c, int i) {
        int t = c / batch;
        int b = c - t * batch;
        return labels.get(nwc ? (b * steps + t) * classes + i : (b * classes + i) * steps + t);
    }
}
