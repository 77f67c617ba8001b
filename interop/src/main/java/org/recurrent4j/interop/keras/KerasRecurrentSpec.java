package org.recurrent4j.interop.keras;

import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.recurrent4j.conf.Gru;
import org.recurrent4j.conf.Lstm;
import org.recurrent4j.conf.RecurrentCellLayer;
import org.recurrent4j.conf.Rnn;
import org.recurrent4j.interop.RecurrentKind;

/**
 * A Keras {@code SimpleRNN}, {@code LSTM} or {@code GRU} configuration as recurrent4j builds it,
 * after the pre-pass ({@link KerasConfigRewrite}) has checked it and written out its defaults.
 *
 * @param resetAfter for a GRU: Keras' {@code reset_after} (true: recurrent4j's default form; false: {@code resetAfter(false)})
 */
record KerasRecurrentSpec(
        String name,
        RecurrentKind kind,
        long units,
        Activation activation,
        Activation gateActivation,
        boolean useBias,
        boolean returnSequences,
        boolean resetAfter) {

    /** Keras' class name for each kind. */
    static String kerasClass(RecurrentKind kind) {
        return switch (kind) {
            case RNN -> "SimpleRNN";
            case LSTM -> "LSTM";
            case GRU -> "GRU";
        };
    }

    /** The kind of a Keras class name, or null. */
    static RecurrentKind kindOf(String kerasClass) {
        return switch (kerasClass) {
            case "SimpleRNN" -> RecurrentKind.RNN;
            case "LSTM" -> RecurrentKind.LSTM;
            case "GRU" -> RecurrentKind.GRU;
            default -> null;
        };
    }

    /** The DL4J activation of a Keras activation name, or null for one recurrent4j does not map. */
    static Activation activation(String keras) {
        return switch (keras.toLowerCase(Locale.ROOT)) {
            case "tanh" -> Activation.TANH;
            case "sigmoid" -> Activation.SIGMOID;
            case "hard_sigmoid", "hardsigmoid" -> Activation.HARDSIGMOID;
            case "relu" -> Activation.RELU;
            case "linear" -> Activation.IDENTITY;
            case "softsign" -> Activation.SOFTSIGN;
            case "elu" -> Activation.ELU;
            case "selu" -> Activation.SELU;
            case "softplus" -> Activation.SOFTPLUS;
            default -> null;
        };
    }

    /** Reads the checked configuration of a layer of {@code kind} ({@code config} is the layer's "config" map). */
    static KerasRecurrentSpec of(RecurrentKind kind, Map<String, Object> config) {
        String gate = (String) config.getOrDefault("recurrent_activation", "sigmoid");
        return new KerasRecurrentSpec(
                (String) config.get("name"),
                kind,
                ((Number) config.get("units")).longValue(),
                activation((String) config.getOrDefault("activation", "tanh")),
                activation(gate),
                !Boolean.FALSE.equals(config.get("use_bias")),
                Boolean.TRUE.equals(config.get("return_sequences")),
                Boolean.TRUE.equals(config.get("reset_after")));
    }

    /** The recurrent4j layer, {@code [B, T, nIn]} in (NWC, as Keras), wrapped in {@code LastTimeStep} unless it returns sequences. */
    Layer layer() {
        RecurrentCellLayer cell = cell();
        cell.setLayerName(name);
        return returnSequences ? cell : new LastTimeStep(cell);
    }

    /** The recurrent4j layer alone. */
    RecurrentCellLayer cell() {
        return switch (kind) {
                // The weight init is for DL4J's initialization only: the file's weights replace it.
            case RNN -> new Rnn.Builder()
                    .nOut(units)
                    .activation(activation)
                    .dataFormat(RNNFormat.NWC)
                    .name(name)
                    .weightInit(WeightInit.XAVIER)
                    .build();
            case LSTM -> new Lstm.Builder()
                    .nOut(units)
                    .activation(activation)
                    .gateActivationFunction(gateActivation)
                    .dataFormat(RNNFormat.NWC)
                    .name(name)
                    .weightInit(WeightInit.XAVIER)
                    .build();
            case GRU -> new Gru.Builder()
                    .nOut(units)
                    .activation(activation)
                    .gateActivationFunction(gateActivation)
                    .resetAfter(resetAfter)
                    .dataFormat(RNNFormat.NWC)
                    .name(name)
                    .weightInit(WeightInit.XAVIER)
                    .build();
        };
    }

    /** For summaries: {@code Gru(reset_after=false) 4 units}. */
    String describe() {
        return switch (kind) {
                    case RNN -> "Rnn(" + activation.name().toLowerCase(Locale.ROOT) + ")";
                    case LSTM -> "Lstm";
                    case GRU -> "Gru" + (resetAfter ? "" : "(resetAfter false)");
                } + " " + units;
    }
}
