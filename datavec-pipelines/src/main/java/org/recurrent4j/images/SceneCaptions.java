package org.recurrent4j.images;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.MultiDataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.recurrent4j.seq2seq.HeldOutSplit;

/**
 * Captioning batches of {@link ShapeScenes} for a 1→N graph with an image input ({@link
 * org.recurrent4j.arch.OneToMany#imageEncoder}), the decoder taught by teacher forcing:
 *
 * <pre>
 *   features[0]  image           [B, 3, 16, 16]
 *   features[1]  decoder input   [B, V, T]   one-hot, mask [B, T]   START w_1 .. w_n
 *   labels[0]    caption         [B, V, T]   one-hot, mask [B, T]   w_1 .. w_n END
 * </pre>
 *
 * <p>{@code V} is the vocabulary ({@link ShapeScenes#vocabulary()}), {@code T} the longest caption
 * of the batch plus one; shorter captions are padded at the end, their mask 0 there. {@code
 * batches} batches of fresh scenes per epoch, drawn from one part of the split with a seed ({@link
 * #reset()} replays them).
 *
 * <pre>{@code
 * ShapeScenes scenes = new ShapeScenes(HeldOutSplit.of(0.2));
 * MultiDataSetIterator train = new SceneCaptions(scenes, HeldOutSplit.Part.TRAINING, 32, 100, 1);
 * graph.fit(train);
 * }</pre>
 */
public final class SceneCaptions implements MultiDataSetIterator {

    private static final long serialVersionUID = 1L;

    private final ShapeScenes scenes;
    private final HeldOutSplit.Part part;
    private final int batchSize;
    private final int batches;
    private final long seed;
    private transient Random random;
    private int produced;
    private MultiDataSetPreProcessor preProcessor;

    public SceneCaptions(ShapeScenes scenes, HeldOutSplit.Part part, int batchSize, int batches, long seed) {
        if (scenes == null || part == null) {
            throw new IllegalArgumentException("scenes and part must be given");
        }
        if (batchSize < 1 || batches < 1) {
            throw new IllegalArgumentException(
                    "batchSize and batches must be at least 1, got " + batchSize + " and " + batches);
        }
        this.scenes = scenes;
        this.part = part;
        this.batchSize = batchSize;
        this.batches = batches;
        this.seed = seed;
        this.random = new Random(seed);
    }

    /** A batch of the given scenes, each drawn with {@code random}'s offsets. */
    public static MultiDataSet batch(ShapeScenes scenes, List<ShapeScenes.Scene> batch, Random random) {
        int n = batch.size();
        int vocabulary = ShapeScenes.vocabulary().size();
        List<int[]> captions = new ArrayList<>(n);
        int steps = 0;
        for (ShapeScenes.Scene s : batch) {
            int[] tokens = ShapeScenes.encode(s.caption());
            captions.add(tokens);
            steps = Math.max(steps, tokens.length + 1);
        }
        INDArray images = Nd4j.zeros(DataType.FLOAT, n, 3, ShapeScenes.SIZE, ShapeScenes.SIZE);
        INDArray input = Nd4j.zeros(DataType.FLOAT, n, vocabulary, steps);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, n, vocabulary, steps);
        INDArray mask = Nd4j.zeros(DataType.FLOAT, n, steps);
        for (int b = 0; b < n; b++) {
            images.putSlice(b, scenes.render(batch.get(b), random));
            int[] tokens = captions.get(b);
            for (int t = 0; t <= tokens.length; t++) {
                input.putScalar(b, t == 0 ? ShapeScenes.START : tokens[t - 1], t, 1.0);
                labels.putScalar(b, t == tokens.length ? ShapeScenes.END : tokens[t], t, 1.0);
                mask.putScalar(b, t, 1.0);
            }
        }
        return new org.nd4j.linalg.dataset.MultiDataSet(
                new INDArray[] {images, input}, new INDArray[] {labels}, new INDArray[] {null, mask}, new INDArray[] {
                    mask
                });
    }

    @Override
    public MultiDataSet next(int num) {
        if (!hasNext()) {
            throw new NoSuchElementException("epoch finished after " + batches + " batches: call reset()");
        }
        produced++;
        List<ShapeScenes.Scene> batch = new ArrayList<>(num);
        for (int i = 0; i < num; i++) {
            batch.add(scenes.draw(part, random));
        }
        MultiDataSet data = batch(scenes, batch, random);
        if (preProcessor != null) {
            preProcessor.preProcess(data);
        }
        return data;
    }

    @Override
    public MultiDataSet next() {
        return next(batchSize);
    }

    @Override
    public boolean hasNext() {
        return produced < batches;
    }

    @Override
    public void reset() {
        random = new Random(seed);
        produced = 0;
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    @Override
    public boolean asyncSupported() {
        return true;
    }

    @Override
    public void setPreProcessor(MultiDataSetPreProcessor preProcessor) {
        this.preProcessor = preProcessor;
    }

    @Override
    public MultiDataSetPreProcessor getPreProcessor() {
        return preProcessor;
    }
}
