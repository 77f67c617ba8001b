package org.recurrent4j.examples.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --model}: the directory of a model saved by a command's training. */
public final class ModelDirectoryOption {

    @Option(
            names = "--model",
            paramLabel = "DIR",
            required = true,
            description = "directory of a saved model (the --out of training)")
    private Path model;

    /**
     * A file of the model directory.
     *
     * @throws UsageException when it is not there
     */
    public Path file(String name) throws UsageException {
        Path file = model.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new UsageException("--model: no " + name + " in " + model.toAbsolutePath()
                    + " (give the --out directory of a training run)");
        }
        return file;
    }

    public Path directory() {
        return model;
    }
}
