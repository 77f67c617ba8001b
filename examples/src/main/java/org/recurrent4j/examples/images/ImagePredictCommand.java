package org.recurrent4j.examples.images;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.recurrent4j.examples.cli.HelpOption;
import org.recurrent4j.examples.cli.ModelDirectoryOption;
import org.recurrent4j.examples.cli.UsageException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code recurrent4j image predict --model DIR FILE...}: the label and its probability for each
 * image file, one line each ({@code label<TAB>probability<TAB>file}), with the classifier {@code
 * image train} saved in DIR. Each image is read as the training images were (grey or RGB) and must
 * have their size.
 */
@Command(
        name = "predict",
        description = "Prints the label and its probability for each image FILE, one per line, with a classifier"
                + " saved by 'image train'.")
final class ImagePredictCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private HelpOption help;

    @Mixin
    private ModelDirectoryOption model;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "image files (PNG, JPEG, GIF or BMP)")
    private List<Path> files = List.of();

    @Override
    public Integer call() throws UsageException {
        model.file(ImageModel.MODEL_FILE);
        model.file(ImageModel.SETTINGS_FILE);
        ImageModel saved;
        try {
            saved = ImageModel.load(model.directory());
        } catch (IOException e) {
            throw new UsageException("--model: " + e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        for (Path file : files) {
            INDArray image;
            try {
                image = saved.reader().image(file);
            } catch (IOException e) {
                throw new UsageException(e.getMessage());
            }
            double[] p;
            try {
                p = saved.probabilities(image);
            } catch (IllegalArgumentException e) {
                throw new UsageException(file + ": " + e.getMessage());
            }
            int best = 0;
            for (int k = 1; k < p.length; k++) {
                best = p[k] > p[best] ? k : best;
            }
            out.printf("%s\t%.4f\t%s%n", saved.classes().get(best), p[best], file);
        }
        return 0;
    }
}
