package org.recurrent4j.examples;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import org.recurrent4j.examples.charrnn.CharRnnCommand;
import org.recurrent4j.examples.cli.CommandLines;
import org.recurrent4j.examples.cli.HelpOption;
import org.recurrent4j.examples.images.ImageCommand;
import org.recurrent4j.examples.interop.ImportCommand;
import org.recurrent4j.examples.jshell.NotebookCommand;
import org.recurrent4j.examples.longrange.LongRangeStudyCommand;
import org.recurrent4j.examples.sentiment.SentimentCommand;
import org.recurrent4j.examples.seq2seq.Seq2SeqCommand;
import org.recurrent4j.examples.serving.ServeCommand;
import org.recurrent4j.examples.syntax.TreeInductionCommand;
import org.recurrent4j.examples.timeseries.TimeSeriesCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The recurrent4j command line: {@code ./recurrent4j COMMAND [SUBCOMMAND] [options]}, on picocli.
 * Every command has {@code --help}. Exit codes: 0 success; 2 a user error, reported as one line
 * {@code recurrent4j: error: ...} on standard error; 1 a failure of the program (see {@link
 * CommandLines}).
 */
@Command(
        name = "recurrent4j",
        description = "Recurrent neural networks on Deeplearning4j: train, sample, evaluate.",
        subcommands = {
            CharRnnCommand.class,
            SentimentCommand.class,
            Seq2SeqCommand.class,
            TimeSeriesCommand.class,
            ImageCommand.class,
            TreeInductionCommand.class,
            LongRangeStudyCommand.class,
            ImportCommand.class,
            ServeCommand.class,
            HelpCommand.class
        },
        footer = {
            "",
            // Lines short enough for picocli's 80 columns, so that "jshell [NOTEBOOK]" stays on one.
            "Run 'recurrent4j COMMAND --help' for a command's options.",
            "'recurrent4j jshell [NOTEBOOK]' runs a notebook of examples/jshell; without",
            "one, the ./recurrent4j launcher opens JShell with recurrent4j on the classpath."
        })
public final class Recurrent4jCli implements Callable<Integer> {

    /** The program's name in messages. */
    static final String PROGRAM = "recurrent4j";

    @Spec
    private CommandSpec spec;

    @Mixin
    private HelpOption help;

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a command and returns the exit code, without exiting the JVM. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return commandLine(out, err).execute(args);
    }

    /** The command line with every command, configured as {@link #run} runs it, writing to these streams. */
    public static CommandLine commandLine(PrintStream out, PrintStream err) {
        CommandLine line = new CommandLine(new Recurrent4jCli());
        // The notebook runner writes the snippets' output to the streams themselves.
        line.addSubcommand(new NotebookCommand(out, err));
        return CommandLines.configure(line, PROGRAM, out, err);
    }

    @Override
    public Integer call() {
        throw new ParameterException(
                spec.commandLine(),
                "missing command: one of "
                        + String.join(", ", spec.subcommands().keySet()) + " (recurrent4j --help lists what they do)");
    }
}
