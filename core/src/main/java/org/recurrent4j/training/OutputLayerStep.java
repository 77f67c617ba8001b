package org.recurrent4j.training;

import java.util.Arrays;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * The output layer on one step, as DL4J's {@code RnnOutputLayer} computes it on each step of a
 * sequence: {@code ŷ = act(h W + b)}, the loss {@code L(y, ŷ)} of its configured loss function, and
 * the usual per-step gradients {@code ∂L/∂W = hᵀ δ}, {@code ∂L/∂b = Σ δ}, {@code ∂L/∂h = δ Wᵀ} with
 * {@code δ = ∂L/∂(hW + b)}, summed over the examples (DL4J's updater divides by the batch size).
 * Computed in float64; gradients accumulate until {@link #clearGradients()}.
 */
final class OutputLayerStep {

    private final Layer layer;
    private final ILossFunction loss;
    private final IActivation activation;
    private final boolean hasBias;
    private final int nIn;
    private final int nOut;
    /** {@code ∂L/∂W [nIn, nOut]} and {@code ∂L/∂b [nOut]}, row-major, accumulated. */
    private final double[] weightGradient;

    private final double[] biasGradient;
    /** The parameters as read by {@link #readParameters()}. */
    private double[] w;

    private double[] b;

    OutputLayerStep(Layer layer) {
        this.layer = layer;
        BaseOutputLayer conf = (BaseOutputLayer) layer.conf().getLayer();
        this.loss = conf.getLossFn();
        this.activation = conf.getActivationFn();
        this.hasBias = conf.hasBias();
        this.nIn = (int) conf.getNIn();
        this.nOut = (int) conf.getNOut();
        this.weightGradient = new double[nIn * nOut];
        this.biasGradient = new double[nOut];
        readParameters();
    }

    /** Reads the layer's parameters as they are now (after an update). */
    void readParameters() {
        w = flatten(layer.getParam(DefaultParamInitializer.WEIGHT_KEY).toDoubleMatrix());
        b = hasBias
                ? layer.getParam(DefaultParamInitializer.BIAS_KEY)
                        .castTo(DataType.DOUBLE)
                        .reshape(-1)
                        .toDoubleVector()
                : new double[nOut];
    }

    /** A matrix's rows one after another. */
    static double[] flatten(double[][] rows) {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        double[] flat = new double[rows.length * cols];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, flat, r * cols, cols);
        }
        return flat;
    }

    /**
     * One step: {@code output [B, H]} row-major is what the recurrent layer emits (zero at padded
     * steps), {@code labels [B, nOut]}, {@code lossMask} per example (null: all counted). Adds the
     * parameter gradients and returns the summed loss; {@code dLdOutput [B, H]} receives {@code
     * ∂L/∂output}.
     */
    double step(double[] output, int batch, INDArray labels, double[] lossMask, double[] dLdOutput) {
        double[] preOut = new double[batch * nOut];
        for (int k = 0; k < batch; k++) {
            for (int o = 0; o < nOut; o++) {
                double sum = b[o];
                for (int j = 0; j < nIn; j++) {
                    sum += output[k * nIn + j] * w[j * nOut + o];
                }
                preOut[k * nOut + o] = sum;
            }
        }
        INDArray pre = Nd4j.createFromArray(preOut).reshape(batch, nOut);
        INDArray y = labels.castTo(DataType.DOUBLE);
        INDArray mask = lossMask == null ? null : Nd4j.createFromArray(lossMask).reshape(batch, 1);
        double score = loss.computeScore(y, pre.dup(), activation, mask, false);
        double[] delta =
                loss.computeGradient(y, pre.dup(), activation, mask).reshape(-1).toDoubleVector();
        for (int k = 0; k < batch; k++) {
            for (int o = 0; o < nOut; o++) {
                double g = delta[k * nOut + o];
                if (g == 0.0) {
                    continue;
                }
                biasGradient[o] += g;
                for (int j = 0; j < nIn; j++) {
                    weightGradient[j * nOut + o] += output[k * nIn + j] * g;
                }
            }
        }
        for (int k = 0; k < batch; k++) {
            for (int j = 0; j < nIn; j++) {
                double sum = 0;
                for (int o = 0; o < nOut; o++) {
                    sum += delta[k * nOut + o] * w[j * nOut + o];
                }
                dLdOutput[k * nIn + j] = sum;
            }
        }
        return score;
    }

    /** The accumulated {@code ∂L/∂W [nIn, nOut]}, float64. */
    INDArray weightGradient() {
        return Nd4j.createFromArray(weightGradient).reshape(nIn, nOut);
    }

    /** The accumulated {@code ∂L/∂b [1, nOut]}, float64, or null when the layer has no bias. */
    INDArray biasGradient() {
        return hasBias ? Nd4j.createFromArray(biasGradient).reshape(1, nOut) : null;
    }

    boolean hasBias() {
        return hasBias;
    }

    void clearGradients() {
        Arrays.fill(weightGradient, 0.0);
        Arrays.fill(biasGradient, 0.0);
    }
}
