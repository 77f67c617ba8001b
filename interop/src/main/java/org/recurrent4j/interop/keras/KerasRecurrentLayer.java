package org.recurrent4j.interop.keras;

import java.util.Map;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.InputTypeUtil;
import org.deeplearning4j.nn.modelimport.keras.KerasLayer;
import org.deeplearning4j.nn.modelimport.keras.exceptions.InvalidKerasConfigurationException;
import org.deeplearning4j.nn.modelimport.keras.exceptions.UnsupportedKerasConfigurationException;
import org.deeplearning4j.nn.modelimport.keras.utils.KerasLayerUtils;

/**
 * DL4J's Keras import of {@code SimpleRNN}, {@code LSTM} and {@code GRU} onto recurrent4j's
 * layers: registered for the class names the pre-pass gives them ({@code Recurrent4jLSTM}, …).
 * Weights are copied by {@link KerasWeights}, not through this class.
 */
public class KerasRecurrentLayer extends KerasLayer {

    /** Called by DL4J's Keras import with the layer's configuration (after the pre-pass). */
    public KerasRecurrentLayer(Map<String, Object> layerConfig)
            throws InvalidKerasConfigurationException, UnsupportedKerasConfigurationException {
        super(layerConfig, false);
        Map<String, Object> inner = KerasLayerUtils.getInnerLayerConfigFromConfig(layerConfig, conf);
        this.layer = KerasRecurrentSpec.of(
                        KerasRecurrentSpec.kindOf(KerasConfigRewrite.originalClass(className)), inner)
                .layer();
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
