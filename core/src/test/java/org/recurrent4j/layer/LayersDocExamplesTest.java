package org.recurrent4j.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.recurrent4j.conf.Gru;
import org.recurrent4j.conf.Lstm;
import org.recurrent4j.conf.RecurrentWithInitialState;
import org.recurrent4j.conf.Rnn;
import org.recurrent4j.conf.RnnOutput;
import org.recurrent4j.init.OrthogonalInit;

/** The examples of docs/layers.md, as written there, build, train and give the documented shapes. */
class LayersDocExamplesTest {

    @Test
    void languageModel() {
        int vocabulary = 20;
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(42)
                .updater(new Adam(2e-3))
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new Lstm.Builder()
                        .nIn(vocabulary)
                        .nOut(256)
                        .peephole(true)
                        .weightInitRecurrent(new OrthogonalInit())
                        .build())
                .layer(new Gru.Builder().nIn(256).nOut(256).build())
                .layer(new RnnOutput.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX)
                        .nIn(256)
                        .nOut(vocabulary)
                        .build())
                .backpropType(BackpropType.TruncatedBPTT)
                .tBPTTForwardLength(50)
                .tBPTTBackwardLength(50)
                .build());
        net.init();
        INDArray features = Nd4j.zeros(DataType.FLOAT, 2, vocabulary, 60);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, 2, vocabulary, 60);
        for (int t = 0; t < 60; t++) {
            features.putScalar(0, t % vocabulary, t, 1);
            features.putScalar(1, (t * 3) % vocabulary, t, 1);
            labels.putScalar(0, (t + 1) % vocabulary, t, 1);
            labels.putScalar(1, (t * 3 + 3) % vocabulary, t, 1);
        }
        net.fit(features, labels);
        assertArrayEquals(new long[] {2, vocabulary, 60}, net.output(features).shape());
    }

    @Test
    void bidirectionalClassifier() {
        ComputationGraph graph = new ComputationGraph(new NeuralNetConfiguration.Builder()
                .updater(new Adam(1e-3))
                .graphBuilder()
                .addInputs("tokens")
                .addLayer(
                        "encoder",
                        new Bidirectional(
                                Bidirectional.Mode.CONCAT,
                                new Gru.Builder().nIn(100).nOut(64).build()),
                        "tokens")
                .addLayer(
                        "last",
                        new LastTimeStep(new Rnn.Builder().nIn(128).nOut(32).build()),
                        "encoder")
                .addLayer(
                        "out",
                        new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                                .activation(Activation.SOFTMAX)
                                .nIn(32)
                                .nOut(2)
                                .build(),
                        "last")
                .setOutputs("out")
                .setInputTypes(InputType.recurrent(100))
                .build());
        graph.init();
        INDArray x = Nd4j.rand(DataType.FLOAT, 3, 100, 7);
        graph.fit(
                new INDArray[] {x}, new INDArray[] {Nd4j.eye(3).getColumns(0, 1).castTo(DataType.FLOAT)});
        assertArrayEquals(new long[] {3, 2}, graph.outputSingle(x).shape());
    }

    @Test
    void encoderDecoder() {
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder()
                .updater(new Adam(1e-3))
                .graphBuilder()
                .addInputs("source", "target")
                .addLayer(
                        "encoder",
                        new LastTimeStep(new Gru.Builder().nIn(10).nOut(64).build()),
                        "source");
        RecurrentWithInitialState.addTo(
                g, "decoder", new Gru.Builder().nIn(12).nOut(64).build(), "target", "encoder");
        g.addLayer(
                        "out",
                        new RnnOutput.Builder(LossFunctions.LossFunction.MCXENT)
                                .activation(Activation.SOFTMAX)
                                .nIn(64)
                                .nOut(12)
                                .build(),
                        "decoder")
                .setOutputs("out")
                .setInputTypes(InputType.recurrent(10), InputType.recurrent(12));
        ComputationGraph seq2seq = new ComputationGraph(g.build());
        seq2seq.init();
        INDArray source = Nd4j.rand(DataType.FLOAT, 2, 10, 5);
        INDArray target = Nd4j.rand(DataType.FLOAT, 2, 12, 4);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, 2, 12, 4);
        labels.get(
                        org.nd4j.linalg.indexing.NDArrayIndex.all(),
                        org.nd4j.linalg.indexing.NDArrayIndex.point(3),
                        org.nd4j.linalg.indexing.NDArrayIndex.all())
                .assign(1);
        seq2seq.fit(new INDArray[] {source, target}, new INDArray[] {labels});
        assertArrayEquals(
                new long[] {2, 12, 4}, seq2seq.outputSingle(source, target).shape());
    }
}
