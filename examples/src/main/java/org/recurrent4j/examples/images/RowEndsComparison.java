package org.recurrent4j.examples.images;

import java.util.Locale;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.recurrent4j.arch.ImageClassifier;
import org.recurrent4j.conf.CellTypes;
import org.recurrent4j.images.MatchingRowEnds;
import org.recurrent4j.seq2seq.HeldOutSplit;

/**
 * The lateral task side by side: a 2-D RNN ({@link ImageClassifier}, one layer of four GRU sweeps)
 * and a CNN of about the same parameter count (three 3×3 convolutions), both with global max
 * pooling, trained on {@link MatchingRowEnds} with the same data, steps and learning rate, and
 * tested on the held-out ends patterns.
 *
 * <pre>
 *   java -cp ... org.recurrent4j.examples.images.RowEndsComparison [height width steps hidden channels]
 * </pre>
 *
 * <p>Defaults: 8×24 images, 1,500 steps of 32, GRU hidden 8 per direction, CNN 8 channels per
 * layer. It prints both networks' parameter counts, then every 250 steps their held-out accuracy
 * and training time so far.
 */
public final class RowEndsComparison {

    private RowEndsComparison() {}

    public static void main(String[] args) {
        int height = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int width = args.length > 1 ? Integer.parseInt(args[1]) : 24;
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 1500;
        int hidden = args.length > 3 ? Integer.parseInt(args[3]) : 8;
        int channels = args.length > 4 ? Integer.parseInt(args[4]) : 8;
        HeldOutSplit split = HeldOutSplit.of(0.2);
        ComputationGraph rnn = new ComputationGraph(recurrent(height, width, hidden));
        rnn.init();
        ComputationGraph cnn = new ComputationGraph(convolutional(height, width, channels, 3));
        cnn.init();
        System.out.printf(
                Locale.ROOT,
                "%d×%d images, 2-D RNN %d parameters, CNN %d parameters%n",
                height,
                width,
                rnn.numParams(),
                cnn.numParams());
        DataSetIterator test = new MatchingRowEnds(height, width, 0.3, split, HeldOutSplit.Part.HELD_OUT, 250, 4, 99);
        long rnnNanos = 0;
        long cnnNanos = 0;
        int every = 250;
        for (int done = 0; done < steps; done += every) {
            DataSetIterator train =
                    new MatchingRowEnds(height, width, 0.3, split, HeldOutSplit.Part.TRAINING, 32, every, 1000 + done);
            long t0 = System.nanoTime();
            rnn.fit(train);
            long t1 = System.nanoTime();
            train.reset();
            cnn.fit(train);
            long t2 = System.nanoTime();
            rnnNanos += t1 - t0;
            cnnNanos += t2 - t1;
            System.out.printf(
                    Locale.ROOT,
                    "step %5d  2-D RNN %.1f%% (%.0f s)  CNN %.1f%% (%.0f s)%n",
                    done + every,
                    100 * accuracy(rnn, test),
                    rnnNanos / 1e9,
                    100 * accuracy(cnn, test),
                    cnnNanos / 1e9);
        }
    }

    static ComputationGraphConfiguration recurrent(int height, int width, int hidden) {
        return new ImageClassifier()
                .image(height, width, 1)
                .cell(CellTypes.GRU)
                .hidden(hidden)
                .classes(2)
                .updater(new Adam(3e-3))
                .seed(12)
                .build();
    }

    static ComputationGraphConfiguration convolutional(int height, int width, int channels, int layers) {
        var g = new NeuralNetConfiguration.Builder()
                .seed(12)
                .updater(new Adam(3e-3))
                .convolutionMode(ConvolutionMode.Same)
                .graphBuilder()
                .addInputs("image");
        String previous = "image";
        for (int i = 0; i < layers; i++) {
            g.addLayer(
                    "conv" + i,
                    new ConvolutionLayer.Builder(3, 3)
                            .nOut(channels)
                            .activation(Activation.RELU)
                            .build(),
                    previous);
            previous = "conv" + i;
        }
        return g.addLayer("pool", new GlobalPoolingLayer(PoolingType.MAX), previous)
                .addLayer(
                        "output",
                        new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                                .activation(Activation.SOFTMAX)
                                .nOut(2)
                                .build(),
                        "pool")
                .setOutputs("output")
                .setInputTypes(InputType.convolutional(height, width, 1))
                .build();
    }

    static double accuracy(ComputationGraph net, DataSetIterator test) {
        test.reset();
        Evaluation e = net.evaluate(test);
        return e.accuracy();
    }
}
