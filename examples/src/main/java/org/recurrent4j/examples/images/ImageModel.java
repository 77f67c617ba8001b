package org.recurrent4j.examples.images;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.recurrent4j.images.ImageFolder;
import org.recurrent4j.io.AtomicFile;
import org.recurrent4j.io.ModelFile;

/**
 * An image classifier's directory, as {@code image train} writes it: {@value #MODEL_FILE} (the
 * network, {@code [B, C, H, W]} in, class probabilities out) and {@value #SETTINGS_FILE} (the class
 * names in output order, the image size and how its channels are read), each written atomically,
 * beside the training curves.
 *
 * <pre>{@code
 * ImageModel saved = ImageModel.load(Path.of("runs/image"));
 * double[] p = saved.probabilities(saved.reader().image(Path.of("seven.png")));
 * String label = saved.classes().get(argmax(p));
 * }</pre>
 *
 * @param net the trained classifier
 * @param classes the class names, in the order of the network's outputs
 * @param channels how image files are read into the network's channels
 * @param height image height the network was trained on
 * @param width image width the network was trained on
 */
public record ImageModel(
        ComputationGraph net, List<String> classes, ImageFolder.Channels channels, int height, int width) {

    /** The network in a model directory. */
    public static final String MODEL_FILE = "model.zip";
    /** The settings in a model directory. */
    public static final String SETTINGS_FILE = "image.properties";

    public ImageModel {
        classes = List.copyOf(classes);
    }

    /** The number of channels the network reads. */
    public int channelCount() {
        return channels == ImageFolder.Channels.RGB ? 3 : 1;
    }

    /** A reader of image files into this model's channels. */
    public ImageFolder reader() {
        return new ImageFolder(channels);
    }

    /**
     * The class probabilities of one image {@code [C, H, W]}.
     *
     * @throws IllegalArgumentException if its size is not the one the network was trained on
     */
    public double[] probabilities(INDArray image) {
        long[] expected = {channelCount(), height, width};
        if (!Arrays.equals(image.shape(), expected)) {
            throw new IllegalArgumentException("the image is " + Arrays.toString(image.shape())
                    + " (channels, height, width) but the model was trained on " + Arrays.toString(expected)
                    + "; images are not resized: resize it first");
        }
        return net.outputSingle(false, image.reshape(1, expected[0], expected[1], expected[2]))
                .toDoubleVector();
    }

    /** Writes both files into {@code dir} (created if needed), each atomically; returns the model file. */
    public Path save(Path dir) throws IOException {
        Path model = dir.resolve(MODEL_FILE);
        ModelFile.save(net, model, true);
        Properties settings = new Properties();
        settings.setProperty("classes", String.join("\n", classes));
        settings.setProperty("channels", channels.name());
        settings.setProperty("height", Integer.toString(height));
        settings.setProperty("width", Integer.toString(width));
        AtomicFile.writeStream(dir.resolve(SETTINGS_FILE), stream -> {
            Writer writer = new OutputStreamWriter(stream, StandardCharsets.UTF_8);
            settings.store(writer, "recurrent4j image");
            writer.flush();
        });
        return model;
    }

    /**
     * Reads a model directory written by {@link #save}.
     *
     * @throws IOException if a file is missing, damaged, or its settings are incomplete
     */
    public static ImageModel load(Path dir) throws IOException {
        Path file = dir.resolve(SETTINGS_FILE);
        Properties settings = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            settings.load(reader);
        }
        try {
            List<String> classes = List.of(required(settings, "classes", file).split("\n", -1));
            ImageFolder.Channels channels = ImageFolder.Channels.valueOf(required(settings, "channels", file));
            int height = Integer.parseInt(required(settings, "height", file));
            int width = Integer.parseInt(required(settings, "width", file));
            ComputationGraph net = ModelFile.loadComputationGraph(dir.resolve(MODEL_FILE), false);
            return new ImageModel(net, classes, channels, height, width);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    private static String required(Properties settings, String key, Path file) throws IOException {
        String value = settings.getProperty(key);
        if (value == null) {
            throw new IOException(file + ": no \"" + key + "\" (not written by recurrent4j image train?)");
        }
        return value;
    }
}
