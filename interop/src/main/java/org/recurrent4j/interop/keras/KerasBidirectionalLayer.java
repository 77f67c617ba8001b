package org.recurrent4j.interop.keras;

import java.util.Map;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.InputTypeUtil;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.modelimport.keras.KerasLayer;
import org.deeplearning4j.nn.modelimport.keras.exceptions.InvalidKerasConfigurationException;
import org.deeplearning4j.nn.modelimport.keras.exceptions.UnsupportedKerasConfigurationException;
import org.deeplearning4j.nn.modelimport.keras.utils.KerasLayerUtils;

/**
 * DL4J's Keras import of {@code Bidirectional} around any recurrent layer, onto DL4J's {@link
 * Bidirectional} wrapping a recurrent4j layer (merge modes concat, sum, mul, ave). DL4J's own
 * {@code KerasBidirectional} knows only LSTM and SimpleRNN. Without {@code return_sequences} each
 * direction is a {@code LastTimeStep} inside the wrapper, so the backward direction gives its state
 * after reading the whole sequence, as Keras does.
 */
public class KerasBidirectionalLayer extends KerasLayer {

    /** Called by DL4J's Keras import with the layer's configuration (after the pre-pass). */
    @SuppressWarnings("unchecked")
    public KerasBidirectionalLayer(Map<String, Object> layerConfig)
            throws InvalidKerasConfigurationException, UnsupportedKerasConfigurationException {
        super(layerConfig, false);
        Map<String, Object> config = KerasLayerUtils.getInnerLayerConfigFromConfig(layerConfig, conf);
        Map<String, Object> wrapped = (Map<String, Object>) config.get("layer");
        Map<String, Object> innerConfig = (Map<String, Object>) wrapped.get("config");
        KerasRecurrentSpec spec =
                KerasRecurrentSpec.of(KerasRecurrentSpec.kindOf((String) wrapped.get("class_name")), innerConfig);
        Layer inner = spec.returnSequences() ? spec.cell() : new LastTimeStep(spec.cell());
        Bidirectional.Mode mode =
                switch ((String) config.get("merge_mode")) {
                    case "concat" -> Bidirectional.Mode.CONCAT;
                    case "sum" -> Bidirectional.Mode.ADD;
                    case "mul" -> Bidirectional.Mode.MUL;
                    case "ave" -> Bidirectional.Mode.AVERAGE;
                    default -> throw new UnsupportedKerasConfigurationException(
                            "merge_mode " + config.get("merge_mode"));
                };
        Bidirectional bidirectional = new Bidirectional(mode, inner);
        bidirectional.setLayerName(layerName);
        this.layer = bidirectional;
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
