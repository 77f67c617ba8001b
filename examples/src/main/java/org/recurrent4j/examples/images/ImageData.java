package org.recurrent4j.examples.images;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.recurrent4j.datasets.DataLimits;
import org.recurrent4j.datasets.Download;
import org.recurrent4j.datasets.Mnist;
import org.recurrent4j.examples.cli.UsageException;
import org.recurrent4j.images.IdxFile;
import org.recurrent4j.images.ImageFolder;
import org.recurrent4j.images.LabelledImages;

/**
 * The labelled images of {@code image train}: a folder per label ({@code --images}, tested on
 * {@code --test-images} or on a seeded share held out of {@code --images}), MNIST's four IDX files
 * in a folder ({@code --idx}), or MNIST downloaded into the data cache ({@code --dataset mnist}).
 */
final class ImageData {

    /** The data set's name for {@code --dataset}. */
    static final String MNIST = "mnist";

    /** MNIST's four file names, without {@code .gz}: training images and labels, test images and labels. */
    static final List<String> IDX_NAMES = List.of(
            "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");

    /** Training and test images, and where they came from. */
    record Split(String name, LabelledImages train, LabelledImages test) {}

    private ImageData() {}

    static Split load(ImageTrainCommand o) throws UsageException {
        int sources = (o.images != null ? 1 : 0) + (o.idx != null ? 1 : 0) + (o.dataset != null ? 1 : 0);
        if (sources != 1) {
            throw new UsageException(
                    (sources == 0 ? "no images: give" : "--images, --idx and --dataset each name the data: give one of")
                            + " --images DIR (a folder per label), --idx DIR (MNIST's four IDX files) or --dataset "
                            + MNIST);
        }
        if (o.testImages != null && o.images == null) {
            throw new UsageException(
                    "--test-images goes with --images (the IDX files and MNIST have their own test" + " part)");
        }
        if (o.testImages != null && o.spec.commandLine().getParseResult().hasMatchedOption("--test-share")) {
            throw new UsageException("--test-share holds images of --images out for testing; with --test-images the"
                    + " test images are those: give one of them");
        }
        if (o.channels != ImageFolder.Channels.GREY && o.images == null) {
            throw new UsageException("--channels applies to --images; IDX files and MNIST have one grey channel");
        }
        Split split;
        if (o.images != null) {
            split = folders(o);
        } else if (o.idx != null) {
            split = idx(existingDirectory(o.idx, "--idx"));
        } else {
            split = mnist(o.dataset);
        }
        LabelledImages train = o.limit > 0 ? split.train().first(o.limit) : split.train();
        LabelledImages test = o.testLimit > 0 ? split.test().first(o.testLimit) : split.test();
        if (distinctLabels(train) < 2) {
            throw new UsageException(split.name() + ": the training images hold "
                    + (train.size() == 0 ? "no class" : "one class only") + "; a classifier needs at least two");
        }
        return new Split(split.name(), train, test);
    }

    private static Split folders(ImageTrainCommand o) throws UsageException {
        ImageFolder reader = new ImageFolder(o.channels);
        LabelledImages all = read(reader, existingDirectory(o.images, "--images"), "--images");
        if (o.testImages != null) {
            LabelledImages test = read(reader, existingDirectory(o.testImages, "--test-images"), "--test-images");
            if (!test.classes().equals(all.classes())) {
                throw new UsageException("--test-images " + o.testImages.toAbsolutePath() + ": its label folders "
                        + test.classes() + " are not those of --images " + all.classes());
            }
            if (!Arrays.equals(shape(test), shape(all))) {
                throw new UsageException(String.format(
                        "--test-images %s: images of %s (channels, height, width), but --images holds %s",
                        o.testImages.toAbsolutePath(), Arrays.toString(shape(test)), Arrays.toString(shape(all))));
            }
            // Shuffled, as the folders are read label by label: --limit and --test-limit then keep every label.
            return new Split(
                    o.images + " and " + o.testImages,
                    pick(all, shuffled(all.size(), o.seed.seed())),
                    pick(test, shuffled(test.size(), o.seed.seed())));
        }
        int heldOut = (int) Math.round(all.size() * o.testShare);
        if (heldOut < 1 || heldOut >= all.size()) {
            throw new UsageException("--test-share " + o.testShare + " of " + all.size() + " images holds out "
                    + heldOut + ": give a share that leaves images on both sides, or --test-images DIR");
        }
        List<Integer> order = shuffled(all.size(), o.seed.seed());
        return new Split(
                o.images + " (" + heldOut + " held out for testing)",
                pick(all, order.subList(heldOut, order.size())),
                pick(all, order.subList(0, heldOut)));
    }

    private static List<Integer> shuffled(int n, long seed) {
        List<Integer> order = new ArrayList<>(IntStream.range(0, n).boxed().toList());
        Collections.shuffle(order, new Random(seed));
        return order;
    }

    private static LabelledImages read(ImageFolder reader, Path dir, String option) throws UsageException {
        try {
            return reader.read(dir);
        } catch (IOException e) {
            throw new UsageException(option + ": " + e.getMessage());
        }
    }

    /** MNIST's four files in {@code dir}, gzipped or not, as {@link #IDX_NAMES} names them. */
    private static Split idx(Path dir) throws UsageException {
        Path[] files = new Path[IDX_NAMES.size()];
        for (int i = 0; i < files.length; i++) {
            Path plain = dir.resolve(IDX_NAMES.get(i));
            Path gz = dir.resolve(IDX_NAMES.get(i) + ".gz");
            files[i] = Files.isRegularFile(plain) ? plain : gz;
            if (!Files.isRegularFile(files[i])) {
                throw new UsageException("--idx " + dir.toAbsolutePath() + ": no " + IDX_NAMES.get(i) + "[.gz]"
                        + " (the folder holds MNIST's four files: " + String.join(", ", IDX_NAMES) + ", each"
                        + " plain or .gz)");
            }
        }
        long maxValues = DataLimits.fromSystemProperties().maxExtractedBytes();
        try {
            IdxFile trainLabels = IdxFile.read(files[1], maxValues);
            IdxFile testLabels = IdxFile.read(files[3], maxValues);
            int classes = Math.max(2, 1 + Math.max(largest(trainLabels), largest(testLabels)));
            return new Split(
                    dir.toString(),
                    LabelledImages.fromIdx(IdxFile.read(files[0], maxValues), trainLabels, classes),
                    LabelledImages.fromIdx(IdxFile.read(files[2], maxValues), testLabels, classes));
        } catch (IOException | IllegalArgumentException e) {
            throw new UsageException("--idx: " + e.getMessage());
        }
    }

    private static int largest(IdxFile labels) {
        int largest = 0;
        for (byte b : labels.values()) {
            largest = Math.max(largest, b & 0xff);
        }
        return largest;
    }

    private static Split mnist(String dataset) throws UsageException {
        if (!dataset.equals(MNIST)) {
            throw new UsageException(
                    "unknown data set \"" + dataset + "\" (known: " + MNIST + "; or give --images DIR or --idx DIR)");
        }
        Mnist mnist = new Mnist().progress(ImageData::downloadProgress);
        try {
            return new Split("MNIST", mnist.train(), mnist.test());
        } catch (IOException e) {
            if (e.getCause() instanceof Download.Unreachable unreachable) {
                throw new UsageException("--dataset " + MNIST + ": cannot download MNIST (" + unreachable.getMessage()
                        + "): put its four files " + String.join(", ", mnistFiles()) + " in "
                        + mnist.directory().toAbsolutePath() + ", or give --idx DIR with them");
            }
            throw new UsageException("--dataset " + MNIST + ": " + e.getMessage());
        }
    }

    private static List<String> mnistFiles() {
        return List.of(Mnist.TRAIN_IMAGES, Mnist.TRAIN_LABELS, Mnist.TEST_IMAGES, Mnist.TEST_LABELS);
    }

    private static void downloadProgress(long bytes, long total) {
        if (bytes == total) {
            System.err.printf("downloaded %,d bytes%n", bytes);
        }
    }

    private static Path existingDirectory(Path dir, String option) throws UsageException {
        if (!Files.isDirectory(dir)) {
            throw new UsageException(option + ": no such folder: " + dir.toAbsolutePath());
        }
        return dir;
    }

    private static long[] shape(LabelledImages images) {
        long[] s = images.images().shape();
        return new long[] {s[1], s[2], s[3]};
    }

    private static int distinctLabels(LabelledImages images) {
        return (int) Arrays.stream(images.labels()).distinct().count();
    }

    /** The images at {@code rows}, in that order. */
    static LabelledImages pick(LabelledImages all, List<Integer> rows) {
        long[] shape = all.images().shape();
        INDArray images = Nd4j.create(all.images().dataType(), rows.size(), shape[1], shape[2], shape[3]);
        int[] labels = new int[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            images.putSlice(i, all.images().slice(rows.get(i)));
            labels[i] = all.labels()[rows.get(i)];
        }
        return new LabelledImages(images, labels, all.classes());
    }
}
