package org.recurrent4j.examples.sentiment;

import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.recurrent4j.examples.cell.CellChoice;
import org.recurrent4j.text.LabelledTextRecordReader;
import org.recurrent4j.text.WordVocabulary;

/**
 * A sentence classifier: word embeddings, a recurrent layer over the tokens (a recurrent4j GRU by
 * default, any {@link CellChoice}; optionally bidirectional), and a softmax read at the last token
 * or over the outputs pooled across the sentence's tokens (N→1).
 *
 * <pre>
 *   e_t = E[token_t]                      [B, embedding, T]
 *   h_t = cell(e_t, h_{t-1})              [B, hidden, T]       ([h→_t; h←_t], [B, 2 hidden, T], bidirectional)
 *   LAST:     p = softmax(W h_T + b)                            (labels masked to the last real token)
 *   MAX/MEAN: p = softmax(W dropout(pool_t h_t) + b)            (over the real tokens only)
 * </pre>
 */
public final class SentimentModel {

    /** How the sentence's representation is read from the recurrent outputs. */
    public enum Pooling {
        /** The output at the last real token: the state that has read the whole sentence. */
        LAST,
        /** The largest value of each unit over the real tokens. */
        MAX,
        /** The mean of each unit over the real tokens. */
        MEAN
    }

    /**
     * Sizes and training settings.
     *
     * @param clip each layer's gradient is clipped to this L2 norm; 0 for no clipping
     * @param dropout the probability of dropping each pooled value while training; needs MAX or MEAN pooling
     * @param bidirectional a second layer reads the sentence backwards; needs MAX or MEAN pooling
     */
    public record Settings(
            CellChoice cell,
            int embedding,
            int hidden,
            double learningRate,
            double clip,
            long seed,
            Pooling pooling,
            boolean bidirectional,
            double dropout) {

        /** A unidirectional classifier read at the last token, without dropout. */
        public Settings(CellChoice cell, int embedding, int hidden, double learningRate, double clip, long seed) {
            this(cell, embedding, hidden, learningRate, clip, seed, Pooling.LAST, false, 0);
        }

        public Settings {
            if (bidirectional && pooling == Pooling.LAST) {
                throw new IllegalArgumentException("a bidirectional classifier needs MAX or MEAN pooling: read at"
                        + " the last token, its backward direction would have read only that token");
            }
            if (dropout > 0 && pooling == Pooling.LAST) {
                throw new IllegalArgumentException(
                        "dropout applies to the pooled outputs: it needs MAX or MEAN" + " pooling");
            }
        }
    }

    private SentimentModel() {}

    public static MultiLayerNetwork build(int vocabulary, int classes, Settings s) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(s.seed())
                .updater(new Adam(s.learningRate()))
                .weightInit(WeightInit.XAVIER)
                .gradientNormalization(s.clip() > 0 ? GradientNormalization.ClipL2PerLayer : GradientNormalization.None)
                .gradientNormalizationThreshold(s.clip())
                .list()
                .layer(new EmbeddingSequenceLayer.Builder()
                        .nIn(vocabulary)
                        .nOut(s.embedding())
                        .build());
        Layer recurrent = s.cell().layer(s.embedding(), s.hidden());
        list.layer(s.bidirectional() ? new Bidirectional(Bidirectional.Mode.CONCAT, recurrent) : recurrent);
        int features = s.bidirectional() ? 2 * s.hidden() : s.hidden();
        if (s.pooling() == Pooling.LAST) {
            list.layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                    .activation(Activation.SOFTMAX)
                    .dataFormat(RNNFormat.NCW)
                    .nIn(features)
                    .nOut(classes)
                    .build());
        } else {
            list.layer(new GlobalPoolingLayer.Builder(s.pooling() == Pooling.MAX ? PoolingType.MAX : PoolingType.AVG)
                    .build());
            if (s.dropout() > 0) {
                // DL4J's dropout takes the probability of keeping a value.
                list.layer(new DropoutLayer.Builder(1 - s.dropout()).build());
            }
            list.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                    .activation(Activation.SOFTMAX)
                    .nIn(features)
                    .nOut(classes)
                    .build());
        }
        MultiLayerNetwork net = new MultiLayerNetwork(list.build());
        net.init();
        return net;
    }

    /**
     * Mini-batches of {@code reader}'s texts in the layout {@code net} reads: the reader puts each
     * label at the text's last token ({@code [B, classes, T]} under a label mask), as a classifier
     * read at the last token wants; for a pooled classifier, which gives one prediction per text,
     * the steps are summed away and the label mask dropped (the feature mask stays: it marks the
     * tokens to pool over).
     */
    public static DataSetIterator batches(MultiLayerNetwork net, LabelledTextRecordReader reader, int batch) {
        DataSetIterator iterator = reader.iterator(batch);
        if (pooled(net)) {
            iterator.setPreProcessor(d -> {
                d.setLabels(d.getLabels().sum(2));
                d.setLabelsMaskArray(null);
            });
        }
        return iterator;
    }

    private static boolean pooled(MultiLayerNetwork net) {
        return !(net.getOutputLayer() instanceof org.deeplearning4j.nn.layers.recurrent.RnnOutputLayer);
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
            probabilities[c] = output.rank() == 2 ? output.getDouble(0, c) : output.getDouble(0, c, length - 1);
        }
        return probabilities;
    }
}
