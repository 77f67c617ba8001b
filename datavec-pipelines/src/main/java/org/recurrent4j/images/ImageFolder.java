package org.recurrent4j.images;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads a directory of images with a folder per label into {@link LabelledImages}:
 *
 * <pre>
 *   root/cat/001.png   root/cat/002.jpg   root/dog/a.png ...     classes: cat, dog (sorted by name)
 * </pre>
 *
 * <p>Every file Java's {@code javax.imageio} can decode (PNG, JPEG, GIF, BMP) is read; files of
 * other types are an error naming them (hidden files, starting with {@code .}, are skipped), as is
 * an image whose size differs from the first one's (images are not resized: resize them
 * beforehand) or a folder without images. Pixels become values in [0, 1]: one channel ({@link
 * Channels#GREY}, the mean of red, green and blue) or three ({@link Channels#RGB}). Files are read
 * in name order, so the result does not depend on the file system. DataVec's own image reader
 * ({@code datavec-data-image}) was not used because it brings OpenCV's and Leptonica's native
 * libraries (hundreds of megabytes) for what {@code javax.imageio} does here.
 *
 * <pre>{@code
 * LabelledImages digits = new ImageFolder(ImageFolder.Channels.GREY).read(Path.of("digits"));
 * }</pre>
 */
public final class ImageFolder {

    /** How many channels the images are read with. */
    public enum Channels {
        /** One channel, the mean of red, green and blue. */
        GREY,
        /** Red, green and blue. */
        RGB
    }

    private final Channels channels;

    public ImageFolder(Channels channels) {
        if (channels == null) {
            throw new IllegalArgumentException("channels must be GREY or RGB");
        }
        this.channels = channels;
    }

    /** Reads every image under {@code root}'s label folders. */
    public LabelledImages read(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IOException(root + ": not a directory (expected a folder per label holding images)");
        }
        List<Path> labelDirs;
        try (Stream<Path> s = Files.list(root)) {
            labelDirs = s.filter(Files::isDirectory)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted()
                    .toList();
        }
        if (labelDirs.isEmpty()) {
            throw new IOException(root + ": no label folders (expected root/<label>/<image files>)");
        }
        List<String> classes = new ArrayList<>();
        List<float[]> pixels = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        int height = -1;
        int width = -1;
        Path first = null;
        for (Path dir : labelDirs) {
            int label = classes.size();
            classes.add(dir.getFileName().toString());
            List<Path> files;
            try (Stream<Path> s = Files.list(dir)) {
                files = s.filter(Files::isRegularFile)
                        .filter(p -> !p.getFileName().toString().startsWith("."))
                        .sorted()
                        .toList();
            }
            if (files.isEmpty()) {
                throw new IOException(dir + ": the label folder holds no images");
            }
            for (Path file : files) {
                BufferedImage image = ImageIO.read(file.toFile());
                if (image == null) {
                    throw new IOException(file + ": not an image javax.imageio can read (PNG, JPEG, GIF or BMP)");
                }
                if (first == null) {
                    first = file;
                    height = image.getHeight();
                    width = image.getWidth();
                } else if (image.getHeight() != height || image.getWidth() != width) {
                    throw new IOException(String.format(
                            Locale.ROOT,
                            "%s: is %d×%d (height × width) but %s is %d×%d; images are not resized, make them one"
                                    + " size",
                            file,
                            image.getHeight(),
                            image.getWidth(),
                            first,
                            height,
                            width));
                }
                pixels.add(values(image));
                labels.add(label);
            }
        }
        int c = channels == Channels.RGB ? 3 : 1;
        INDArray images = Nd4j.create(DataType.FLOAT, pixels.size(), c, height, width);
        for (int i = 0; i < pixels.size(); i++) {
            images.putSlice(i, Nd4j.create(pixels.get(i), new long[] {c, height, width}, DataType.FLOAT));
        }
        return new LabelledImages(
                images, labels.stream().mapToInt(Integer::intValue).toArray(), classes);
    }

    /**
     * One image file as {@code [C, H, W]} (float32, values in [0, 1]), read as {@link #read} reads
     * each file of a label folder: to classify an image with a network trained on a folder.
     *
     * @throws IOException if the file is missing or {@code javax.imageio} cannot decode it
     */
    public INDArray image(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such image file");
        }
        BufferedImage image = ImageIO.read(file.toFile());
        if (image == null) {
            throw new IOException(file + ": not an image javax.imageio can read (PNG, JPEG, GIF or BMP)");
        }
        int c = channels == Channels.RGB ? 3 : 1;
        return Nd4j.create(values(image), new long[] {c, image.getHeight(), image.getWidth()}, DataType.FLOAT);
    }

    /** The pixels as {@code [C, H, W]} in C order. */
    private float[] values(BufferedImage image) {
        int h = image.getHeight();
        int w = image.getWidth();
        int c = channels == Channels.RGB ? 3 : 1;
        float[] out = new float[c * h * w];
        java.awt.image.Raster raster = image.getRaster();
        if (raster.getNumBands() == 1) {
            // A grey image's own samples: getRGB would convert them through a colour space.
            float max = (1 << image.getColorModel().getComponentSize(0)) - 1;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float v = raster.getSample(x, y, 0) / max;
                    for (int k = 0; k < c; k++) {
                        out[k * h * w + y * w + x] = v;
                    }
                }
            }
            return out;
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = image.getRGB(x, y);
                float r = ((rgb >> 16) & 0xff) / 255f;
                float g = ((rgb >> 8) & 0xff) / 255f;
                float b = (rgb & 0xff) / 255f;
                if (c == 1) {
                    out[y * w + x] = (r + g + b) / 3f;
                } else {
                    out[y * w + x] = r;
                    out[h * w + y * w + x] = g;
                    out[2 * h * w + y * w + x] = b;
                }
            }
        }
        return out;
    }
}
