package org.recurrent4j.examples;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import org.recurrent4j.examples.charrnn.CharRnnCommand;
import org.recurrent4j.examples.cli.UsageException;
import org.recurrent4j.examples.jshell.NotebookCommand;
import org.recurrent4j.examples.sentiment.SentimentCommand;
import org.recurrent4j.examples.seq2seq.Seq2SeqCommand;
import org.recurrent4j.examples.syntax.TreeInductionCommand;

/**
 * The recurrent4j command line: {@code ./recurrent4j COMMAND [options]}.
 *
 * <p>Commands: {@code char-rnn} (train a character-level language model and sample from it),
 * {@code sentiment} (train a sentence classifier and report its dev accuracy), {@code
 * tree-induction} (ON-LSTM trees on bracketed text, scored against the truth), {@code seq2seq}
 * (an encoder-decoder on addition or reversal), {@code jshell NOTEBOOK} (run a JShell notebook of
 * {@code examples/jshell}; the launcher script opens JShell itself when no notebook is given). A
 * user error prints one line to standard error and exits with code 2; a failure of the program
 * itself exits with code 1.
 */
public final class Recurrent4jCli {

    static final String USAGE = String.join(
            "\n",
            "usage: recurrent4j COMMAND [options]",
            "",
            "commands:",
            "  char-rnn    train a character-level LSTM language model, then sample from it",
            "              (./recurrent4j char-rnn --help for its options)",
            "  sentiment   train a word-level GRU sentence classifier on SST-2, IMDB or your labelled text",
            "              (./recurrent4j sentiment --help for its options)",
            "  seq2seq     train an encoder-decoder on addition or reversal, scored by held-out exact match",
            "              (./recurrent4j seq2seq --help for its options)",
            "  tree-induction  train an ON-LSTM language model on bracketed text and score the trees it induces",
            "              (./recurrent4j tree-induction --help for its options)",
            "  jshell [NOTEBOOK]  open JShell with recurrent4j on the class path, or run a notebook of",
            "              examples/jshell and exit with its status: rnn-step-by-hand, structures,",
            "              vanishing-gradients, sample-char-rnn",
            "  help        print this text");

    private Recurrent4jCli() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a command and returns the exit code, without exiting the JVM. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            out.println(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        try {
            return switch (args[0]) {
                case "char-rnn" -> new CharRnnCommand(out).run(rest);
                case "sentiment" -> new SentimentCommand(out).run(rest);
                case "tree-induction" -> new TreeInductionCommand(out).run(rest);
                case "seq2seq" -> new Seq2SeqCommand(out).run(rest);
                case "jshell" -> new NotebookCommand(out, err).run(rest);
                default -> throw new UsageException("unknown command '" + args[0]
                        + "' (commands: char-rnn, sentiment, seq2seq, tree-induction, jshell, help)");
            };
        } catch (UsageException e) {
            err.println("recurrent4j: error: " + e.getMessage());
            return 2;
        }
    }
}
