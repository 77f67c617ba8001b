package org.recurrent4j.images;

import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Labelled images in memory: {@code images [N, C, H, W]} (float32, values in [0, 1]), a class index
 * per image and the class names. Made by {@link #fromIdx} (MNIST's files), {@link ImageFolder} (a
 * folder per label) or directly.
 *
 * <pre>{@code
 * LabelledImages train = new Mnist().train();
 * DataSetIterator batches = train.iterator(64, 1);       // shuffled with seed 1, [64, 1, 28, 28]
 * LabelledImages small = train.first(1000);
 * }</pre>
 *
 * @param images {@code [N, C, H, W]}
 * @param labels the class of each image, in [0, classes.size())
 * @param classes the class names
 */
public record LabelledImages(INDArray images, int[] labels, List<String> classes) {

    public LabelledImages {
        if (images.rank() != 4) {
            throw new IllegalArgumentException(
                    "images must be [N, C, H, W], got shape " + Arrays.toString(images.shape()));
        }
        if (images.size(0) != labels.length) {
            throw new IllegalArgumentException(images.size(0) + " images but " + labels.length + " labels");
        }
        classes = List.copyOf(classes);
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes.size()) {
                throw new IllegalArgumentException(
                        "label " + labels[i] + " of image " + i + " is not a class index [0, " + classes.size() + ")");
            }
        }
    }

    /**
     * Images from an IDX file of images {@code [N, H, W]} and one of labels {@code [N]} (values
     * scaled from [0, 255] to [0, 1], one channel), the classes named by their index.
     */
    public static LabelledImages fromIdx(IdxFile images, IdxFile labels, int classes) {
        if (images.dimensions().length != 3) {
            throw new IllegalArgumentException(images.file() + ": images must have 3 dimensions [N, H, W], it has "
                    + Arrays.toString(images.dimensions()));
        }
        if (labels.dimensions().length != 1) {
            throw new IllegalArgumentException(labels.file() + ": labels must have 1 dimension [N], it has "
                    + Arrays.toString(labels.dimensions()));
        }
        if (images.items() != labels.items()) {
            throw new IllegalArgumentException(images.file() + " holds " + images.items() + " images but "
                    + labels.file() + " holds " + labels.items() + " labels");
        }
        int n = images.items();
        int h = images.dimensions()[1];
        int w = images.dimensions()[2];
        float[] pixels = new float[n * h * w];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (images.values()[i] & 0xff) / 255f;
        }
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = labels.value(i, 0);
            if (y[i] >= classes) {
                throw new IllegalArgumentException(labels.file() + ": label " + y[i] + " of item " + i
                        + " is not a class index [0, " + classes + ")");
            }
        }
        List<String> names = java.util.stream.IntStream.range(0, classes)
                .mapToObj(Integer::toString)
                .toList();
        return new LabelledImages(Nd4j.create(pixels, new long[] {n, 1, h, w}, DataType.FLOAT), y, names);
    }

    /** The number of images. */
    public int size() {
        return labels.length;
    }

    /** The first {@code n} images (all if fewer). */
    public LabelledImages first(int n) {
        int k = Math.min(n, size());
        return new LabelledImages(
                images.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, k)).dup(),
                Arrays.copyOf(labels, k),
                classes);
    }

    /** Every image with one-hot labels {@code [N, classes]}. */
    public DataSet dataSet() {
        INDArray oneHot = Nd4j.zeros(DataType.FLOAT, size(), classes.size());
        for (int i = 0; i < size(); i++) {
            oneHot.putScalar(i, labels[i], 1.0);
        }
        return new DataSet(images, oneHot);
    }

    /** Mini-batches of {@code batchSize}, in an order shuffled with {@code seed} (the same each epoch). */
    public DataSetIterator iterator(int batchSize, long seed) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
        }
        DataSet all = dataSet().copy();
        all.shuffle(seed);
        return new ExistingDataSetIterator(all.batchBy(batchSize));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelledImages other
                && images.equals(other.images)
                && Arrays.equals(labels, other.labels)
                && classes.equals(other.classes);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * images.hashCode() + Arrays.hashCode(labels)) + classes.hashCode();
    }

    @Override
    public String toString() {
        return "LabelledImages[" + size() + " images " + Arrays.toString(images.shape()) + ", classes " + classes + "]";
    }
}
