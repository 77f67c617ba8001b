package org.recurrent4j.examples.sentiment;

import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.recurrent4j.examples.cell.CellChoice;
import org.recurrent4j.text.WordVocabulary;

/**
 * A sentence classifier: word embeddings, a recurrent layer over the tokens (a recurrent4j GRU by
 * default, any {@link CellChoice}), and a softmax read at the last token (N→1).
 *
 * <pre>
 *   e_t = E[token_t]                      [B, embedding, T]
 *   h_t = cell(e_t, h_{t-1})              [B, hidden, T]
 *   p   = softmax(W h_T + b)              [B, classes]   (labels masked to the last real token)
 * </pre>
 */
public final class SentimentModel {

    /**
     * Sizes and training settings.
     *
     * @param clip each layer's gradient is clipped to this L2 norm; 0 for no clipping
     */
    public record Settings(CellChoice cell, int embedding, int hidden, double learningRate, double clip, long seed) {}

    private SentimentModel() {}

    public static MultiLayerNetwork build(int vocabulary, int classes, Settings s) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(s.seed())
                .updater(new Adam(s.learningRate()))
                .weightInit(WeightInit.XAVIER)
                .gradientNormalization(s.clip() > 0 ? GradientNormalization.ClipL2PerLayer : GradientNormalization.None)
                .gradientNormalizationThreshold(s.clip())
                .list()
                .layer(new EmbeddingSequenceLayer.Builder()
                        .nIn(vocabulary)
                        .nOut(s.embedding())
                        .build())
                .layer(s.cell().layer(s.embedding(), s.hidden()))
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX)
                        .dataFormat(RNNFormat.NCW)
                        .nIn(s.hidden())
                        .nOut(classes)
                        .build())
                .build());
        net.init();
        return net;
    }

    /**
     * The class probabilities of one text, read at its last token.
     *
     * @return probabilities per class, or {@code null} for a text with no tokens
     */
    public static double[] predict(MultiLayerNetwork net, WordVocabulary vocabulary, String text, int maxLength) {
        int[] tokens = vocabulary.encode(text);
        if (tokens.length == 0) {
            return null;
        }
        int length = Math.min(tokens.length, maxLength);
        INDArray features = Nd4j.create(DataType.FLOAT, 1, 1, length);
        for (int t = 0; t < length; t++) {
            features.putScalar(0, 0, t, tokens[t]);
        }
        INDArray output = net.output(features);
        double[] probabilities = new double[(int) output.size(1)];
        for (int c = 0; c < probabilities.length; c++) {
            probabilities[c] = output.getDouble(0, c, length - 1);
        }
        return probabilities;
    }
}
