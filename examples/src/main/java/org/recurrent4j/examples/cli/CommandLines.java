package org.recurrent4j.examples.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.recurrent4j.conf.CellType;
import org.recurrent4j.conf.CellTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.TypeConversionException;

/**
 * Makes the picocli {@link CommandLine} of a command with the project's conventions: exit code 2
 * and one line {@code recurrent4j: error: ...} on standard error for a user error (a bad option
 * or value, an out-of-range number, a {@link UsageException}), exit code 1 and one line for a run
 * that stopped for a reason it explains ({@link RunFailedException}), exit code 1 and the stack
 * trace in the log for a failure of the program, 0 for success; {@link Range}s checked; a {@link CellType}
 * option takes any name {@link CellTypes} knows (registered cells included).
 */
public final class CommandLines {

    /** Exit code of a user error. */
    public static final int USAGE = 2;
    /** Exit code of a failure of the program. */
    public static final int FAILURE = 1;

    private static final Logger LOG = LoggerFactory.getLogger(CommandLines.class);

    private CommandLines() {}

    /** The command line of {@code command}, printing to {@code out} and {@code err}. */
    public static CommandLine create(Object command, String program, PrintStream out, PrintStream err) {
        return configure(new CommandLine(command), program, out, err);
    }

    /**
     * Configures {@code line} and its subcommands; picocli applies these settings to the subcommands
     * present, so add them all first.
     *
     * @param program the name that begins error messages
     */
    public static CommandLine configure(CommandLine line, String program, PrintStream out, PrintStream err) {
        line.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        line.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        line.setCaseInsensitiveEnumValuesAllowed(true);
        line.registerConverter(CellType.class, CommandLines::cell);
        line.setParameterExceptionHandler((e, args) -> userError(e.getCommandLine(), program, e.getMessage()));
        line.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            if (e instanceof UsageException) {
                return userError(commandLine, program, e.getMessage());
            }
            if (e instanceof RunFailedException) {
                commandLine
                        .getErr()
                        .println(program + ": " + e.getMessage().strip().replaceAll("\\s*\\R\\s*", " "));
                LOG.info("{} stopped", program, e);
                return FAILURE;
            }
            commandLine.getErr().println(program + ": failure: " + e);
            // A failure of the program itself, not the user's: its trace goes to the log, for a bug report.
            LOG.error("{} failed", program, e);
            return FAILURE;
        });
        line.setExecutionStrategy(parsed -> {
            RangeCheck.check(parsed);
            return new CommandLine.RunLast().execute(parsed);
        });
        return line;
    }

    private static int userError(CommandLine line, String program, String message) {
        // One line whatever the message: picocli's own messages may span lines.
        line.getErr().println(program + ": error: " + message.strip().replaceAll("\\s*\\R\\s*", " "));
        return USAGE;
    }

    private static CellType cell(String name) {
        try {
            return CellTypes.named(name);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
