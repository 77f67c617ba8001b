package org.recurrent4j.images;

import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.recurrent4j.seq2seq.HeldOutSplit;
import org.recurrent4j.synthetic.SyntheticTask;

/**
 * An image task that needs long-range lateral interaction: do the two ends of every row match?
 *
 * <p>Each image is {@code [1, H, W]}. Row {@code r} has an end mark {@code a_r ∈ {−1, +1}} in its
 * first column and {@code b_r ∈ {−1, +1}} in its last; the columns between hold distractors: each
 * pixel is {@code ±0.5} with probability {@code noise}, else 0. The label (one-hot, 2 classes) is
 *
 * <pre>
 *   1  when a_r = b_r for every row ("all ends match")
 *   0  when exactly two rows differ, one with (a, b) = (+1, −1) and one with (−1, +1)
 * </pre>
 *
 * <p>Both classes are equally likely (in each part of the split: the class is drawn first, then an
 * ends pattern of that class in the part), and in both the count of {@code +1} marks on the left equals
 * the count on the right, so no statistic of the left column or of the right column alone — nor of
 * any region narrower than the image — tells the classes apart: a model must relate the two ends of
 * the same row, {@code W − 1} pixels apart. A convolutional network whose receptive field is
 * narrower than the image, followed by global pooling, sees each end alone and stays at chance; a
 * horizontal recurrent sweep carries {@code a_r} along the row to {@code b_r}.
 *
 * <p>Held-out split: the ends pattern {@code (a_1, b_1, …, a_H, b_H)} decides by {@link
 * HeldOutSplit} whether an image is held out, so a model tested on {@link HeldOutSplit.Part#HELD_OUT}
 * never saw any image with the same ends in training (the distractors are drawn fresh anyway).
 *
 * <pre>{@code
 * HeldOutSplit split = HeldOutSplit.of(0.2);
 * DataSetIterator train = new MatchingRowEnds(8, 24, 0.3, split, HeldOutSplit.Part.TRAINING, 32, 100, 1);
 * DataSetIterator test = new MatchingRowEnds(8, 24, 0.3, split, HeldOutSplit.Part.HELD_OUT, 250, 2, 2);
 * }</pre>
 */
public class MatchingRowEnds extends SyntheticTask {

    private static final long serialVersionUID = 1L;

    private static final int MAX_TRIES = 100_000;

    /** The value of a distractor pixel (with a random sign). */
    public static final double DISTRACTOR = 0.5;

    private final int height;
    private final int width;
    private final double noise;
    private final HeldOutSplit split;
    private final HeldOutSplit.Part part;

    /**
     * @param height rows H ≥ 2
     * @param width columns W ≥ 2
     * @param noise the probability in [0, 1) that a pixel between the ends is a distractor
     * @param split the held-out split of ends patterns
     * @param part which part of the split to draw from
     * @param batchSize images per batch
     * @param batches batches per epoch
     * @param seed the seed of the draws ({@link #reset()} replays them)
     */
    public MatchingRowEnds(
            int height,
            int width,
            double noise,
            HeldOutSplit split,
            HeldOutSplit.Part part,
            int batchSize,
            int batches,
            long seed) {
        super(batchSize, batches, seed);
        if (height < 2 || width < 2) {
            throw new IllegalArgumentException(
                    "MatchingRowEnds needs at least 2 rows and 2 columns, got " + height + "×" + width);
        }
        if (!(noise >= 0 && noise < 1)) {
            throw new IllegalArgumentException("noise must be in [0, 1), got " + noise);
        }
        if (split == null || part == null) {
            throw new IllegalArgumentException("split and part must be given");
        }
        this.height = height;
        this.width = width;
        this.noise = noise;
        this.split = split;
        this.part = part;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** Pixels per image, {@code H·W}. */
    @Override
    public int inputColumns() {
        return height * width;
    }

    @Override
    public int totalOutcomes() {
        return 2;
    }

    @Override
    protected DataSet generate(int size, Random random) {
        INDArray images = Nd4j.zeros(DataType.FLOAT, size, 1, height, width);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, size, 2);
        for (int n = 0; n < size; n++) {
            boolean match = random.nextBoolean();
            int[] ends = ends(match, random);
            for (int tries = 1; !split.contains(part, ends); tries++) {
                if (tries == MAX_TRIES) {
                    throw new IllegalStateException("no ends pattern of class " + (match ? 1 : 0) + " found in the "
                            + part + " part after " + MAX_TRIES + " draws: with " + height
                            + " rows there are too few patterns for this split; use more rows");
                }
                ends = ends(match, random);
            }
            for (int r = 0; r < height; r++) {
                images.putScalar(new long[] {n, 0, r, 0}, ends[2 * r]);
                images.putScalar(new long[] {n, 0, r, width - 1}, ends[2 * r + 1]);
                for (int c = 1; c < width - 1; c++) {
                    if (random.nextDouble() < noise) {
                        images.putScalar(new long[] {n, 0, r, c}, random.nextBoolean() ? DISTRACTOR : -DISTRACTOR);
                    }
                }
            }
            labels.putScalar(n, match ? 1 : 0, 1.0);
        }
        return new DataSet(images, labels);
    }

    /** The ends {@code (a_1, b_1, …, a_H, b_H)} of an image of the given class. */
    private int[] ends(boolean match, Random random) {
        int[] ends = new int[2 * height];
        for (int r = 0; r < height; r++) {
            int a = random.nextBoolean() ? 1 : -1;
            ends[2 * r] = a;
            ends[2 * r + 1] = a;
        }
        if (!match) {
            int up = random.nextInt(height);
            int down = (up + 1 + random.nextInt(height - 1)) % height;
            ends[2 * up] = 1;
            ends[2 * up + 1] = -1;
            ends[2 * down] = -1;
            ends[2 * down + 1] = 1;
        }
        return ends;
    }

    /** Whether an image {@code [1, H, W]} (or {@code [H, W]}) is of class 1: every row's ends are equal. */
    public static boolean allEndsMatch(INDArray image) {
        INDArray plane = image.rank() == 3 ? image.slice(0) : image;
        long w = plane.size(1);
        for (long r = 0; r < plane.size(0); r++) {
            if (plane.getDouble(r, 0) != plane.getDouble(r, w - 1)) {
                return false;
            }
        }
        return true;
    }
}
