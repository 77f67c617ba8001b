package org.recurrent4j.examples.images;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.recurrent4j.examples.cli.HelpOption;
import org.recurrent4j.examples.cli.ModelDirectoryOption;
import org.recurrent4j.examples.cli.Range;
import org.recurrent4j.examples.cli.UsageException;
import org.recurrent4j.images.ImageFolder;
import org.recurrent4j.images.ShapeScenes;
import org.recurrent4j.io.ModelFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code recurrent4j image describe --model DIR FILE...}: the caption of each scene image, one line
 * each ({@code caption<TAB>file}), with the captioner {@code image caption} saved in DIR. A scene is
 * an RGB image of 16×16 pixels, or an integer multiple of that (such as the 128×128 samples {@code
 * image caption} writes), which is shrunk by averaging each block.
 */
@Command(
        name = "describe",
        description = "Prints the caption of each scene image FILE (16×16 RGB, or a multiple such as the samples 'image"
                + " caption' writes), one per line, with a captioner saved by 'image caption'.")
final class ImageDescribeCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private HelpOption help;

    @Mixin
    private ModelDirectoryOption model;

    @Option(names = "--beam", paramLabel = "W", description = "beam width (1: greedy) (default: ${DEFAULT-VALUE})")
    @Range(min = 1, max = 64)
    int beam = 3;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "scene images (PNG, JPEG, GIF or BMP)")
    private List<Path> files = List.of();

    @Override
    public Integer call() throws UsageException {
        Path file = model.file(ImageCaptionCommand.MODEL_FILE);
        ComputationGraph net;
        try {
            net = ModelFile.loadComputationGraph(file, false);
        } catch (IOException | RuntimeException e) {
            throw new UsageException(
                    "--model: " + file + " is not a captioner saved by 'image caption': " + e.getMessage());
        }
        INDArray images = Nd4j.create(DataType.FLOAT, files.size(), 3, ShapeScenes.SIZE, ShapeScenes.SIZE);
        ImageFolder reader = new ImageFolder(ImageFolder.Channels.RGB);
        for (int i = 0; i < files.size(); i++) {
            try {
                images.putSlice(i, scene(reader.image(files.get(i)), files.get(i)));
            } catch (IOException e) {
                throw new UsageException(e.getMessage());
            }
        }
        List<String> captions;
        try {
            captions = ShapeCaptioning.captions(net, images, beam);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new UsageException("--model: " + file + " cannot caption 16×16 RGB scenes: " + e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        for (int i = 0; i < files.size(); i++) {
            out.printf("%s\t%s%n", captions.get(i), files.get(i));
        }
        return 0;
    }

    /** The image {@code [3, k·16, k·16]} shrunk to {@code [3, 16, 16]} by the mean of each k×k block. */
    static INDArray scene(INDArray image, Path file) throws UsageException {
        int size = ShapeScenes.SIZE;
        long h = image.size(1);
        long w = image.size(2);
        if (h != w || h % size != 0) {
            throw new UsageException(String.format(
                    Locale.ROOT,
                    "%s: is %d×%d (height × width); a scene is %d×%d pixels or a whole multiple of that (such as"
                            + " 128×128)",
                    file,
                    h,
                    w,
                    size,
                    size));
        }
        int k = (int) (h / size);
        INDArray scene = Nd4j.create(DataType.FLOAT, 3, size, size);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    double sum = 0;
                    for (int dy = 0; dy < k; dy++) {
                        for (int dx = 0; dx < k; dx++) {
                            sum += image.getDouble(c, (long) y * k + dy, (long) x * k + dx);
                        }
                    }
                    scene.putScalar(c, y, x, sum / (k * k));
                }
            }
        }
        return scene;
    }
}
