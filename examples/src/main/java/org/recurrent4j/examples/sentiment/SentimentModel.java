package org.recurrent4j.examples.sentiment;

import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.recurrent4j.arch.SequenceClassifier;
import org.recurrent4j.conf.CellType;
import org.recurrent4j.text.LabelledTextRecordReader;
import org.recurrent4j.text.WordVocabulary;

/**
 * A sentence classifier: word embeddings, a recurrent layer over the tokens (a recurrent4j GRU by
 * default, any {@link CellType}; optionally bidirectional), its outputs read at the last token or
 * pooled over the sentence's tokens, and a softmax (N→1) — the project's {@link
 * SequenceClassifier} with token input.
 *
 * <pre>
 *   e_t = E[token_t]                      [B, embedding, T]
 *   h_t = cell(e_t, h_{t-1})              [B, hidden, T]       ([h→_t; h←_t], [B, 2 hidden, T], bidirectional)
 *   LAST:     s = h_T                     (the last real token; bidirectional: h→ there and h← after the whole sentence)
 *   MAX/MEAN: s = pool_t h_t              (over the real tokens only)
 *   p = softmax(W dropout(s) + b)         [B, classes]
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
     * @param dropout the probability of dropping each value of the sentence's vector while training
     * @param embeddingDropout the probability of dropping each value of the word embeddings the
     *     recurrent layer reads, while training
     * @param bidirectional a second recurrent layer reads the sentence backwards
     */
    public record Settings(
            CellType cell,
            int embedding,
            int hidden,
            double learningRate,
            double clip,
            long seed,
            Pooling pooling,
            boolean bidirectional,
            double dropout,
            double embeddingDropout) {

        /** A unidirectional classifier read at the last token, without dropout. */
        public Settings(CellType cell, int embedding, int hidden, double learningRate, double clip, long seed) {
            this(cell, embedding, hidden, learningRate, clip, seed, Pooling.LAST, false, 0, 0);
        }
    }

    private SentimentModel() {}

    /** The classifier over {@code vocabulary} token indices, initialized. */
    public static ComputationGraph build(int vocabulary, int classes, Settings s) {
        SequenceClassifier classifier = new SequenceClassifier()
                .tokens(vocabulary, s.embedding())
                .cell(s.cell())
                .hidden(s.hidden())
                .pooling(SequenceClassifier.Pooling.valueOf(s.pooling().name()))
                .dropout(s.dropout())
                .inputDropout(s.embeddingDropout())
                .classes(classes)
                .updater(new Adam(s.learningRate()))
                .gradientClipping(
                        s.clip() > 0 ? GradientNormalization.ClipL2PerLayer : GradientNormalization.None, s.clip())
                .seed(s.seed());
        if (s.bidirectional()) {
            classifier.bidirectional(Bidirectional.Mode.CONCAT);
        }
        ComputationGraph net = new ComputationGraph(classifier.build());
        net.init();
        return net;
    }

    /**
     * Mini-batches of {@code reader}'s texts as the classifier reads them: token indices {@code [B,
     * 1, T]} with their mask, and each text's label as a {@code [B, classes]} row. The reader puts
     * the label at the text's last token ({@code [B, classes, T]} under a label mask); the
     * classifier gives one prediction per text, so the steps are summed away and the label mask
     * dropped. The feature mask stays: it marks the real tokens (the last one, or those to pool).
     */
    public static DataSetIterator batches(LabelledTextRecordReader reader, int batch) {
        DataSetIterator iterator = reader.iterator(batch);
        iterator.setPreProcessor(d -> {
            d.setLabels(d.getLabels().sum(2));
            d.setLabelsMaskArray(null);
        });
        return iterator;
    }

    /**
     * The class probabilities of one text (its first {@code maxLength} tokens).
     *
     * @return probabilities per class, or {@code null} for a text with no tokens
     */
    public static double[] predict(ComputationGraph net, WordVocabulary vocabulary, String text, int maxLength) {
        int[] tokens = vocabulary.encode(text);
        if (tokens.length == 0) {
            return null;
        }
        int length = Math.min(tokens.length, maxLength);
        INDArray features = Nd4j.create(DataType.FLOAT, 1, 1, length);
        for (int t = 0; t < length; t++) {
            features.putScalar(0, 0, t, tokens[t]);
        }
        return net.outputSingle(features).toDoubleVector();
    }
}
