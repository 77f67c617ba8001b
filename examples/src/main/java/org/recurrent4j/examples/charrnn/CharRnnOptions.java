package org.recurrent4j.examples.charrnn;

import java.io.IOException;
import java.nio.file.Path;
import org.recurrent4j.conf.CellTypes;
import org.recurrent4j.examples.cli.CheckpointOptions;
import org.recurrent4j.examples.cli.DashboardOption;
import org.recurrent4j.examples.cli.NetworkOptions;
import org.recurrent4j.examples.cli.OutOption;
import org.recurrent4j.examples.cli.Range;
import org.recurrent4j.examples.cli.SeedOption;
import org.recurrent4j.examples.cli.TrainingOptions;
import org.recurrent4j.examples.cli.UsageException;
import org.recurrent4j.examples.training.RateDecayOptions;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The options of char-RNN training, shared by {@code char-rnn} and {@code char-rnn train}. */
public final class CharRnnOptions {

    /** The command these options belong to: to tell options given on the command line from defaults. */
    @Spec(Spec.Target.MIXEE)
    private CommandSpec command;

    @Option(
            names = "--text",
            paramLabel = "FILE",
            description = "UTF-8 text to train on (default: the embedded corpus, recurrent4j's own sources)")
    private Path text;

    @Option(
            names = "--dataset",
            paramLabel = "NAME",
            description = "train on a public data set, downloaded once into ~/.recurrent4j/data:"
                    + " tinyshakespeare (1.1 MB, needs the network the first time)")
    private String dataset;

    @Mixin
    private NetworkOptions network = new NetworkOptions(CellTypes.LSTM, 256);

    @Option(names = "--layers", paramLabel = "L", description = "stacked recurrent layers (default: ${DEFAULT-VALUE})")
    @Range(min = 1, max = 16)
    private int layers = 2;

    @Option(
            names = "--dropout",
            paramLabel = "P",
            description = "drop each output of a recurrent layer with probability P while training, against"
                    + " overfitting a small text (default: ${DEFAULT-VALUE})")
    @Range(min = 0, max = 0.95)
    private double dropout = 0;

    @Option(
            names = "--seq-length",
            paramLabel = "N",
            description = "characters per training window (default: ${DEFAULT-VALUE})")
    @Range(min = 2, max = 10_000)
    private int seqLength = 100;

    @Option(names = "--tbptt", paramLabel = "N", description = "truncated BPTT length (default: ${DEFAULT-VALUE})")
    @Range(min = 1, max = 10_000)
    private int tbptt = 50;

    @Option(names = "--minutes", paramLabel = "M", description = "training time budget (default: ${DEFAULT-VALUE})")
    @Range(min = 0, max = 24 * 60)
    private double minutes = 3;

    @Option(
            names = "--steps",
            paramLabel = "N",
            description = "stop at training step N, counting the steps before --resume (default: ${DEFAULT-VALUE},"
                    + " no limit but --minutes)")
    @Range(min = 0)
    private int steps;

    @Mixin
    private TrainingOptions training = new TrainingOptions(32, 0.002, CharRnnModel.Settings.DEFAULT_CLIP);

    @Mixin
    private RateDecayOptions rateDecay = new RateDecayOptions();

    @Mixin
    private SeedOption seed = new SeedOption(42);

    @Mixin
    private OutOption out = new OutOption("runs/char-rnn");

    @Mixin
    private CheckpointOptions checkpoints = new CheckpointOptions();

    @Mixin
    private DashboardOption dashboard = new DashboardOption();

    /** The text to train on: {@code --text}, {@code --dataset} or the embedded corpus. */
    public TextCorpus corpus() throws UsageException {
        if (text != null && dataset != null) {
            throw new UsageException("--text and --dataset both name the text to train on: give one of them");
        }
        return text != null ? TextCorpus.fromFile(text) : dataset != null ? TextCorpus.dataset(dataset) : embedded();
    }

    private static TextCorpus embedded() throws UsageException {
        try {
            return TextCorpus.embedded();
        } catch (IOException e) {
            throw new UsageException(e.getMessage());
        }
    }

    public CharRnnModel.Settings settings() {
        return new CharRnnModel.Settings(
                network.cell(),
                network.hidden(),
                layers,
                tbptt,
                training.learningRate(),
                seed.seed(),
                training.clip(),
                dropout);
    }

    /** Whether {@code option} was given on the command line (not left at its default). */
    public boolean given(String option) {
        return command.commandLine().getParseResult().hasMatchedOption(option);
    }

    /** The command these options belong to. */
    public CommandSpec command() {
        return command;
    }

    /** The learning-rate schedule's options. */
    public RateDecayOptions rateDecay() {
        return rateDecay;
    }

    public CheckpointOptions checkpoints() {
        return checkpoints;
    }

    public int seqLength() {
        return seqLength;
    }

    public double minutes() {
        return minutes;
    }

    public int steps() {
        return steps;
    }

    public TrainingOptions training() {
        return training;
    }

    public long seed() {
        return seed.seed();
    }

    public Path out() {
        return out.directory();
    }
}
