package org.recurrent4j.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.recurrent4j.arch.EncoderDecoder;
import org.recurrent4j.conf.CellTypes;
import org.recurrent4j.conf.Gru;

/**
 * What DL4J 1.0.0-M2.1's stateful stepping does with the structures this project builds, pinned so
 * that a DL4J upgrade that changes it is noticed. These are the reasons {@link
 * LanguageModelSampler} rejects some networks and {@link SequenceDecoder} steps the graph's layers
 * itself instead of through the graph's {@code rnnTimeStep}.
 */
class Dl4jSteppingBehaviourTest {

    private static final int F = 3;
    private static final int H = 4;

    private static INDArray sequence(int batch, int steps) {
        Nd4j.getRandom().setSeed(1);
        return Nd4j.rand(DataType.DOUBLE, batch, F, steps);
    }

    private static MultiLayerNetwork withRecurrent(org.deeplearning4j.nn.conf.layers.Layer recurrent, int nOut) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE)
                .seed(2)
                .list()
                .layer(recurrent)
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX)
                        .dataFormat(RNNFormat.NCW)
                        .nIn(nOut)
                        .nOut(2)
                        .build())
                .build());
        net.init();
        return net;
    }

    /** {@code rnnTimeStep} runs the layer inside {@code LastTimeStep} directly: every step comes out, not the last. */
    @Test
    void rnnTimeStepBypassesLastTimeStep() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE)
                .seed(2)
                .list()
                .layer(new LastTimeStep(new Gru.Builder().nIn(F).nOut(H).build()))
                .build());
        net.init();
        INDArray x = sequence(2, 5);
        assertEquals(2, net.output(x).rank(), "output: the last step, [B, H]");
        INDArray stepped = net.rnnTimeStep(x);
        assertEquals(3, stepped.rank(), "rnnTimeStep: every step, [B, H, T]");
        assertEquals(5, stepped.size(2));
    }

    /** {@code rnnTimeStep} throws inside {@code Bidirectional}. */
    @Test
    void rnnTimeStepThrowsInsideBidirectional() {
        MultiLayerNetwork net = withRecurrent(
                new Bidirectional(
                        Bidirectional.Mode.ADD, new Gru.Builder().nIn(F).nOut(H).build()),
                H);
        assertThrows(UnsupportedOperationException.class, () -> net.rnnTimeStep(sequence(1, 3)));
    }

    /**
     * A graph's {@code rnnTimeStep} gives a recurrent vertex only its first input: the decoder of an
     * encoder–decoder with the context as its initial state starts from zeros when stepped, so
     * stepping differs from the full pass, which starts from the encoder's state.
     */
    @Test
    void graphRnnTimeStepIgnoresTheInitialStateInput() {
        EncoderDecoder builder = new EncoderDecoder()
                .features(F)
                .targetOneHot(5)
                .cell(CellTypes.GRU)
                .hidden(H)
                .context(EncoderDecoder.Context.INITIAL_STATE)
                .dataType(DataType.DOUBLE);
        ComputationGraph graph = new ComputationGraph(builder.build());
        graph.init();
        INDArray source = sequence(1, 4);
        INDArray target = Nd4j.zeros(DataType.DOUBLE, 1, 5, 1);
        target.putScalar(0, 1, 0, 1.0);
        INDArray full = graph.output(source, target)[0];
        INDArray stepped = graph.rnnTimeStep(source, target)[0];
        assertTrue(stepped.sub(full).amaxNumber().doubleValue() > 1e-6, "stepping matched the full pass");
    }
}
