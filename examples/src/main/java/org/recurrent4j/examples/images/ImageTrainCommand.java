package org.recurrent4j.examples.images;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.recurrent4j.conf.CellTypes;
import org.recurrent4j.conf.Recurrent2d;
import org.recurrent4j.examples.cli.CheckpointOptions;
import org.recurrent4j.examples.cli.HelpOption;
import org.recurrent4j.examples.cli.NetworkOptions;
import org.recurrent4j.examples.cli.OutOption;
import org.recurrent4j.examples.cli.Range;
import org.recurrent4j.examples.cli.RunFailedException;
import org.recurrent4j.examples.cli.SeedOption;
import org.recurrent4j.examples.cli.TrainingOptions;
import org.recurrent4j.examples.cli.UsageException;
import org.recurrent4j.examples.training.RateDecayOptions;
import org.recurrent4j.images.ImageFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code recurrent4j image train}: trains a 2-D-RNN image classifier ({@link
 * org.recurrent4j.arch.ImageClassifier}: {@link Recurrent2d} layers of four directional sweeps or
 * ReNet, global pooling, softmax) on labelled images, prints the test accuracy every few epochs and
 * DL4J's confusion matrix at the end, and saves the model, its settings and learning curves (see
 * {@link ImageModel}); checkpoints on the way, continued with {@code --resume}.
 *
 * <p>Data: {@code --images DIR}, a folder per label ({@code DIR/cat/1.png}, {@code DIR/dog/a.jpg};
 * tested on {@code --test-images DIR} or on {@code --test-share} of the images, held out with the
 * seed); {@code --idx DIR}, MNIST's four IDX files ({@code train-images-idx3-ubyte[.gz]}, ...);
 * {@code --dataset mnist}, MNIST downloaded once into the data cache and checked.
 *
 * <pre>
 * ./recurrent4j image train --images shapes/ --hidden 16 --epochs 20
 * ./recurrent4j image train --dataset mnist --limit 10000 --patch 2 --composition renet --epochs 5
 * ./recurrent4j image predict --model runs/image photo.png
 * </pre>
 */
@Command(
        name = "train",
        description = {
            "Trains a 2-D recurrent image classifier (four directional sweeps or ReNet over the pixels or patches),"
                    + " prints the test accuracy and the confusion matrix, and saves the model and its curves.",
            "Data: --images DIR (a folder per label), --idx DIR (MNIST's four IDX files) or --dataset mnist."
        })
public final class ImageTrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    private HelpOption help;

    @Option(
            names = "--images",
            paramLabel = "DIR",
            description = "train on the images of DIR/<label>/ (PNG, JPEG, GIF or BMP, all of one size)")
    Path images;

    @Option(
            names = "--test-images",
            paramLabel = "DIR",
            description = "test on the images of DIR/<label>/ (the same labels as --images; default: --test-share of"
                    + " --images)")
    Path testImages;

    @Option(
            names = "--test-share",
            paramLabel = "F",
            description = "share of --images held out for testing when there is no --test-images, drawn with the seed"
                    + " (default: ${DEFAULT-VALUE})")
    @Range(min = 0.01, max = 0.9)
    double testShare = 0.2;

    @Option(
            names = "--channels",
            paramLabel = "NAME",
            description = "how --images are read: grey (one channel, the mean of red, green and blue) or rgb"
                    + " (default: ${DEFAULT-VALUE})")
    ImageFolder.Channels channels = ImageFolder.Channels.GREY;

    @Option(
            names = "--idx",
            paramLabel = "DIR",
            description = "train and test on MNIST's four IDX files in DIR: train-images-idx3-ubyte,"
                    + " train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (each plain or .gz)")
    Path idx;

    @Option(
            names = "--dataset",
            paramLabel = "NAME",
            description = "mnist: MNIST, downloaded once into ~/.recurrent4j/data/mnist and checked against its"
                    + " published MD5s")
    String dataset;

    @Option(
            names = "--limit",
            paramLabel = "N",
            description = "train on the first N training images only (default: all)")
    @Range(min = 0, max = Integer.MAX_VALUE)
    int limit;

    @Option(
            names = "--test-limit",
            paramLabel = "N",
            description = "test on the first N test images only (default: all)")
    @Range(min = 0, max = Integer.MAX_VALUE)
    int testLimit;

    @Mixin
    NetworkOptions network = new NetworkOptions(CellTypes.GRU, 16);

    @Option(
            names = "--layers",
            paramLabel = "L",
            description = "stacked 2-D recurrent layers, each of --hidden units per direction (default:"
                    + " ${DEFAULT-VALUE})")
    @Range(min = 1, max = 8)
    int layers = 1;

    @Option(
            names = "--composition",
            paramLabel = "NAME",
            description = "four_sweeps: four independent sweeps over the input (a point sees its row and column);"
                    + " renet: a horizontal bidirectional sweep, then a vertical one over its output (a point sees"
                    + " the whole image) (default: ${DEFAULT-VALUE})")
    Recurrent2d.Composition composition = Recurrent2d.Composition.FOUR_SWEEPS;

    @Option(
            names = "--merge",
            paramLabel = "NAME",
            description = "how the directions' outputs are merged: concat or sum (default: ${DEFAULT-VALUE})")
    Recurrent2d.Merge merge = Recurrent2d.Merge.CONCAT;

    @Option(
            names = "--patch",
            paramLabel = "P",
            description = "the sweeps' steps are non-overlapping P×P patches (P divides the image's height and"
                    + " width) (default: ${DEFAULT-VALUE})")
    @Range(min = 1, max = 1024)
    int patch = 1;

    @Option(
            names = "--conv",
            paramLabel = "K",
            description =
                    "compute the first sweeps' input with a K×K convolution (0: none) (default:" + " ${DEFAULT-VALUE})")
    @Range(min = 0, max = 31)
    int convolutionKernel;

    @Option(
            names = "--conv-channels",
            paramLabel = "C",
            description = "output channels of the --conv convolution (default: ${DEFAULT-VALUE})")
    @Range(min = 1, max = 4096)
    int convolutionChannels = 16;

    @Option(
            names = "--pooling",
            paramLabel = "NAME",
            description = "global pooling over the grid before the softmax: max or avg (default: ${DEFAULT-VALUE})")
    PoolingType pooling = PoolingType.MAX;

    @Option(
            names = "--dropout",
            paramLabel = "P",
            description = "dropout probability on the input of every layer after the first and of the softmax"
                    + " (default: ${DEFAULT-VALUE})")
    @Range(min = 0, max = 0.95)
    double dropout;

    @Option(
            names = "--epochs",
            paramLabel = "N",
            description = "passes over the training images (default: ${DEFAULT-VALUE})")
    @Range(min = 1, max = 100_000)
    int epochs = 10;

    @Option(
            names = "--report-every",
            paramLabel = "N",
            description = "epochs between printed test accuracies (default: ${DEFAULT-VALUE})")
    @Range(min = 1, max = 100_000)
    int reportEvery = 1;

    @Mixin
    TrainingOptions training = new TrainingOptions(32, 3e-3, 0);

    @Mixin
    RateDecayOptions rateDecay = new RateDecayOptions();

    @Mixin
    SeedOption seed = new SeedOption(1);

    @Mixin
    OutOption out = new OutOption("runs/image");

    @Mixin
    CheckpointOptions checkpoints = new CheckpointOptions();

    @Override
    public Integer call() throws UsageException, RunFailedException {
        ImageTraining training = new ImageTraining(this, spec.commandLine().getOut());
        training.save(training.run());
        return 0;
    }
}
