package org.recurrent4j.examples.syntax;

import java.io.PrintStream;
import java.util.List;
import java.util.Set;
import org.recurrent4j.examples.cli.Options;
import org.recurrent4j.examples.cli.UsageException;

/**
 * {@code recurrent4j tree-induction}: trains an ON-LSTM language model on generated bracketed text
 * and reports how well the trees read off its syntactic distances match the true ones ({@link
 * TreeInduction}).
 */
public final class TreeInductionCommand {

    static final String HELP = String.join(
            "\n",
            "usage: recurrent4j tree-induction [options]",
            "",
            "Trains an embedding + ON-LSTM language model on generated text with nested brackets, induces a binary",
            "tree over each held-out sentence's words from the model's syntactic distances (Shen et al. 2019), and",
            "prints the mean unlabeled F1 against the true brackets beside right-branching and random trees.",
            "",
            "  --vocabulary N       words in the generated language (default: 20)",
            "  --min-words N        fewest words per sentence (default: 4)",
            "  --max-words N        most words per sentence (default: 12)",
            "  --embedding N        token embedding size (default: 32)",
            "  --hidden N           ON-LSTM units (default: 64)",
            "  --chunk N            ON-LSTM chunk size, must divide --hidden (default: 8)",
            "  --steps N            training mini-batches (default: 1500)",
            "  --batch N            sentences per mini-batch (default: 32)",
            "  --test N             held-out sentences scored (default: 500)",
            "  --learning-rate R    Adam learning rate (default: 0.01)",
            "  --seed S             random seed (default: 7)");

    private static final Set<String> VALUED = Set.of(
            "vocabulary",
            "min-words",
            "max-words",
            "embedding",
            "hidden",
            "chunk",
            "steps",
            "batch",
            "test",
            "learning-rate",
            "seed");

    private final PrintStream out;

    public TreeInductionCommand(PrintStream out) {
        this.out = out;
    }

    /** Runs the command; returns the exit code. */
    public int run(List<String> args) throws UsageException {
        Options o = Options.parse(args, VALUED, Set.of("help"));
        if (o.has("help")) {
            out.println(HELP);
            return 0;
        }
        TreeInduction.Settings d = TreeInduction.Settings.defaults();
        int minWords = o.intValue("min-words", d.minWords(), 2, 1000);
        int hidden = o.intValue("hidden", d.hidden(), 1, 8192);
        int chunk = o.intValue("chunk", d.chunk(), 1, 8192);
        if (hidden % chunk != 0) {
            throw new UsageException("--chunk " + chunk + " does not divide --hidden " + hidden);
        }
        TreeInduction.Settings settings = new TreeInduction.Settings(
                o.intValue("vocabulary", d.vocabulary(), 2, 100_000),
                minWords,
                o.intValue("max-words", Math.max(minWords, d.maxWords()), minWords, 1000),
                o.intValue("embedding", d.embedding(), 1, 4096),
                hidden,
                chunk,
                o.intValue("steps", d.steps(), 0, 10_000_000),
                o.intValue("batch", d.batch(), 1, 4096),
                o.intValue("test", d.testSentences(), 1, 1_000_000),
                o.doubleValue("learning-rate", d.learningRate(), 1e-7, 1.0),
                o.intValue("seed", (int) d.seed(), 0, Integer.MAX_VALUE));
        out.printf(
                "data: sentences of %d to %d words over %d words, brackets around every constituent;"
                        + " %d held-out sentences%n",
                settings.minWords(), settings.maxWords(), settings.vocabulary(), settings.testSentences());
        out.printf(
                "model: embedding(%d) -> OnLstm(%d, chunk %d) -> softmax over the next token; %d steps of %d%n",
                settings.embedding(), settings.hidden(), settings.chunk(), settings.steps(), settings.batch());
        long start = System.nanoTime();
        int every = Math.max(1, settings.steps() / 10);
        TreeInduction.Scores s = new TreeInduction(settings).run(step -> {
            if (step % every == 0) {
                out.printf("  step %d of %d (%.0f s)%n", step, settings.steps(), (System.nanoTime() - start) / 1e9);
            }
        });
        out.printf("held-out loss: %.3f nats/token before training, %.3f after%n", s.untrainedLoss(), s.loss());
        out.println("mean sentence F1 against the true brackets:");
        out.printf("  ON-LSTM distances, trained     %.3f%n", s.onLstm());
        out.printf("  ON-LSTM distances, untrained   %.3f%n", s.untrained());
        out.printf("  right-branching                %.3f%n", s.rightBranching());
        out.printf("  random splits                  %.3f%n", s.random());
        return 0;
    }
}
