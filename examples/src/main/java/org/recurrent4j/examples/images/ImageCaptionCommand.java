package org.recurrent4j.examples.images;

import java.util.concurrent.Callable;
import org.recurrent4j.conf.CellTypes;
import org.recurrent4j.examples.cli.CheckpointOptions;
import org.recurrent4j.examples.cli.HelpOption;
import org.recurrent4j.examples.cli.NetworkOptions;
import org.recurrent4j.examples.cli.OutOption;
import org.recurrent4j.examples.cli.Range;
import org.recurrent4j.examples.cli.RunFailedException;
import org.recurrent4j.examples.cli.SeedOption;
import org.recurrent4j.examples.cli.TrainingOptions;
import org.recurrent4j.examples.cli.UsageException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code recurrent4j image caption}: trains an image captioner (1→N: a 2-D-RNN encoder whose
 * features start a recurrent decoder, see {@link ShapeCaptioning}) on generated scenes of two
 * shapes ({@link org.recurrent4j.images.ShapeScenes}: "a red circle above a blue square"), reports
 * the exact match of its captions on scenes whose combination it never saw, greedy as it trains and
 * by beam search at the end, and saves the model, its curves and sample scenes (PNG) with their
 * captions. {@code image describe} captions image files with the saved model.
 *
 * <pre>
 * ./recurrent4j image caption --steps 3000 --out runs/caption
 * ./recurrent4j image describe --model runs/caption runs/caption/samples/scene-01.png
 * </pre>
 */
@Command(
        name = "caption",
        description = {
            "Trains an image captioner (a 2-D-RNN encoder and a recurrent decoder) on generated scenes of two shapes,"
                    + " reports the exact match of its captions on held-out scenes (combinations never trained on),"
                    + " and saves the model and sample scenes with their captions."
        })
public final class ImageCaptionCommand implements Callable<Integer> {

    /** The model file in the output directory. */
    static final String MODEL_FILE = "model.zip";

    @Spec
    CommandSpec spec;

    @Mixin
    private HelpOption help;

    @Mixin
    NetworkOptions network = new NetworkOptions(CellTypes.GRU, 24);

    @Option(
            names = "--patch",
            paramLabel = "P",
            description = "the encoder's sweeps run over P×P patches of the 16×16 scene (default: ${DEFAULT-VALUE})")
    @Range(min = 1, max = 16)
    int patch = 2;

    @Option(
            names = "--features",
            paramLabel = "F",
            description = "size of the image's feature vector that the decoder starts from (default: ${DEFAULT-VALUE})")
    @Range(min = 1, max = 8192)
    int features = 128;

    @Option(
            names = "--decoder-hidden",
            paramLabel = "H",
            description = "the decoder's units (default: ${DEFAULT-VALUE})")
    @Range(min = 1, max = 8192)
    int decoderHidden = 96;

    @Option(names = "--steps", paramLabel = "N", description = "training mini-batches (default: ${DEFAULT-VALUE})")
    @Range(min = 1, max = 10_000_000)
    int steps = 3000;

    @Option(
            names = "--report-every",
            paramLabel = "N",
            description = "steps between held-out scores (default: ${DEFAULT-VALUE})")
    @Range(min = 1, max = 10_000_000)
    int reportEvery = 500;

    @Option(
            names = "--test",
            paramLabel = "N",
            description = "drawings of held-out scenes scored (default: ${DEFAULT-VALUE})")
    @Range(min = 1, max = 100_000)
    int test = 500;

    @Option(
            names = "--beam",
            paramLabel = "W",
            description = "beam width of the final score and the samples' captions (default: ${DEFAULT-VALUE})")
    @Range(min = 1, max = 64)
    int beam = 3;

    @Option(
            names = "--samples",
            paramLabel = "N",
            description = "held-out scenes written as PNGs into OUT/samples with their captions (default:"
                    + " ${DEFAULT-VALUE})")
    @Range(min = 0, max = 1000)
    int samples = 8;

    @Mixin
    TrainingOptions training = new TrainingOptions(32, 3e-3, 0);

    @Mixin
    SeedOption seed = new SeedOption(7);

    @Mixin
    OutOption out = new OutOption("runs/caption");

    @Mixin
    CheckpointOptions checkpoints = new CheckpointOptions();

    @Override
    public Integer call() throws UsageException, RunFailedException {
        CaptionTraining run = new CaptionTraining(this, spec.commandLine().getOut());
        run.save(run.run());
        return 0;
    }
}
