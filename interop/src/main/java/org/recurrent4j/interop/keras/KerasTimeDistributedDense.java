package org.recurrent4j.interop.keras;

import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.InputTypeUtil;
import org.deeplearning4j.nn.conf.layers.recurrent.TimeDistributed;
import org.deeplearning4j.nn.modelimport.keras.KerasLayer;
import org.deeplearning4j.nn.modelimport.keras.exceptions.InvalidKerasConfigurationException;
import org.deeplearning4j.nn.modelimport.keras.exceptions.UnsupportedKerasConfigurationException;
import org.deeplearning4j.nn.modelimport.keras.utils.KerasLayerUtils;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.recurrent4j.interop.layer.MaskedTimeDistributed;

/**
 * {@code TimeDistributed(Dense)} onto a {@link MaskedTimeDistributed} (DL4J's {@link TimeDistributed} with its masks in order) around a {@link
 * DenseLayer}: {@code [B, T, nIn]} to {@code [B, T, units]}, the mask passed on. DL4J's own import
 * makes it a plain dense layer whose output stays flattened to {@code [B·T, units]}.
 */
public class KerasTimeDistributedDense extends KerasLayer {

    /** Called by DL4J's Keras import with the layer's configuration (after the pre-pass). */
    @SuppressWarnings("unchecked")
    public KerasTimeDistributedDense(Map<String, Object> layerConfig)
            throws InvalidKerasConfigurationException, UnsupportedKerasConfigurationException {
        super(layerConfig, false);
        Map<String, Object> config = KerasLayerUtils.getInnerLayerConfigFromConfig(layerConfig, conf);
        Map<String, Object> dense = (Map<String, Object>) ((Map<String, Object>) config.get("layer")).get("config");
        DenseLayer layer = new DenseLayer.Builder()
                .nOut(((Number) dense.get("units")).longValue())
                .activation(activation((String) dense.getOrDefault("activation", "linear")))
                .hasBias(!Boolean.FALSE.equals(dense.get("use_bias")))
                .weightInit(WeightInit.XAVIER)
                .name(layerName)
                .build();
        TimeDistributed wrapper = new MaskedTimeDistributed(layer, RNNFormat.NWC);
        wrapper.setLayerName(layerName);
        this.layer = wrapper;
    }

    /** The DL4J activation of a Dense layer's Keras activation, or null. */
    static Activation activation(String keras) {
        return keras.toLowerCase(Locale.ROOT).equals("softmax")
                ? Activation.SOFTMAX
                : KerasRecurrentSpec.activation(keras);
    }

    @Override
    public int getNumParams() {
        return 0;
    }

    @Override
    public InputType getOutputType(InputType... inputType) throws InvalidKerasConfigurationException {
        InputPreProcessor pre = getInputPreprocessor(inputType);
        return layer.getOutputType(-1, pre == null ? inputType[0] : pre.getOutputType(inputType[0]));
    }

    @Override
    public InputPreProcessor getInputPreprocessor(InputType... inputType) throws InvalidKerasConfigurationException {
        if (inputType.length != 1) {
            throw new InvalidKerasConfigurationException(
                    "layer " + layerName + " reads one input, got " + inputType.length);
        }
        return InputTypeUtil.getPreprocessorForInputTypeRnnLayers(inputType[0], RNNFormat.NWC, layerName);
    }
}
