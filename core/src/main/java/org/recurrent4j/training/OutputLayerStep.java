package org.recurrent4j.training;

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
    private final INDArray weightGradient;
    private final INDArray biasGradient;

    OutputLayerStep(Layer layer) {
        this.layer = layer;
        BaseOutputLayer conf = (BaseOutputLayer) layer.conf().getLayer();
        this.loss = conf.getLossFn();
        this.activation = conf.getActivationFn();
        this.hasBias = conf.hasBias();
        INDArray w = layer.getParam(DefaultParamInitializer.WEIGHT_KEY);
        this.weightGradient = Nd4j.zeros(DataType.DOUBLE, w.shape());
        this.biasGradient = hasBias ? Nd4j.zeros(DataType.DOUBLE, 1, w.size(1)) : null;
    }

    /**
     * One step: {@code output [B, H]} row-major is what the recurrent layer emits (zero at padded
     * steps), {@code labels [B, nOut]}, {@code lossMask} per example (null: all counted). Adds the
     * parameter gradients and returns the summed loss; {@code dLdOutput [B, H]} receives {@code
     * ∂L/∂output}.
     */
    double step(double[] output, int batch, int hidden, INDArray labels, double[] lossMask, double[] dLdOutput) {
        INDArray h = Nd4j.createFromArray(output).reshape(batch, hidden);
        INDArray w = layer.getParam(DefaultParamInitializer.WEIGHT_KEY).castTo(DataType.DOUBLE);
        INDArray preOut = h.mmul(w);
        if (hasBias) {
            preOut.addiRowVector(
                    layer.getParam(DefaultParamInitializer.BIAS_KEY).castTo(DataType.DOUBLE));
        }
        INDArray y = labels.castTo(DataType.DOUBLE);
        INDArray mask = lossMask == null ? null : Nd4j.createFromArray(lossMask).reshape(batch, 1);
        double score = loss.computeScore(y, preOut.dup(), activation, mask, false);
        INDArray delta = loss.computeGradient(y, preOut.dup(), activation, mask);
        weightGradient.addi(h.transpose().mmul(delta));
        if (hasBias) {
            biasGradient.addi(delta.sum(true, 0));
        }
        double[] dh = delta.mmul(w.transpose()).reshape(-1).toDoubleVector();
        System.arraycopy(dh, 0, dLdOutput, 0, dh.length);
        return score;
    }

    /** The accumulated {@code ∂L/∂W}, float64. */
    INDArray weightGradient() {
        return weightGradient;
    }

    /** The accumulated {@code ∂L/∂b}, float64, or null when the layer has no bias. */
    INDArray biasGradient() {
        return biasGradient;
    }

    boolean hasBias() {
        return hasBias;
    }

    void clearGradients() {
        weightGradient.assign(0.0);
        if (hasBias) {
            biasGradient.assign(0.0);
        }
    }
}
