package org.recurrent4j.examples.training;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.recurrent4j.checkpoint.Checkpoint;
import org.recurrent4j.checkpoint.CheckpointException;
import org.recurrent4j.examples.cli.CheckpointOptions;
import org.recurrent4j.examples.cli.DashboardOption;
import org.recurrent4j.examples.cli.ProgressBarListener;
import org.recurrent4j.examples.cli.RunFailedException;
import org.recurrent4j.examples.cli.UsageException;
import org.recurrent4j.training.Interval;
import org.recurrent4j.training.RateSchedule;
import org.recurrent4j.training.RunResult;
import org.recurrent4j.training.TrainingDivergedException;
import org.recurrent4j.training.TrainingRun;
import picocli.CommandLine.Model.CommandSpec;

/**
 * How a training command wires the library's {@link TrainingRun} to its command line: {@code
 * --resume} (the checkpoint's options taken for those not given, contradictions refused), the
 * recorded options and data fingerprint ({@link RunSettings}), the learning-rate options, {@code
 * --checkpoint-every} into {@code OUT/checkpoints}, {@code --ui} (DL4J's dashboard, {@link
 * DashboardOption}), the progress bar, and the library's errors as
 * one-line messages with the command's own options in them.
 *
 * <pre>{@code
 * CommandRun command = CommandRun.start(spec, checkpointOptions);
 * RunSettings settings = command.settings(DataFingerprint.sha256(lines));
 * TrainingRun.Builder builder = command.builder(() -> buildNetwork())
 *         .data(batches).epochs(epochs).evaluate(Interval.epochs(1), Metrics.accuracy(dev));
 * builder.learningRate(command.schedule(rateOptions, lr));
 * TrainingRun run = command.build(builder, checkpointOptions, out);
 * RunResult result = command.train(run, new ProgressBarListener("sentiment", showBar));
 * }</pre>
 */
public final class CommandRun {

    /** Builds a fresh network. */
    @FunctionalInterface
    public interface NetworkFactory {
        Model build() throws UsageException;
    }

    private final CommandSpec command;
    private final Set<String> notRecorded;
    private final Optional<Checkpoint> resume;
    private RunSettings settings;

    private CommandRun(CommandSpec command, Set<String> notRecorded, Optional<Checkpoint> resume) {
        this.command = command;
        this.notRecorded = notRecorded;
        this.resume = resume;
    }

    /**
     * A command's run: with {@code --resume}, the checkpoint is opened and its options taken for
     * those the command line leaves out.
     *
     * @throws UsageException if the checkpoint is missing, damaged, another command's, or an option
     *     contradicts it
     */
    public static CommandRun start(CommandSpec command, CheckpointOptions checkpoints) throws UsageException {
        return start(command, checkpoints, Set.of());
    }

    /** {@link #start(CommandSpec, CheckpointOptions)} for a command whose options {@code notRecorded} are not the run's. */
    public static CommandRun start(CommandSpec command, CheckpointOptions checkpoints, Set<String> notRecorded)
            throws UsageException {
        Optional<Checkpoint> resume = checkpoints.resumeFrom();
        if (resume.isPresent()) {
            RunSettings.adopt(command, resume.get(), notRecorded);
        }
        return new CommandRun(command, notRecorded, resume);
    }

    /** The checkpoint {@code --resume} names, if given. */
    public Optional<Checkpoint> resume() {
        return resume;
    }

    /** Whether this run resumes a checkpoint. */
    public boolean resumed() {
        return resume.isPresent();
    }

    /**
     * The run's settings (every recorded option and the training data's fingerprint); for a
     * resumed run, checked against the checkpoint's.
     *
     * @throws UsageException naming what differs from the checkpoint
     */
    public RunSettings settings(String dataFingerprint) throws UsageException {
        settings = RunSettings.of(command, dataFingerprint, notRecorded);
        if (resume.isPresent()) {
            settings.check(resume.get());
        }
        return settings;
    }

    /** A builder of the run: the checkpoint's network for a resumed run, else {@code fresh}'s. */
    public TrainingRun.Builder builder(NetworkFactory fresh) throws UsageException {
        if (resume.isPresent()) {
            try {
                return TrainingRun.resuming(resume.get());
            } catch (IOException e) {
                throw new UsageException("--resume: " + e.getMessage());
            }
        }
        Model net = fresh.build();
        if (net instanceof MultiLayerNetwork mln) {
            return TrainingRun.of(mln);
        }
        return TrainingRun.of((ComputationGraph) net);
    }

    /**
     * The learning-rate schedule of {@code --lr} and the decay options; for a resumed run, null
     * (the checkpoint's schedule goes on) unless {@code --lr} is given, which restarts the same
     * shape from that rate.
     */
    public RateSchedule schedule(RateDecayOptions decay, double learningRate) throws UsageException {
        if (resume.isPresent() && !given("--lr")) {
            return null;
        }
        return decay.schedule(learningRate, command);
    }

    /** Whether {@code option} was given on the command line. */
    public boolean given(String option) {
        return RunSettings.given(command, option);
    }

    /**
     * The configured run, checkpointing into {@code out}/checkpoints at {@code --checkpoint-every}
     * with the run's settings.
     *
     * @throws UsageException if the checkpoint has used the budget already, or does not continue
     *     this run
     */
    public TrainingRun build(TrainingRun.Builder builder, CheckpointOptions checkpoints, Path out)
            throws UsageException {
        if (settings == null) {
            throw new IllegalStateException("settings(...) comes before build(...)");
        }
        long every = checkpoints.interval().toNanos();
        builder.checkpoints(
                        CheckpointOptions.store(out),
                        every > 0 ? Interval.time(checkpoints.interval()) : Interval.never())
                .properties(settings.properties())
                .dataFingerprint(settings.dataFingerprint());
        Optional<DashboardOption> dashboard = DashboardOption.of(command);
        if (dashboard.isPresent()) {
            dashboard.get().attach(builder.network(), command.commandLine().getOut());
        }
        try {
            return builder.build();
        } catch (TrainingRun.SpentBudgetException e) {
            throw new UsageException("--" + e.unit() + " " + e.budget() + ": " + e.checkpoint() + " has trained "
                    + e.done() + (e.unit().equals("epochs") ? " epoch(s)" : " steps") + " already: give more --"
                    + e.unit() + " to continue it");
        } catch (CheckpointException | IllegalArgumentException e) {
            throw new UsageException("--resume: " + e.getMessage());
        }
    }

    /**
     * Trains, with {@code progress} as a listener.
     *
     * @throws RunFailedException if training diverged (the message names the last good checkpoint
     *     and the options to continue from it) or a checkpoint could not be written
     */
    public static RunResult train(TrainingRun run, ProgressBarListener progress) throws RunFailedException {
        try {
            return run.train();
        } catch (TrainingDivergedException e) {
            throw new RunFailedException(advice(e), e);
        } catch (IOException | UncheckedIOException e) {
            throw new RunFailedException("training stopped: " + e.getMessage(), e);
        } finally {
            progress.close();
        }
    }

    /** What the command line says when training diverged: where, and the options to go on from the last checkpoint. */
    static String advice(TrainingDivergedException e) {
        String what = "training diverged at step " + e.step() + " (loss " + e.score() + ")";
        String lower = Double.isNaN(e.learningRate()) ? "a tenth of it" : Double.toString(e.learningRate() / 10);
        if (e.lastCheckpoint().isEmpty()) {
            return what + "; no checkpoint was written before it: train again with a lower learning rate (--lr " + lower
                    + ") or clip gradients (--clip)";
        }
        Path last = e.lastCheckpoint().get();
        return what + "; the last good checkpoint is " + last + ": continue from it with a lower learning rate,"
                + " e.g. --resume " + last + " --lr " + lower;
    }
}
