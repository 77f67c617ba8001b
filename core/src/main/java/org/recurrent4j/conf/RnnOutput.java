package org.recurrent4j.conf;

import java.util.Collection;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;
import org.recurrent4j.layer.DirectRnnOutputLayer;

/**
 * DL4J's {@link RnnOutputLayer} (a dense layer, an activation and a loss at every step), with its
 * product on recurrent4j's kernels: the same configuration, parameters ({@code W [nIn, nOut]},
 * {@code b [nOut]}), losses, masks and results, so it is a drop-in replacement.
 *
 * <pre>
 *   y_t = act(W^T h_t + b)      for every step t;  loss summed over the steps (masked steps excluded)
 *   input [B, nIn, T] (NCW) or [B, T, nIn] (NWC), output [B, nOut, T] or [B, T, nOut]
 * </pre>
 *
 * <p>Why: DL4J's layer runs a handful of ND4J operations per call, each with a fixed cost of several
 * microseconds. At batch 1, one token at a time (sampling, serving), that was as much time as the
 * recurrent layer itself. Here {@code W^T h + b} is one BLAS call over every step of every example,
 * written in the order the layers of this library produce (feature, step, example), and a softmax
 * is finished in place. Other activations and masks are applied to that result as DL4J applies
 * them; DL4J's own code runs only while training with dropout. Unlike DL4J's layer, {@code
 * hasBias(false)} also works at inference.
 *
 * <pre>{@code
 * .layer(new RnnOutput.Builder(LossFunction.MCXENT).activation(Activation.SOFTMAX).nIn(256).nOut(65).build())
 * }</pre>
 */
public class RnnOutput extends RnnOutputLayer {
    private static final long serialVersionUID = 1L;

    /** For Jackson, which restores a saved network's configuration field by field. */
    public RnnOutput() {}

    @Override
    public Layer instantiate(
            NeuralNetConfiguration conf,
            Collection<TrainingListener> trainingListeners,
            int layerIndex,
            INDArray layerParamsView,
            boolean initializeParams,
            DataType networkDataType) {
        LayerValidation.assertNInNOutSet("RnnOutput", getLayerName(), layerIndex, getNIn(), getNOut());
        DirectRnnOutputLayer layer = new DirectRnnOutputLayer(conf, networkDataType);
        layer.setListeners(trainingListeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        Map<String, INDArray> params = initializer().init(conf, layerParamsView, initializeParams);
        layer.setParamTable(params);
        layer.setConf(conf);
        return layer;
    }

    /**
     * Builds an {@link RnnOutput}: DL4J's {@code RnnOutputLayer.Builder}, with the same options and
     * defaults (softmax activation, MCXENT loss, NCW).
     */
    // build() narrows DL4J's generic <E extends Layer> E build() to this layer's type.
    @SuppressWarnings("unchecked")
    public static class Builder extends BaseOutputLayer.Builder<Builder> {
        private RNNFormat rnnDataFormat;

        public Builder() {
            setActivationFn(new ActivationSoftmax());
        }

        public Builder(LossFunction lossFunction) {
            lossFunction(lossFunction);
            setActivationFn(new ActivationSoftmax());
        }

        public Builder(ILossFunction lossFunction) {
            setLossFn(lossFunction);
            setActivationFn(new ActivationSoftmax());
        }

        /** {@code NCW} ({@code [B, size, T]}, the default) or {@code NWC} ({@code [B, T, size]}). */
        public Builder dataFormat(RNNFormat rnnDataFormat) {
            this.rnnDataFormat = rnnDataFormat;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public RnnOutput build() {
            // What DL4J's constructors from a builder assign, field by field: RnnOutputLayer's is
            // private, so a subclass cannot call it.
            RnnOutput layer = new RnnOutput();
            layer.layerName = layerName;
            layer.iDropout = iDropout;
            layer.activationFn = activationFn;
            layer.weightInitFn = weightInitFn;
            layer.biasInit = biasInit;
            layer.gainInit = gainInit;
            layer.regularization = regularization;
            layer.regularizationBias = regularizationBias;
            layer.iUpdater = iupdater;
            layer.biasUpdater = biasUpdater;
            layer.gradientNormalization = gradientNormalization;
            layer.gradientNormalizationThreshold = gradientNormalizationThreshold;
            layer.weightNoise = weightNoise;
            layer.nIn = nIn;
            layer.nOut = nOut;
            layer.lossFn = lossFn;
            layer.hasBias = isHasBias();
            layer.initializeConstraints(this);
            layer.setRnnDataFormat(rnnDataFormat);
            return layer;
        }
    }
}
