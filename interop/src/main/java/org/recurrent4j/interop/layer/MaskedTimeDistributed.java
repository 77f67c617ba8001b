package org.recurrent4j.interop.layer;

import java.util.Collection;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.recurrent.TimeDistributed;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * DL4J's {@link TimeDistributed} (a feed-forward layer applied at every step, {@code [B, T, F]} to
 * {@code [B, T, F']}) with its mask laid out as its data. DL4J 1.0.0-M2.1 flattens the data
 * example-major ({@code b·T + t}) but the mask time-major ({@code b + B·t}), so a masked
 * time-distributed layer zeroes the wrong steps; here both are example-major.
 *
 * <pre>{@code
 * new MaskedTimeDistributed(new DenseLayer.Builder().nIn(8).nOut(2).build(), RNNFormat.NWC);
 * }</pre>
 */
public class MaskedTimeDistributed extends TimeDistributed {

    private static final long serialVersionUID = 1L;

    public MaskedTimeDistributed(
            @JsonProperty("underlying") Layer underlying, @JsonProperty("rnnDataFormat") RNNFormat rnnDataFormat) {
        super(underlying, rnnDataFormat);
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(
            NeuralNetConfiguration conf,
            Collection<TrainingListener> trainingListeners,
            int layerIndex,
            INDArray layerParamsView,
            boolean initializeParams,
            DataType networkDataType) {
        NeuralNetConfiguration inner = conf.clone();
        inner.setLayer(getUnderlying());
        return new MaskedTimeDistributedLayer(
                getUnderlying()
                        .instantiate(
                                inner,
                                trainingListeners,
                                layerIndex,
                                layerParamsView,
                                initializeParams,
                                networkDataType),
                getRnnDataFormat());
    }
}
