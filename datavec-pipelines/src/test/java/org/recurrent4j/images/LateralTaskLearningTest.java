package org.recurrent4j.images;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.recurrent4j.arch.ImageClassifier;
import org.recurrent4j.conf.CellTypes;
import org.recurrent4j.seq2seq.HeldOutSplit;

/**
 * The lateral task ({@link MatchingRowEnds}, 4×8 images, balanced classes): a 2-D RNN (four GRU sweeps of 6 units)
 * learns to relate each row's two ends and passes {@value #BOUND} held-out accuracy, while a CNN of
 * about as many parameters (two 3×3 convolutions of 8 channels, receptive field 5 < 8 columns),
 * trained on the same batches with the same optimizer, stays below it; both start below it.
 */
class LateralTaskLearningTest {

    static final double BOUND = 0.8;
    private static final int HEIGHT = 4;
    private static final int WIDTH = 8;
    private static final int STEPS = 150;

    @Test
    void theRecurrentNetworkRelatesRowEndsWhereTheCnnCannot() {
        HeldOutSplit split = HeldOutSplit.of(0.25);
        ComputationGraph rnn = new ComputationGraph(new ImageClassifier()
                .image(HEIGHT, WIDTH, 1)
                .cell(CellTypes.GRU)
                .hidden(6)
                .classes(2)
                .updater(new Adam(0.01))
                .seed(1)
                .build());
        rnn.init();
        ComputationGraph cnn = new ComputationGraph(cnn(8));
        cnn.init();
        double ratio = rnn.numParams() / (double) cnn.numParams();
        assertTrue(ratio > 0.75 && ratio < 1.33, rnn.numParams() + " vs " + cnn.numParams() + " parameters");

        DataSetIterator test = new MatchingRowEnds(HEIGHT, WIDTH, 0.0, split, HeldOutSplit.Part.HELD_OUT, 200, 2, 7);
        double rnnBefore = accuracy(rnn, test);
        double cnnBefore = accuracy(cnn, test);
        DataSetIterator train =
                new MatchingRowEnds(HEIGHT, WIDTH, 0.0, split, HeldOutSplit.Part.TRAINING, 32, STEPS, 3);
        rnn.fit(train);
        train.reset();
        cnn.fit(train);
        double rnnAfter = accuracy(rnn, test);
        double cnnAfter = accuracy(cnn, test);
        String report = String.format(
                "2-D RNN %d params %.3f -> %.3f, CNN %d params %.3f -> %.3f",
                rnn.numParams(), rnnBefore, rnnAfter, cnn.numParams(), cnnBefore, cnnAfter);
        System.out.println("LateralTaskLearningTest: " + report);
        assertTrue(rnnBefore < BOUND && cnnBefore < BOUND, report);
        assertTrue(rnnAfter >= BOUND, report);
        assertTrue(cnnAfter < BOUND, report);
    }

    private static ComputationGraphConfiguration cnn(int channels) {
        return new NeuralNetConfiguration.Builder()
                .seed(1)
                .updater(new Adam(0.01))
                .convolutionMode(ConvolutionMode.Same)
                .graphBuilder()
                .addInputs("image")
                .addLayer(
                        "conv0",
                        new ConvolutionLayer.Builder(3, 3)
                                .nOut(channels)
                                .activation(Activation.RELU)
                                .build(),
                        "image")
                .addLayer(
                        "conv1",
                        new ConvolutionLayer.Builder(3, 3)
                                .nOut(channels)
                                .activation(Activation.RELU)
                                .build(),
                        "conv0")
                .addLayer("pool", new GlobalPoolingLayer(PoolingType.MAX), "conv1")
                .addLayer(
                        "output",
                        new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                                .activation(Activation.SOFTMAX)
                                .nOut(2)
                                .build(),
                        "pool")
                .setOutputs("output")
                .setInputTypes(InputType.convolutional(HEIGHT, WIDTH, 1))
                .build();
    }

    private static double accuracy(ComputationGraph net, DataSetIterator test) {
        test.reset();
        return net.evaluate(test).accuracy();
    }
}
