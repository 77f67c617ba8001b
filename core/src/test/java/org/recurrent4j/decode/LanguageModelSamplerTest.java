package org.recurrent4j.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.recurrent4j.arch.SequenceLabeler;
import org.recurrent4j.cell.QrnnCell;
import org.recurrent4j.conf.CellTypes;
import org.recurrent4j.conf.Lstm;
import org.recurrent4j.conf.Qrnn;

class LanguageModelSamplerTest {

    private static final int V = 7;

    private static MultiLayerNetwork oneHotLstm() {
        return net(null, new Lstm.Builder().nIn(V).nOut(12).build(), Activation.SOFTMAX);
    }

    /** Token indices through an embedding, then a QRNN whose window of 3 inputs is carried between steps. */
    private static MultiLayerNetwork indexQrnn() {
        return net(
                new EmbeddingSequenceLayer.Builder().nIn(V).nOut(5).build(),
                new Qrnn.Builder()
                        .nIn(5)
                        .nOut(12)
                        .window(3)
                        .pooling(QrnnCell.Pooling.IFO)
                        .build(),
                Activation.SOFTMAX);
    }

    private static MultiLayerNetwork net(Layer first, Layer recurrent, Activation output) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(5)
                .dataType(DataType.DOUBLE)
                .list();
        if (first != null) {
            list.layer(first);
        }
        LossFunctions.LossFunction loss =
                output == Activation.SOFTMAX ? LossFunctions.LossFunction.MCXENT : LossFunctions.LossFunction.MSE;
        MultiLayerNetwork net = new MultiLayerNetwork(list.layer(recurrent)
                .layer(new RnnOutputLayer.Builder(loss)
                        .activation(output)
                        .dataFormat(RNNFormat.NCW)
                        .nIn(12)
                        .nOut(V)
                        .build())
                .build());
        net.init();
        // Larger weights than the default so that the predicted distributions are far from uniform.
        net.params().muli(3);
        return net;
    }

    /** The most probable next token after a full pass over {@code tokens}, without any stored state. */
    private static int argMaxAfterFullPass(MultiLayerNetwork net, int[] tokens, boolean oneHot) {
        INDArray x = oneHot
                ? Nd4j.zeros(DataType.DOUBLE, 1, V, tokens.length)
                : Nd4j.zeros(DataType.DOUBLE, 1, 1, tokens.length);
        for (int t = 0; t < tokens.length; t++) {
            if (oneHot) {
                x.putScalar(0, tokens[t], t, 1.0);
            } else {
                x.putScalar(0, 0, t, tokens[t]);
            }
        }
        INDArray out = net.output(x);
        return out.get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.point(tokens.length - 1))
                .argMax()
                .getInt(0);
    }

    /** Greedy generation step by step equals re-reading the whole text at every step. */
    @Test
    void greedyStepsEqualFullPassesOverTheGrowingText() {
        int[] prime = {3, 1, 4};
        for (boolean oneHot : new boolean[] {true, false}) {
            MultiLayerNetwork net = oneHot ? oneHotLstm() : indexQrnn();
            LanguageModelSampler lm = oneHot ? LanguageModelSampler.oneHot(net) : LanguageModelSampler.indices(net);
            int[] generated = lm.generate(prime, 12, TokenSampler.greedy(), new Random(1));
            assertEquals(12, generated.length);
            int[] text = prime;
            for (int g : generated) {
                assertEquals(argMaxAfterFullPass(net, text, oneHot), g, "after " + Arrays.toString(text));
                text = Arrays.copyOf(text, text.length + 1);
                text[text.length - 1] = g;
            }
            assertTrue(Arrays.stream(generated).distinct().count() > 1, "a non-trivial sequence");
        }
    }

    /**
     * A language model built by {@link SequenceLabeler} is a graph: it samples directly, token for
     * token what the same layers as a MultiLayerNetwork sample, for one-hot and index input.
     */
    @Test
    void aSequenceLabelerGraphSamplesDirectlyAsItsLayersDoInAMultiLayerNetwork() {
        for (boolean oneHot : new boolean[] {true, false}) {
            SequenceLabeler labeler = new SequenceLabeler()
                    .cell(CellTypes.GRU)
                    .hidden(12)
                    .classes(V)
                    .languageModel(true)
                    .seed(3);
            ComputationGraph graph =
                    new ComputationGraph((oneHot ? labeler.features(V) : labeler.tokens(V, 5)).build());
            graph.init();
            graph.params().muli(3);
            MultiLayerNetwork chain = chainOf(graph);
            LanguageModelSampler fromGraph =
                    oneHot ? LanguageModelSampler.oneHot(graph) : LanguageModelSampler.indices(graph);
            LanguageModelSampler fromChain =
                    oneHot ? LanguageModelSampler.oneHot(chain) : LanguageModelSampler.indices(chain);
            int[] a = fromGraph.generate(new int[] {1, 2}, 30, TokenSampler.withTemperature(1.2), new Random(4));
            assertArrayEquals(
                    fromChain.generate(new int[] {1, 2}, 30, TokenSampler.withTemperature(1.2), new Random(4)), a);
            assertTrue(Arrays.stream(a).distinct().count() >= 3, Arrays.toString(a));
        }
        ComputationGraph twoOutputs = new ComputationGraph(new NeuralNetConfiguration.Builder()
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(org.deeplearning4j.nn.conf.inputs.InputType.recurrent(V))
                .addLayer(
                        "a",
                        new RnnOutputLayer.Builder()
                                .nOut(V)
                                .activation(Activation.SOFTMAX)
                                .build(),
                        "in")
                .addLayer(
                        "b",
                        new RnnOutputLayer.Builder()
                                .nOut(V)
                                .activation(Activation.SOFTMAX)
                                .build(),
                        "in")
                .setOutputs("a", "b")
                .build());
        twoOutputs.init();
        assertMessage(() -> LanguageModelSampler.oneHot(twoOutputs), "one input and one output");
    }

    /** The graph's layers, in order, over its parameters, as a MultiLayerNetwork. */
    private static MultiLayerNetwork chainOf(ComputationGraph graph) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .dataType(graph.params().dataType())
                .list();
        for (org.deeplearning4j.nn.api.Layer layer : graph.getLayers()) {
            list.layer(layer.conf().getLayer().clone());
        }
        MultiLayerNetwork net = new MultiLayerNetwork(list.build());
        net.init(graph.params(), false);
        return net;
    }

    @Test
    void samplingIsReproducibleAndStopsAtTheEndToken() {
        MultiLayerNetwork net = oneHotLstm();
        TokenSampler sampler = TokenSampler.withTemperature(1.5);
        LanguageModelSampler lm = LanguageModelSampler.oneHot(net);
        int[] a = lm.generate(new int[] {2}, 40, sampler, new Random(9));
        assertArrayEquals(a, lm.generate(new int[] {2}, 40, sampler, new Random(9)));
        assertTrue(Arrays.stream(a).distinct().count() >= 3, Arrays.toString(a));

        int end = a[5];
        int firstEnd = 0;
        while (a[firstEnd] != end) {
            firstEnd++;
        }
        int[] stopped = lm.endToken(end).generate(new int[] {2}, 40, sampler, new Random(9));
        assertArrayEquals(Arrays.copyOf(a, firstEnd + 1), stopped);
        assertEquals(0, lm.generate(new int[] {2}, 0, sampler, new Random(9)).length);
    }

    /** The listener sees each token as it is drawn, in order, and stops the generation when it answers false. */
    @Test
    void theListenerGetsEachTokenAsItIsDrawnAndCanStopTheGeneration() {
        LanguageModelSampler lm = LanguageModelSampler.oneHot(oneHotLstm());
        TokenSampler sampler = TokenSampler.withTemperature(1.5);
        int[] whole = lm.generate(new int[] {2, 4}, 30, sampler, new Random(3));
        java.util.List<Integer> seen = new java.util.ArrayList<>();
        int[] streamed = lm.generate(new int[] {2, 4}, 30, sampler, new Random(3), token -> seen.add(token));
        assertArrayEquals(whole, streamed);
        assertArrayEquals(whole, seen.stream().mapToInt(Integer::intValue).toArray());

        seen.clear();
        int[] stopped = lm.generate(new int[] {2, 4}, 30, sampler, new Random(3), token -> {
            seen.add(token);
            return seen.size() < 7;
        });
        assertArrayEquals(Arrays.copyOf(whole, 7), stopped);
        assertEquals(7, seen.size());
        // The state is cleared after an early stop: the next generation is the same as the first.
        assertArrayEquals(whole, lm.generate(new int[] {2, 4}, 30, sampler, new Random(3)));
    }

    @Test
    void badModelsAndInputsAreRejected() {
        MultiLayerNetwork net = oneHotLstm();
        LanguageModelSampler lm = LanguageModelSampler.oneHot(net);
        assertMessage(() -> lm.generate(new int[0], 5, TokenSampler.greedy(), new Random(1)), "at least one token");
        assertMessage(
                () -> lm.generate(new int[] {1, V}, 5, TokenSampler.greedy(), new Random(1)),
                "prime token 1 is 7, outside the model's vocabulary [0, 7)");
        assertMessage(() -> lm.endToken(-1), "end token is -1");
        assertMessage(
                () -> LanguageModelSampler.oneHot(net(
                        null,
                        new Bidirectional(new Lstm.Builder().nIn(V).nOut(6).build()),
                        Activation.SOFTMAX)),
                "Bidirectional");
        assertMessage(
                () -> LanguageModelSampler.oneHot(
                        net(null, new Lstm.Builder().nIn(V).nOut(12).build(), Activation.SIGMOID)),
                "softmax");
    }

    private static void assertMessage(Runnable r, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
