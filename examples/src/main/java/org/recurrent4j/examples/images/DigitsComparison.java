package org.recurrent4j.examples.images;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.recurrent4j.arch.ImageClassifier;
import org.recurrent4j.conf.CellTypes;
import org.recurrent4j.images.LabelledImages;

/**
 * The 2-D RNN and a CNN of about the same parameter count on real digits: the UCI optical
 * recognition of handwritten digits (1,797 images of 8×8, values 0–16), as Debian's {@code
 * python3-sklearn} ships them ({@code sklearn/datasets/data/digits.csv.gz}: 64 pixel values and the
 * digit per row). The rows are shuffled with seed 0 and split 1,347 / 450 (training / test); both
 * networks train for the same epochs with Adam 3e-3 and batches of 32.
 *
 * <pre>
 *   apt-get install -y python3-sklearn
 *   java -cp ... org.recurrent4j.examples.images.DigitsComparison \
 *       /usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz [epochs]
 * </pre>
 */
public final class DigitsComparison {

    private DigitsComparison() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: DigitsComparison DIGITS_CSV_GZ [epochs]");
            System.exit(2);
        }
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        LabelledImages all = read(Path.of(args[0]));
        List<Integer> order =
                new ArrayList<>(IntStream.range(0, all.size()).boxed().toList());
        Collections.shuffle(order, new Random(0));
        int trainSize = 1347;
        LabelledImages train = pick(all, order.subList(0, trainSize));
        LabelledImages test = pick(all, order.subList(trainSize, order.size()));
        ComputationGraph rnn = new ComputationGraph(new ImageClassifier()
                .image(8, 8, 1)
                .cell(CellTypes.GRU)
                .hidden(16)
                .classes(10)
                .updater(new Adam(3e-3))
                .seed(1)
                .build());
        rnn.init();
        ComputationGraph cnn = new ComputationGraph(cnn(20));
        cnn.init();
        System.out.printf(
                Locale.ROOT,
                "%d training, %d test images; 2-D RNN %d parameters, CNN %d parameters%n",
                train.size(),
                test.size(),
                rnn.numParams(),
                cnn.numParams());
        long rnnNanos = 0;
        long cnnNanos = 0;
        for (int epoch = 1; epoch <= epochs; epoch++) {
            DataSetIterator batches = train.iterator(32, epoch);
            long t0 = System.nanoTime();
            rnn.fit(batches);
            long t1 = System.nanoTime();
            batches.reset();
            cnn.fit(batches);
            long t2 = System.nanoTime();
            rnnNanos += t1 - t0;
            cnnNanos += t2 - t1;
            if (epoch % 5 == 0 || epoch == epochs) {
                System.out.printf(
                        Locale.ROOT,
                        "epoch %3d  2-D RNN test %.1f%% (%.0f s)  CNN test %.1f%% (%.0f s)%n",
                        epoch,
                        100 * accuracy(rnn, test),
                        rnnNanos / 1e9,
                        100 * accuracy(cnn, test),
                        cnnNanos / 1e9);
            }
        }
    }

    /** The CSV: 64 pixel values (0–16) and the digit per row, into images [N, 1, 8, 8] in [0, 1]. */
    static LabelledImages read(Path csv) throws IOException {
        List<float[]> pixels = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(new GZIPInputStream(Files.newInputStream(csv)), StandardCharsets.UTF_8))) {
            String line;
            int number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                String[] v = line.split(",");
                if (v.length != 65) {
                    throw new IOException(
                            csv + ":" + number + ": " + v.length + " values, expected 64 pixels and a" + " label");
                }
                float[] p = new float[64];
                for (int i = 0; i < 64; i++) {
                    p[i] = Float.parseFloat(v[i]) / 16f;
                }
                pixels.add(p);
                labels.add((int) Float.parseFloat(v[64]));
            }
        }
        INDArray images = Nd4j.create(DataType.FLOAT, pixels.size(), 1, 8, 8);
        for (int i = 0; i < pixels.size(); i++) {
            images.putSlice(i, Nd4j.create(pixels.get(i), new long[] {1, 8, 8}, DataType.FLOAT));
        }
        return new LabelledImages(
                images,
                labels.stream().mapToInt(Integer::intValue).toArray(),
                IntStream.range(0, 10).mapToObj(Integer::toString).toList());
    }

    private static LabelledImages pick(LabelledImages all, List<Integer> rows) {
        INDArray images = Nd4j.create(DataType.FLOAT, rows.size(), 1, 8, 8);
        int[] labels = new int[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            images.putSlice(i, all.images().slice(rows.get(i)));
            labels[i] = all.labels()[rows.get(i)];
        }
        return new LabelledImages(images, labels, all.classes());
    }

    private static org.deeplearning4j.nn.conf.ComputationGraphConfiguration cnn(int channels) {
        return new NeuralNetConfiguration.Builder()
                .seed(1)
                .updater(new Adam(3e-3))
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
                                .nOut(10)
                                .build(),
                        "pool")
                .setOutputs("output")
                .setInputTypes(InputType.convolutional(8, 8, 1))
                .build();
    }

    private static double accuracy(ComputationGraph net, LabelledImages test) {
        return net.evaluate(test.iterator(450, 0)).accuracy();
    }
}
