package org.recurrent4j.examples.charrnn;

import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Mini-batches of character windows for next-character prediction: each example is a window of
 * {@code length + 1} consecutive characters at a random offset; the features are its first
 * {@code length} characters one-hot, the labels the following character at every step.
 *
 * <p>Shapes: features and labels {@code [batch, vocabulary, length]}.
 */
public final class CharBatches {

    private final int[] text;
    private final int vocabulary;
    private final int length;
    private final int batch;
    private final Random random;

    /**
     * @param text the corpus as character indices; must be longer than {@code length}
     */
    public CharBatches(int[] text, int vocabulary, int length, int batch, Random random) {
        if (text.length <= length) {
            throw new IllegalArgumentException("the text has " + text.length
                    + " characters, fewer than one training window of " + (length + 1)
                    + ": use a longer text or a shorter --seq-length");
        }
        this.text = text;
        this.vocabulary = vocabulary;
        this.length = length;
        this.batch = batch;
        this.random = random;
    }

    /** Characters per window (time steps of a batch). */
    public int length() {
        return length;
    }

    /** Characters consumed per batch (the unit of the characters/s rate). */
    public int charactersPerBatch() {
        return batch * length;
    }

    public DataSet next() {
        return windows(text, vocabulary, length, nextStarts());
    }

    /**
     * Moves past {@code batches} mini-batches without building them: where a resumed run takes up
     * the data, drawing the same offsets the interrupted run would have drawn next.
     */
    public void skip(long batches) {
        for (long i = 0; i < batches; i++) {
            nextStarts();
        }
    }

    private int[] nextStarts() {
        int[] starts = new int[batch];
        for (int b = 0; b < batch; b++) {
            starts[b] = random.nextInt(text.length - length);
        }
        return starts;
    }

    /**
     * The windows of {@code length + 1} characters of {@code text} that begin at {@code starts}, as
     * one mini-batch.
     */
    public static DataSet windows(int[] text, int vocabulary, int length, int... starts) {
        int batch = starts.length;
        float[] features = new float[batch * vocabulary * length];
        float[] labels = new float[batch * vocabulary * length];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < length; t++) {
                features[(b * vocabulary + text[starts[b] + t]) * length + t] = 1f;
                labels[(b * vocabulary + text[starts[b] + t + 1]) * length + t] = 1f;
            }
        }
        long[] shape = {batch, vocabulary, length};
        INDArray f = Nd4j.create(features, shape, 'c');
        INDArray l = Nd4j.create(labels, shape, 'c');
        return new DataSet(f.castTo(DataType.FLOAT), l.castTo(DataType.FLOAT));
    }
}
