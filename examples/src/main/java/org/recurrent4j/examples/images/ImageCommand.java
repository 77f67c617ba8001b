package org.recurrent4j.examples.images;

import java.util.concurrent.Callable;
import org.recurrent4j.examples.cli.HelpOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code recurrent4j image}: recurrent networks over images. {@code image train} trains a 2-D-RNN
 * classifier on a folder of labelled images, MNIST's IDX files or MNIST itself; {@code image
 * predict} labels image files with it; {@code image caption} trains an image captioner on generated
 * scenes of shapes, {@code image describe} captions scene images with it.
 *
 * <pre>
 * ./recurrent4j image train --images photos/ --epochs 20 --out runs/image
 * ./recurrent4j image predict --model runs/image cat.png
 * ./recurrent4j image caption --out runs/caption
 * ./recurrent4j image describe --model runs/caption scene.png
 * </pre>
 */
@Command(
        name = "image",
        description = {
            "Recurrent networks over images: 'train' a 2-D-RNN classifier, 'predict' labels image files with it;"
                    + " 'caption' trains an image captioner on generated scenes, 'describe' captions scene images with"
                    + " it."
        },
        subcommands = {
            ImageTrainCommand.class,
            ImagePredictCommand.class,
            ImageCaptionCommand.class,
            ImageDescribeCommand.class
        })
public final class ImageCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private HelpOption help;

    @Override
    public Integer call() {
        throw new ParameterException(
                spec.commandLine(),
                "missing subcommand: train, predict, caption or describe (recurrent4j image --help lists what they do)");
    }
}
