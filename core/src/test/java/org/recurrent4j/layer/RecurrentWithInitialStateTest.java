package org.recurrent4j.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.recurrent4j.conf.CellType;
import org.recurrent4j.conf.Gru;
import org.recurrent4j.conf.Lstm;
import org.recurrent4j.conf.RecurrentCellLayer;
import org.recurrent4j.conf.RecurrentWithInitialState;
import org.recurrent4j.testing.DoublePrecision;

/**
 * An initial state fed from other vertices, beyond what the test kit checks for every cell (its
 * gradient, and the graph equal to the layer started from the same state): transfer learning,
 * JSON, a missing input.
 */
@ExtendWith(DoublePrecision.class)
class RecurrentWithInitialStateTest {

    private static final int N_IN = 3;
    private static final int HIDDEN = 4;
    private static final int BATCH = 3;
    private static final int STEPS = 5;

    private static final CellType LSTM = CellType.of(
            "lstm", (nIn, nOut) -> new Lstm.Builder().nIn(nIn).nOut(nOut).build());

    /**
     * Encoder → decoder: the encoder's parameters reach the loss only through the decoder's
     * initial state, so the gradient check covers the initial-state gradient.
     */
    private static ComputationGraph encoderDecoder(CellType variant) {
        return encoderDecoder(variant, new NoOp());
    }

    private static ComputationGraph encoderDecoder(CellType variant, IUpdater updater) {
        RecurrentCellLayer decoder = (RecurrentCellLayer) variant.layer(N_IN, HIDDEN);
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder()
                .seed(3)
                .dataType(DataType.DOUBLE)
                .updater(updater)
                .weightInit(WeightInit.XAVIER)
                .graphBuilder()
                .addInputs("source", "target")
                .addLayer(
                        "encoder",
                        new LastTimeStep(
                                new Gru.Builder().nIn(N_IN).nOut(HIDDEN).build()),
                        "source");
        boolean lstm = RecurrentWithInitialState.initialEntries(decoder).size() == 2;
        if (lstm) {
            g.addLayer(
                    "c0",
                    new DenseLayer.Builder()
                            .nIn(HIDDEN)
                            .nOut(HIDDEN)
                            .activation(Activation.TANH)
                            .build(),
                    "encoder");
            RecurrentWithInitialState.addTo(g, "decoder", decoder, "target", "encoder", "c0");
        } else {
            RecurrentWithInitialState.addTo(g, "decoder", decoder, "target", "encoder");
        }
        g.addLayer(
                        "out",
                        new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                                .activation(Activation.SOFTMAX)
                                .nIn(HIDDEN)
                                .nOut(2)
                                .build(),
                        "decoder")
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

    /**
     * Frozen by transfer learning ({@code setFeatureExtractor} wraps the layer in a {@code
     * FrozenLayer}; {@code restore} undoes DL4J's rebuilding of the vertex): the graph runs, still starts the decoder from the encoder's state, trains
     * what is above it, and survives JSON and ModelSerializer.
     */
    @Test
    void frozenByTransferLearningKeepsItsInitialState(@TempDir Path dir) throws Exception {
        ComputationGraph net = encoderDecoder(LSTM, new Sgd(0.5));
        INDArray[] in = inputs();
        INDArray before = net.outputSingle(in);
        ComputationGraph frozen = RecurrentWithInitialState.restore(
                net,
                new TransferLearning.GraphBuilder(net)
                        .setFeatureExtractor("decoder")
                        .build());
        // TransferLearning rebuilds the graph in float32 (its fine-tune default), hence the tolerance;
        // from a zero initial state the outputs would differ by ~0.1.
        assertEquals(DataType.FLOAT, frozen.params().dataType());
        assertEquals(0.0, frozen.outputSingle(in).sub(before).amaxNumber().doubleValue(), 1e-6);
        INDArray decoderParams = frozen.getLayer("decoder").params().dup();
        INDArray outParams = frozen.getLayer("out").params().dup();
        INDArray labels = SmallBatches.oneHotLabels();
        for (int i = 0; i < 3; i++) {
            frozen.fit(in, new INDArray[] {labels});
        }
        assertEquals(
                0.0,
                frozen.getLayer("decoder")
                        .params()
                        .sub(decoderParams)
                        .amaxNumber()
                        .doubleValue(),
                0.0);
        assertTrue(frozen.getLayer("out").params().sub(outParams).amaxNumber().doubleValue() > 1e-6);

        ComputationGraphConfiguration json =
                ComputationGraphConfiguration.fromJson(frozen.getConfiguration().toJson());
        assertEquals(frozen.getConfiguration(), json);
        File file = dir.resolve("frozen.zip").toFile();
        ModelSerializer.writeModel(frozen, file, true);
        ComputationGraph restored = ModelSerializer.restoreComputationGraph(file, true);
        assertEquals(
                0.0,
                restored.outputSingle(in)
                        .sub(frozen.outputSingle(in))
                        .amaxNumber()
                        .doubleValue(),
                0.0);
    }

    @Test
    void configurationSurvivesJson() {
        ComputationGraph net = encoderDecoder(LSTM);
        ComputationGraphConfiguration restored =
                ComputationGraphConfiguration.fromJson(net.getConfiguration().toJson());
        assertEquals(net.getConfiguration(), restored);
        ComputationGraph copy = new ComputationGraph(restored);
        copy.init(net.params().dup(), false);
        INDArray[] in = inputs();
        assertEquals(
                0.0,
                net.outputSingle(in).sub(copy.outputSingle(in)).norm2Number().doubleValue(),
                0.0);
    }

    @Test
    void missingMemoryCellInputIsAnError() {
        ComputationGraphConfiguration.GraphBuilder g =
                new NeuralNetConfiguration.Builder().graphBuilder().addInputs("x", "h");
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> RecurrentWithInitialState.addTo(
                        g, "decoder", (RecurrentCellLayer) LSTM.layer(N_IN, HIDDEN), "x", "h"));
        assertTrue(e.getMessage().contains("decoder") && e.getMessage().contains("[h, c]"), e.getMessage());
    }
}
