package org.recurrent4j.interop.keras;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.modelimport.keras.KerasLayer;
import org.deeplearning4j.nn.modelimport.keras.config.KerasModelConfiguration;
import org.deeplearning4j.nn.modelimport.keras.exceptions.InvalidKerasConfigurationException;
import org.deeplearning4j.nn.modelimport.keras.exceptions.UnsupportedKerasConfigurationException;
import org.deeplearning4j.nn.modelimport.keras.utils.KerasModelBuilder;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.recurrent4j.interop.ImportedLayer;
import org.recurrent4j.interop.ImportedModel;
import org.recurrent4j.interop.InteropException;

/**
 * A Keras model saved as {@code .h5} (Keras 2, TensorFlow 2's {@code model.save("m.h5")}, and
 * TensorFlow.js topologies in that layout) onto recurrent4j's layers, through DL4J's Keras import:
 * a pre-pass over the model's JSON ({@link KerasConfigRewrite}) sends {@code SimpleRNN}, {@code
 * LSTM}, {@code GRU} and {@code Bidirectional} to recurrent4j's registered importers, then the
 * weights are copied from the file ({@link KerasWeights}).
 *
 * <p>Imported: SimpleRNN, LSTM, GRU ({@code reset_after} true and false), {@code Bidirectional}
 * around any of them (merge modes concat, sum, mul, ave), {@code return_sequences}, {@code
 * go_backwards}, {@code return_state} ({@code h}; an LSTM's {@code c} is refused if used), stacked
 * layers, Sequential and functional models, and what DL4J's importer maps of the rest (Dense,
 * TimeDistributed(Dense), Embedding, Dropout, …, with their weights copied for Dense and
 * Embedding). {@code Masking} and {@code Embedding(mask_zero=True)} on a model input become a
 * {@link KerasMask} that {@link Result#output} computes from the input and gives the network as a
 * feature mask; every recurrent layer honours it. At padded steps a Keras layer returning
 * sequences repeats its last output (zeros inside Bidirectional) where recurrent4j gives zeros; the
 * real steps agree. Sequential models become a {@link MultiLayerNetwork} (unless go_backwards or
 * return_state need graph vertices), functional ones a {@link ComputationGraph}; inputs are
 * {@code [batch, time, features]} as in Keras.
 *
 * <pre>{@code
 * KerasImport.Result r = KerasImport.read(Path.of("sentiment.h5"));
 * INDArray p = r.output(tokens)[0];                  // the mask of Embedding(mask_zero) applied
 * }</pre>
 */
public final class KerasImport {

    static {
        KerasLayer.registerCustomLayer(KerasConfigRewrite.PREFIX + "LSTM", KerasRecurrentLayer.class);
        KerasLayer.registerCustomLayer(KerasConfigRewrite.PREFIX + "GRU", KerasRecurrentLayer.class);
        KerasLayer.registerCustomLayer(KerasConfigRewrite.PREFIX + "SimpleRNN", KerasRecurrentLayer.class);
        KerasLayer.registerCustomLayer(KerasConfigRewrite.BIDIRECTIONAL, KerasBidirectionalLayer.class);
        KerasLayer.registerCustomLayer(KerasConfigRewrite.TIME_REVERSE, KerasSequenceVertexLayer.class);
        KerasLayer.registerCustomLayer(KerasConfigRewrite.LAST_STEP, KerasSequenceVertexLayer.class);
        KerasLayer.registerCustomLayer(KerasConfigRewrite.TIME_DISTRIBUTED_DENSE, KerasTimeDistributedDense.class);
    }

    /**
     * An imported Keras model.
     *
     * @param masks how the masks of the model's inputs are computed (empty: no masking)
     * @param inputs the network's inputs, in order (Keras' input layer names; a Sequential model's is {@code input})
     */
    public record Result(ImportedModel model, List<KerasMask> masks, List<String> inputs) {

        /** The feature masks of {@code inputs} (null where an input has none). */
        public INDArray[] masksOf(INDArray... inputs) {
            INDArray[] out = new INDArray[inputs.length];
            for (KerasMask m : masks) {
                int at = this.inputs.size() == 1 ? 0 : this.inputs.indexOf(m.input());
                out[at] = m.of(inputs[at]);
            }
            return out;
        }

        /** The network's outputs for Keras-shaped {@code inputs}, with the masks Keras would compute. */
        public INDArray[] output(INDArray... inputs) {
            INDArray[] masks = masksOf(inputs);
            if (model.network() instanceof MultiLayerNetwork net) {
                return new INDArray[] {net.output(inputs[0], false, masks[0], null)};
            }
            return model.graph().output(false, inputs, masks);
        }
    }

    private KerasImport() {}

    /** Reads {@code file}. */
    public static Result read(Path file) throws IOException {
        try (KerasH5File h5 = KerasH5File.open(file)) {
            String config = h5.attribute("model_config");
            if (config == null) {
                throw InteropException.in(
                        file,
                        "has no model_config attribute: a weights-only file (save_weights) has no architecture to import");
            }
            if (!h5.hasWeights()) {
                throw InteropException.in(file, "has no model_weights group: nothing to import the weights from");
            }
            String version = h5.attribute("keras_version");
            KerasConfigRewrite.Rewritten rewritten =
                    KerasConfigRewrite.rewrite(file, config, version == null ? "2" : version);
            Model net = build(file, rewritten);
            List<Layer> layers = new ArrayList<>(
                    List.of(net instanceof MultiLayerNetwork m ? m.getLayers() : ((ComputationGraph) net).getLayers()));
            Map<String, Layer> byName = new LinkedHashMap<>();
            for (Layer l : layers) {
                byName.put(l.conf().getLayer().getLayerName(), l);
                KerasWeights.copy(file, l, h5.weights(l.conf().getLayer().getLayerName()));
            }
            for (String group : h5.weightGroups()) {
                if (!byName.containsKey(group) && !h5.weights(group).isEmpty()) {
                    throw InteropException.at(
                            file,
                            "layer " + group,
                            "has weights but no layer of the imported network (is it a layer DL4J's import drops?)");
                }
            }
            Map<String, org.deeplearning4j.nn.conf.layers.Layer> confs = layerConfigurations(net);
            List<ImportedLayer> summary = new ArrayList<>();
            rewritten.sources().forEach((name, type) -> {
                Layer l = byName.get(name);
                String became = confs.containsKey(name)
                        ? describe(confs.get(name))
                        : type.equals("InputLayer") ? "network input" : type.startsWith("(") ? "vertex" : "(no layer)";
                summary.add(new ImportedLayer(name, type, became, l == null ? 0 : l.numParams()));
            });
            List<String> notes = new ArrayList<>();
            for (KerasMask m : rewritten.masks()) {
                notes.add(
                        m.describe()
                                + ": the network takes it as a feature mask [batch, time] (KerasImport.Result.output computes it)");
            }
            List<String> inputs =
                    net instanceof ComputationGraph g ? g.getConfiguration().getNetworkInputs() : List.of("input");
            return new Result(new ImportedModel(net, summary, notes), rewritten.masks(), inputs);
        }
    }

    private static Model build(Path file, KerasConfigRewrite.Rewritten rewritten) throws InteropException {
        try {
            KerasModelBuilder builder = new KerasModelBuilder(new KerasModelConfiguration())
                    .modelJson(rewritten.json())
                    .enforceTrainingConfig(false);
            if (rewritten.functional()) {
                ComputationGraph g = builder.buildModel().getComputationGraph(false);
                // DL4J 1.0.0-M2.1's graph output with workspaces loses a workspace manager when a
                // vertex both is an output and feeds another (a return_state layer); inference
                // without workspaces is unaffected.
                g.getConfiguration().setInferenceWorkspaceMode(WorkspaceMode.NONE);
                return g;
            }
            return builder.buildSequential().getMultiLayerNetwork(false);
        } catch (InvalidKerasConfigurationException
                | UnsupportedKerasConfigurationException
                | IOException
                | RuntimeException e) {
            throw InteropException.in(file, "DL4J's Keras import refused the model: " + e.getMessage());
        }
    }

    /** Each layer's configuration as the network holds it (wrappers included), by name. */
    private static Map<String, org.deeplearning4j.nn.conf.layers.Layer> layerConfigurations(Model net) {
        Map<String, org.deeplearning4j.nn.conf.layers.Layer> out = new LinkedHashMap<>();
        if (net instanceof MultiLayerNetwork m) {
            for (int i = 0; i < m.getnLayers(); i++) {
                org.deeplearning4j.nn.conf.layers.Layer c =
                        m.getLayerWiseConfigurations().getConf(i).getLayer();
                out.put(c.getLayerName(), c);
            }
        } else {
            ((ComputationGraph) net).getConfiguration().getVertices().forEach((name, v) -> {
                if (v instanceof org.deeplearning4j.nn.conf.graph.LayerVertex lv) {
                    out.put(name, lv.getLayerConf().getLayer());
                }
            });
        }
        return out;
    }

    static String describe(org.deeplearning4j.nn.conf.layers.Layer conf) {
        if (conf instanceof org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional b) {
            return "Bidirectional(" + b.getMode() + ", " + describe(b.getFwd()) + ")";
        }
        if (conf instanceof org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep l) {
            return "LastTimeStep(" + describe(l.getUnderlying()) + ")";
        }
        if (conf instanceof org.deeplearning4j.nn.conf.layers.FeedForwardLayer f) {
            return conf.getClass().getSimpleName() + " " + f.getNIn() + "→" + f.getNOut();
        }
        return conf.getClass().getSimpleName();
    }
}
