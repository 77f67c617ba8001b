package org.recurrent4j.examples.cli;

import picocli.CommandLine.Option;

/** {@code -h}/{@code --help}: every command's generated usage text. */
public final class HelpOption {
    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "print this help and exit")
    boolean help;
}
