package org.recurrent4j.examples.cli;

import org.deeplearning4j.nn.conf.GradientNormalization;
import picocli.CommandLine.Option;

/**
 * The optimisation options every training command shares: {@code --batch}, {@code --lr}, {@code
 * --clip} and {@code --quiet}, with the command's defaults.
 */
public final class TrainingOptions {

    @Option(names = "--batch", paramLabel = "B", description = "examples per mini-batch (default: ${DEFAULT-VALUE})")
    @Range(min = 1, max = 8192)
    private int batch;

    @Option(
            names = {"--lr", "--learning-rate"},
            paramLabel = "R",
            description = "Adam learning rate (default: ${DEFAULT-VALUE})")
    @Range(min = 1e-7, max = 1)
    private double learningRate;

    @Option(
            names = "--clip",
            paramLabel = "X",
            description = "clip each layer's gradient to this L2 norm, 0 for no clipping (default: ${DEFAULT-VALUE})")
    @Range(min = 0, max = 1e6)
    private double clip;

    @Option(names = "--quiet", description = "no progress bar (there is none when standard error is not a terminal)")
    private boolean quiet;

    public TrainingOptions(int batch, double learningRate, double clip) {
        this.batch = batch;
        this.learningRate = learningRate;
        this.clip = clip;
    }

    public int batch() {
        return batch;
    }

    public double learningRate() {
        return learningRate;
    }

    public double clip() {
        return clip;
    }

    /** How {@link #clip()} is applied: per layer, by L2 norm; none at 0. */
    public GradientNormalization clipping() {
        return clip > 0 ? GradientNormalization.ClipL2PerLayer : GradientNormalization.None;
    }

    /** Whether to show a progress bar. */
    public boolean progressBar() {
        return !quiet && System.console() != null;
    }
}
