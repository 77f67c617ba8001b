package org.recurrent4j.examples.syntax;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.recurrent4j.examples.cli.HelpOption;
import org.recurrent4j.examples.cli.Range;
import org.recurrent4j.examples.cli.SeedOption;
import org.recurrent4j.examples.cli.UsageException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code recurrent4j tree-induction}: trains an ON-LSTM language model on generated bracketed text
 * and reports how well the trees read off its syntactic distances match the true ones ({@link
 * TreeInduction}).
 */
@Command(
        name = "tree-induction",
        description = {
            "Trains an embedding + ON-LSTM language model on generated text with nested brackets, induces a binary"
                    + " tree over each held-out sentence's words from the model's syntactic distances (Shen et al."
                    + " 2019), and prints the mean unlabeled F1 against the true brackets beside right-branching and"
                    + " random trees."
        })
public final class TreeInductionCommand implements Callable<Integer> {

    private static final TreeInduction.Settings DEFAULTS = TreeInduction.Settings.defaults();

    @Spec
    private CommandSpec spec;

    @Mixin
    private HelpOption help;

    @Option(
            names = "--vocabulary",
            paramLabel = "N",
            description = "words in the generated language (default: ${DEFAULT-VALUE})")
    @Range(min = 2, max = 100_000)
    private int vocabulary = DEFAULTS.vocabulary();

    @Option(
            names = "--min-words",
            paramLabel = "N",
            description = "fewest words per sentence (default: ${DEFAULT-VALUE})")
    @Range(min = 2, max = 1000)
    private int minWords = DEFAULTS.minWords();

    @Option(
            names = "--max-words",
            paramLabel = "N",
            description = "most words per sentence, at least --min-words (default: ${DEFAULT-VALUE})")
    @Range(min = 2, max = 1000)
    private int maxWords = DEFAULTS.maxWords();

    @Option(names = "--embedding", paramLabel = "N", description = "token embedding size (default: ${DEFAULT-VALUE})")
    @Range(min = 1, max = 4096)
    private int embedding = DEFAULTS.embedding();

    @Option(names = "--hidden", paramLabel = "N", description = "ON-LSTM units (default: ${DEFAULT-VALUE})")
    @Range(min = 1, max = 8192)
    private int hidden = DEFAULTS.hidden();

    @Option(
            names = "--chunk",
            paramLabel = "N",
            description = "ON-LSTM chunk size, must divide --hidden (default: ${DEFAULT-VALUE})")
    @Range(min = 1, max = 8192)
    private int chunk = DEFAULTS.chunk();

    @Option(names = "--steps", paramLabel = "N", description = "training mini-batches (default: ${DEFAULT-VALUE})")
    @Range(min = 0, max = 10_000_000)
    private int steps = DEFAULTS.steps();

    @Option(names = "--batch", paramLabel = "N", description = "sentences per mini-batch (default: ${DEFAULT-VALUE})")
    @Range(min = 1, max = 8192)
    private int batch = DEFAULTS.batch();

    @Option(names = "--test", paramLabel = "N", description = "held-out sentences scored (default: ${DEFAULT-VALUE})")
    @Range(min = 1, max = 1_000_000)
    private int test = DEFAULTS.testSentences();

    @Option(
            names = {"--lr", "--learning-rate"},
            paramLabel = "R",
            description = "Adam learning rate (default: ${DEFAULT-VALUE})")
    @Range(min = 1e-7, max = 1)
    private double learningRate = DEFAULTS.learningRate();

    @Mixin
    private SeedOption seed = new SeedOption(DEFAULTS.seed());

    @Override
    public Integer call() throws UsageException {
        if (hidden % chunk != 0) {
            throw new UsageException("--chunk " + chunk + " does not divide --hidden " + hidden);
        }
        if (maxWords < minWords) {
            throw new UsageException("--max-words " + maxWords + " is below --min-words " + minWords);
        }
        TreeInduction.Settings settings = new TreeInduction.Settings(
                vocabulary,
                minWords,
                maxWords,
                embedding,
                hidden,
                chunk,
                steps,
                batch,
                test,
                learningRate,
                seed.seed());
        PrintWriter out = spec.commandLine().getOut();
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
