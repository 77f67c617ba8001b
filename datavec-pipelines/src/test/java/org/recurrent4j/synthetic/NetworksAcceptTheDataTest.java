package org.recurrent4j.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.rnn.DuplicateToTimeSeriesVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.misc.RepeatVector;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;
import org.recurrent4j.conf.Gru;
import org.recurrent4j.conf.RecurrentWithInitialState;
import org.recurrent4j.seq2seq.SequencePairIterator;
import org.recurrent4j.seq2seq.TokenEncoding;

/**
 * Each format goes into a DL4J network of the structure it is made for and trains without error.
 * How well the structures learn is the business of core's learning tests.
 */
class NetworksAcceptTheDataTest {

    private static final int HIDDEN = 16;

    private static NeuralNetConfiguration.Builder base() {
        return new NeuralNetConfiguration.Builder()
                .seed(1)
                .dataType(DataType.FLOAT)
                .updater(new Adam(0.01));
    }

    private static RnnOutputLayer softmaxOutput(int nIn, int nOut) {
        return new RnnOutputLayer.Builder(LossFunction.MCXENT)
                .activation(Activation.SOFTMAX)
                // Stated, as the embedding graph sets no input types that would infer it.
                .dataFormat(RNNFormat.NCW)
                .nIn(nIn)
                .nOut(nOut)
                .build();
    }

    /** Fits the batch a few times: the parameters move, the score stays finite and falls. */
    private static void assertTrains(ComputationGraph graph, MultiDataSet batch) {
        graph.fit(batch);
        double first = graph.score();
        INDArray before = graph.params().dup();
        for (int i = 0; i < 20; i++) {
            graph.fit(batch);
        }
        double last = graph.score();
        assertNotEquals(before, graph.params());
        assertTrue(Double.isFinite(last) && last < first, "score " + first + " -> " + last);
        INDArray[] outputs = graph.output(false, batch.getFeatures(), batch.getFeaturesMaskArrays());
        assertArrayEquals(batch.getLabels(0).shape(), outputs[0].shape());
    }

    @Test
    void encoderDecoderWithInitialStateFitsOneHotPairs() {
        SequencePairIterator pairs = new SequencePairIterator.Builder(PairTask.reverse(6, 2, 8))
                .batchSize(16)
                .batches(2)
                .seed(1)
                .build();
        int vs = pairs.sourceAlphabet().size();
        int vt = pairs.targetAlphabet().size();
        GraphBuilder g = base().graphBuilder()
                .addInputs("source", "decoderInput")
                .addLayer(
                        "encoder",
                        new LastTimeStep(new Gru.Builder().nIn(vs).nOut(HIDDEN).build()),
                        "source");
        RecurrentWithInitialState.addTo(
                g, "decoder", new Gru.Builder().nIn(vt).nOut(HIDDEN).build(), "decoderInput", "encoder");
        g.addLayer("out", softmaxOutput(HIDDEN, vt), "decoder")
                .setOutputs("out")
                .setInputTypes(InputType.recurrent(vs), InputType.recurrent(vt));
        ComputationGraph graph = new ComputationGraph(g.build());
        graph.init();
        graph.fit(pairs);
        pairs.reset();
        assertTrains(graph, pairs.next());
    }

    @Test
    void encoderDecoderWithEmbeddingsAndContextAtEveryStepFitsIndexPairs() {
        SequencePairIterator pairs = new SequencePairIterator.Builder(PairTask.addition(2))
                .batchSize(16)
                .batches(2)
                .seed(2)
                .encoding(TokenEncoding.INDEX)
                .build();
        int vs = pairs.sourceAlphabet().size();
        int vt = pairs.targetAlphabet().size();
        GraphBuilder g = base().graphBuilder()
                .addInputs("source", "decoderInput")
                .addLayer(
                        "sourceEmbedding",
                        new EmbeddingSequenceLayer.Builder().nIn(vs).nOut(8).build(),
                        "source")
                .addLayer(
                        "encoder",
                        new LastTimeStep(new Gru.Builder().nIn(8).nOut(HIDDEN).build()),
                        "sourceEmbedding")
                .addVertex("context", new DuplicateToTimeSeriesVertex("decoderInput"), "encoder")
                .addLayer(
                        "targetEmbedding",
                        new EmbeddingSequenceLayer.Builder().nIn(vt).nOut(8).build(),
                        "decoderInput")
                .addVertex("decoderIn", new MergeVertex(), "targetEmbedding", "context")
                .addLayer(
                        "decoder",
                        new Gru.Builder().nIn(8 + HIDDEN).nOut(HIDDEN).build(),
                        "decoderIn")
                .addLayer("out", softmaxOutput(HIDDEN, vt), "decoder")
                // No input types: they would set the embeddings' nIn to the index column's width, 1.
                .setOutputs("out");
        ComputationGraph graph = new ComputationGraph(g.build());
        graph.init();
        graph.fit(pairs);
        pairs.reset();
        assertTrains(graph, pairs.next());
    }

    @Test
    void oneToManyNetworkFitsTheCountUpFromASeedVector() {
        CountUp task = new CountUp(7, 3, 6, 16, 2, 3);
        MultiLayerNetwork net = new MultiLayerNetwork(base().list()
                .layer(new RepeatVector.Builder<>().repetitionFactor(6).build())
                .layer(new Gru.Builder().nOut(HIDDEN).build())
                .layer(softmaxOutput(HIDDEN, 7))
                .setInputType(InputType.feedForward(task.inputColumns()))
                .build());
        net.init();
        net.fit(task);
        task.reset();
        DataSet batch = task.next();
        double first = net.score(batch);
        for (int i = 0; i < 20; i++) {
            net.fit(batch);
        }
        assertTrue(net.score(batch) < first, "score " + first + " -> " + net.score(batch));
        assertArrayEquals(
                batch.getLabels().shape(), net.output(batch.getFeatures()).shape());
    }

    @Test
    void sequenceLabellingNetworkFitsTheCopyMemoryTask() {
        CopyMemory task = new CopyMemory(20, 5, 16, 2, 4);
        MultiLayerNetwork net = new MultiLayerNetwork(base().list()
                .layer(new Gru.Builder().nIn(CopyMemory.SYMBOLS).nOut(HIDDEN).build())
                .layer(softmaxOutput(HIDDEN, CopyMemory.SYMBOLS))
                .build());
        net.init();
        net.fit(task);
        task.reset();
        DataSet batch = task.next();
        double first = net.score(batch);
        for (int i = 0; i < 20; i++) {
            net.fit(batch);
        }
        assertTrue(net.score(batch) < first, "score " + first + " -> " + net.score(batch));
        assertArrayEquals(
                batch.getLabels().shape(), net.output(batch.getFeatures()).shape());
    }
}
