package org.recurrent4j.interop.keras;

import java.util.Map;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.modelimport.keras.KerasLayer;
import org.deeplearning4j.nn.modelimport.keras.exceptions.InvalidKerasConfigurationException;
import org.deeplearning4j.nn.modelimport.keras.exceptions.UnsupportedKerasConfigurationException;
import org.recurrent4j.interop.vertex.LastStepVertex;
import org.recurrent4j.interop.vertex.TimeReverseVertex;

/**
 * The vertices the pre-pass inserts into a functional model: {@code Recurrent4jTimeReverse} before
 * a layer with {@code go_backwards} ({@link TimeReverseVertex}), and {@code Recurrent4jLastStep}
 * for the final state {@code h} a layer with {@code return_state} also returns ({@link
 * LastStepVertex}).
 */
public class KerasSequenceVertexLayer extends KerasLayer {

    /** Called by DL4J's Keras import with the inserted layer's configuration. */
    public KerasSequenceVertexLayer(Map<String, Object> layerConfig)
            throws InvalidKerasConfigurationException, UnsupportedKerasConfigurationException {
        super(layerConfig, false);
        this.vertex = className.equals(KerasConfigRewrite.TIME_REVERSE)
                ? new TimeReverseVertex(RNNFormat.NWC)
                : new LastStepVertex(RNNFormat.NWC);
    }

    @Override
    public int getNumParams() {
        return 0;
    }

    @Override
    public InputType getOutputType(InputType... inputType) throws InvalidKerasConfigurationException {
        return vertex.getOutputType(-1, inputType);
    }
}
