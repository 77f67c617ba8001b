package org.recurrent4j.examples.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --out}: the directory a command saves its model and training curves in. */
public final class OutOption {

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "where to save the model and curves.csv/.png (default: ${DEFAULT-VALUE})")
    private Path out;

    public OutOption(String out) {
        this.out = Path.of(out);
    }

    public Path directory() {
        return out;
    }
}
