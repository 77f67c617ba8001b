package org.recurrent4j.examples.cli;

import picocli.CommandLine.Option;

/** {@code --seed}: the random seed of a command, with the command's default. */
public final class SeedOption {

    @Option(names = "--seed", paramLabel = "S", description = "random seed (default: ${DEFAULT-VALUE})")
    @Range(min = 0)
    private long seed;

    public SeedOption(long seed) {
        this.seed = seed;
    }

    public long seed() {
        return seed;
    }
}
