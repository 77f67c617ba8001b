package org.recurrent4j.testkit;

import static org.recurrent4j.testkit.KitNetworks.BATCH;
import static org.recurrent4j.testkit.KitNetworks.HIDDEN;
import static org.recurrent4j.testkit.KitNetworks.N_IN;
import static org.recurrent4j.testkit.KitNetworks.STEPS;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.conf.weightnoise.DropConnect;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.recurrent4j.cell.StateEntry;
import org.recurrent4j.conf.CellType;
import org.recurrent4j.conf.Gru;
import org.recurrent4j.conf.RecurrentCellLayer;
import org.recurrent4j.conf.RecurrentWithInitialState;
import org.recurrent4j.init.OrthogonalInit;

/** The layer in a model: serialization, noise in training only, an initial state from other vertices. */
final class ModelCases {

    private static final int SMALL_HIDDEN = 5;

    private ModelCases() {}

    private static MultiLayerNetwork trainable(RecurrentCellLayer layer) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(3)
                .dataType(DataType.DOUBLE)
                .updater(new Adam(0.01))
                .list()
                .layer(layer)
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE)
                        .activation(Activation.IDENTITY)
                        .nIn(SMALL_HIDDEN)
                        .nOut(2)
                        .build())
                .build());
        net.init();
        return net;
    }

    private static INDArray input(int batch, int steps) {
        Nd4j.getRandom().setSeed(77);
        return Nd4j.rand(DataType.DOUBLE, batch, N_IN, steps).subi(0.5);
    }

    static List<KitCase> serialization(CellType cell) {
        return List.of(KitCase.of(CellCheck.SERIALIZATION, "", () -> {
            RecurrentCellLayer layer = KitNetworks.layer(cell, N_IN, SMALL_HIDDEN);
            layer.setWeightInitFnRecurrent(new OrthogonalInit(0.9));
            MultiLayerNetwork net = trainable(layer);
            INDArray x = input(2, 4);
            net.fit(x, Nd4j.rand(DataType.DOUBLE, 2, 2, 4));

            MultiLayerConfiguration fromJson = MultiLayerConfiguration.fromJson(
                    net.getLayerWiseConfigurations().toJson());
            Expect.that(
                    net.getLayerWiseConfigurations().equals(fromJson),
                    cell.id() + ": the configuration read back from JSON differs from the one written (are the"
                            + " layer configuration's fields serialized, and equals/hashCode defined on them?)");
            MultiLayerNetwork rebuilt = new MultiLayerNetwork(fromJson);
            rebuilt.init(net.params().dup(), false);
            Expect.close(net.output(x), rebuilt.output(x), 0.0, cell.id() + ": output after a JSON round trip");

            Path dir = Files.createTempDirectory("recurrent4j-testkit");
            File file = dir.resolve("model.zip").toFile();
            try {
                ModelSerializer.writeModel(net, file, true);
                MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file, true);
                Expect.close(
                        net.output(x),
                        restored.output(x),
                        0.0,
                        cell.id() + ": output after a ModelSerializer round trip");
                Expect.close(
                        net.getUpdater().getStateViewArray(),
                        restored.getUpdater().getStateViewArray(),
                        0.0,
                        cell.id() + ": updater state after a ModelSerializer round trip");
            } finally {
                Files.deleteIfExists(file.toPath());
                Files.deleteIfExists(dir);
            }
        }));
    }

    static List<KitCase> noise(CellType cell) {
        return List.of(KitCase.of(CellCheck.NOISE, "", () -> {
            RecurrentCellLayer withDropout = KitNetworks.layer(cell, N_IN, SMALL_HIDDEN);
            withDropout.setIDropout(new Dropout(0.5));
            RecurrentCellLayer withNoise = KitNetworks.layer(cell, N_IN, SMALL_HIDDEN);
            withNoise.setWeightNoise(new DropConnect(0.5));
            for (RecurrentCellLayer layer : new RecurrentCellLayer[] {withDropout, withNoise}) {
                String what = cell.id() + " with " + (layer == withDropout ? "input dropout" : "DropConnect");
                MultiLayerNetwork net = trainable(layer);
                INDArray x = input(4, 6);
                INDArray inference = net.output(x, false);
                Expect.close(inference, net.output(x, false), 0.0, what + ": inference must be deterministic");
                Expect.that(
                        KitNetworks.difference(inference, net.output(x, true)) > 1e-6,
                        what + ": the noise must act in training");
                INDArray before = net.params().dup();
                net.fit(x, Nd4j.rand(DataType.DOUBLE, 4, 2, 6));
                Expect.that(
                        KitNetworks.difference(before, net.params()) > 0, what + ": fit must change the parameters");
            }
        }));
    }

    /**
     * Encoder → decoder: an encoder's final state feeds the cell's initial state (through a dense
     * layer for every entry but an {@code [H]} first one, which takes it as it is), so the gradient
     * check covers the initial-state gradient, and the graph's output equals the layer started
     * from the same state by {@code rnnSetPreviousState}.
     */
    static List<KitCase> initialState(CellType cell) {
        List<StateEntry> entries = initialEntries(cell);
        if (entries.isEmpty()) {
            return List.of();
        }
        return List.of(
                KitCase.of(CellCheck.INITIAL_STATE, "gradient check through the initial state", () -> {
                    ComputationGraph net = encoderDecoder(cell, entries);
                    GradientCheck.graph(
                            net,
                            inputs(),
                            new INDArray[] {KitNetworks.oneHotLabels()},
                            null,
                            null,
                            cell.id() + " started from an encoder's state");
                }),
                KitCase.of(CellCheck.INITIAL_STATE, "the graph equals the layer started from the same state", () -> {
                    ComputationGraph net = encoderDecoder(cell, entries);
                    INDArray[] in = inputs();
                    Map<String, INDArray> activations = net.feedForward(in, false);
                    INDArray decoded = activations.get("decoder");

                    MultiLayerNetwork alone = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                            .dataType(DataType.DOUBLE)
                            .list()
                            .layer(KitNetworks.layer(cell, N_IN, HIDDEN))
                            .build());
                    alone.init();
                    alone.setParams(net.getLayer("decoder").params());
                    Map<String, INDArray> start = new HashMap<>();
                    for (StateEntry e : entries) {
                        start.put(e.name(), activations.get(source(entries, e)));
                    }
                    alone.rnnSetPreviousState(0, start);
                    Expect.close(
                            alone.rnnTimeStep(in[1]),
                            decoded,
                            1e-12,
                            cell.id() + ": the decoder in the graph against the layer from the same state");
                    alone.rnnClearPreviousState();
                    Expect.that(
                            KitNetworks.difference(alone.output(in[1]), decoded) > 1e-4,
                            cell.id() + ": the initial state must matter (from zeros the output is the same)");
                }));
    }

    private static List<StateEntry> initialEntries(CellType cell) {
        RecurrentCellLayer layer = KitNetworks.layer(cell, N_IN, HIDDEN);
        List<StateEntry> entries = new ArrayList<>();
        for (StateEntry e : layer.cell().state(HIDDEN)) {
            if (e.initialInput()) {
                entries.add(e);
            }
        }
        return entries;
    }

    /** The vertex that feeds entry {@code e}: the encoder itself for an {@code [H]} first entry, else a dense layer. */
    private static String source(List<StateEntry> entries, StateEntry e) {
        return e == entries.get(0) && e.size() == HIDDEN ? "encoder" : "initial_" + e.name();
    }

    private static ComputationGraph encoderDecoder(CellType cell, List<StateEntry> entries) {
        RecurrentCellLayer decoder = KitNetworks.layer(cell, N_IN, HIDDEN);
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder()
                .seed(3)
                .dataType(DataType.DOUBLE)
                .updater(new NoOp())
                .weightInit(WeightInit.XAVIER)
                .graphBuilder()
                .addInputs("source", "target")
                .addLayer(
                        "encoder",
                        new LastTimeStep(
                                new Gru.Builder().nIn(N_IN).nOut(HIDDEN).build()),
                        "source");
        String[] states = new String[entries.size()];
        for (int i = 0; i < states.length; i++) {
            StateEntry e = entries.get(i);
            states[i] = source(entries, e);
            if (!states[i].equals("encoder")) {
                g.addLayer(
                        states[i],
                        new DenseLayer.Builder()
                                .nIn(HIDDEN)
                                .nOut(e.size())
                                .activation(Activation.TANH)
                                .build(),
                        "encoder");
            }
        }
        RecurrentWithInitialState.addTo(g, "decoder", decoder, "target", states);
        g.addLayer("out", GradientCases.softmax(HIDDEN, RNNFormat.NCW), "decoder")
                .setOutputs("out")
                .setInputTypes(InputType.recurrent(N_IN), InputType.recurrent(N_IN));
        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        return net;
    }

    private static INDArray[] inputs() {
        Nd4j.getRandom().setSeed(11);
        return new INDArray[] {
            Nd4j.rand(DataType.DOUBLE, BATCH, N_IN, STEPS).subi(0.5),
            Nd4j.rand(DataType.DOUBLE, BATCH, N_IN, STEPS).subi(0.5)
        };
    }
}
