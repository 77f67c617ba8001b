package org.recurrent4j.datasets;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.recurrent4j.images.IdxFile;
import org.recurrent4j.images.LabelledImages;

/**
 * MNIST (LeCun, Cortes &amp; Burges): 60,000 training and 10,000 test images of handwritten digits,
 * 28×28 grey levels, in four gzip-compressed IDX files ({@link IdxFile}).
 *
 * <p>Each file is a {@link PublicDataSet} of its own in the cache folder {@code mnist}: downloaded
 * with timeouts, progress and the download limit, its published MD5 (the ones the usual data-set
 * libraries check, {@link #MD5}) checked while it downloads and on every use, and its structure
 * (IDX header, unsigned bytes, images {@code [N, 28, 28]}, labels {@code [N]}, 60,000 and 10,000
 * items) checked once downloaded. The values are read within {@link DataLimits#maxExtractedBytes()}.
 * The default source is a mirror that serves the original files ({@link #URL}); {@link #source(URI)}
 * takes another folder holding the same four file names.
 *
 * <pre>{@code
 * Mnist mnist = new Mnist();
 * LabelledImages train = mnist.train();     // images [60000, 1, 28, 28] in [0, 1], labels 0..9
 * LabelledImages test = mnist.test();
 * }</pre>
 */
public final class Mnist {

    /** The folder the four files are downloaded from by default. */
    public static final URI URL = URI.create("https://ossci-datasets.s3.amazonaws.com/mnist/");

    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte.gz";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte.gz";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte.gz";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte.gz";

    /** The published MD5 of each file. */
    public static final Map<String, String> MD5 = Map.of(
            TRAIN_IMAGES, "f68b3c2dcbeaaa9fbdd348bbdeb94873",
            TRAIN_LABELS, "d53e105ee54ea40749a09fcbcd1e9432",
            TEST_IMAGES, "9fb629c4189551a2d022fa330f9573f3",
            TEST_LABELS, "ec29112dd5afa0611ce80d1b7f02629c");

    /** Images per part. */
    public static final int TRAIN_SIZE = 60_000;

    public static final int TEST_SIZE = 10_000;

    /** Image side in pixels. */
    public static final int SIDE = 28;

    private final Map<String, MnistFile> files = new LinkedHashMap<>();
    private final boolean checkCounts;

    /** MNIST from {@link #URL}, checked against the published MD5s. */
    public Mnist() {
        this(URL, true);
    }

    /**
     * A copy of other content under the same file names (a trimmed copy for tests, a mirror of a
     * variant): no published checksums (each file's SHA-256 is pinned on first download) and any
     * number of items.
     */
    public static Mnist unpublished(URI folder) {
        return new Mnist(folder, false);
    }

    private Mnist(URI folder, boolean published) {
        this.checkCounts = published;
        for (String name : new String[] {TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS}) {
            files.put(
                    name,
                    new MnistFile(name, published ? Checksums.md5(MD5.get(name)) : Checksums.NONE)
                            .source(folder.resolve(name)));
        }
    }

    /** The folder the four files are kept in (the data cache's {@code mnist}, or that of {@link #cache}). */
    public Path directory() {
        return files.get(TRAIN_IMAGES).directory();
    }

    /** Downloads the four files from this folder instead (a mirror, a local server, a {@code file:} URL). */
    public Mnist source(URI folder) {
        files.forEach((name, f) -> f.source(folder.resolve(name)));
        return this;
    }

    /** Keeps the files under {@code cache} instead of {@link DataCache#directory()}. */
    public Mnist cache(Path cache) {
        files.values().forEach(f -> f.cache(cache));
        return this;
    }

    /** Bounds the downloads and the decompressed values. */
    public Mnist limits(DataLimits limits) {
        files.values().forEach(f -> f.limits(limits));
        return this;
    }

    /** Reports download progress here. */
    public Mnist progress(Download.Progress progress) {
        files.values().forEach(f -> f.progress(progress));
        return this;
    }

    /** The 60,000 training images, downloaded and checked if needed. */
    public LabelledImages train() throws IOException {
        return LabelledImages.fromIdx(
                files.get(TRAIN_IMAGES).idx(), files.get(TRAIN_LABELS).idx(), 10);
    }

    /** The 10,000 test images, downloaded and checked if needed. */
    public LabelledImages test() throws IOException {
        return LabelledImages.fromIdx(
                files.get(TEST_IMAGES).idx(), files.get(TEST_LABELS).idx(), 10);
    }

    /** One of the four files. */
    private final class MnistFile extends PublicDataSet<MnistFile> {

        private final String fileName;

        MnistFile(String fileName, Checksums published) {
            super("mnist", URL.resolve(fileName), fileName, published);
            this.fileName = fileName;
        }

        IdxFile idx() throws IOException {
            return read(fetch());
        }

        private IdxFile read(Path file) throws IOException {
            return IdxFile.read(file, limits().maxExtractedBytes());
        }

        @Override
        protected void prepare(Path file) throws IOException {
            IdxFile idx = read(file);
            boolean images = fileName.contains("images");
            int[] dims = idx.dimensions();
            if (images && (dims.length != 3 || dims[1] != SIDE || dims[2] != SIDE)) {
                throw new IOException(
                        file + ": MNIST images must be [N, 28, 28], the file holds " + java.util.Arrays.toString(dims));
            }
            if (!images && dims.length != 1) {
                throw new IOException(
                        file + ": MNIST labels must be [N], the file holds " + java.util.Arrays.toString(dims));
            }
            if (!images) {
                for (byte b : idx.values()) {
                    if ((b & 0xff) > 9) {
                        throw new IOException(file + ": holds the label " + (b & 0xff) + ", not a digit");
                    }
                }
            }
            int expected = fileName.startsWith("train") ? TRAIN_SIZE : TEST_SIZE;
            if (checkCounts && dims[0] != expected) {
                throw new IOException(file + ": holds " + dims[0] + " items, MNIST has " + expected);
            }
        }
    }
}
