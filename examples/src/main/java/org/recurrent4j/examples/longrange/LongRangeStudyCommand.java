package org.recurrent4j.examples.longrange;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.recurrent4j.conf.CellType;
import org.recurrent4j.conf.CellTypes;
import org.recurrent4j.examples.cli.CellNames;
import org.recurrent4j.examples.cli.HelpOption;
import org.recurrent4j.examples.cli.Range;
import org.recurrent4j.examples.cli.UsageException;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code recurrent4j long-range-study} (and {@link LongRangeStudy#main}): the options of the
 * long-range dependency study. {@code --smoke} swaps the full budget and tasks for a budget of
 * seconds; options given beside it still apply.
 */
@Command(
        name = "long-range-study",
        description = {
            "The long-range dependency study: every task with every cell under one budget; writes a table of the"
                    + " final test error and the steps to solve, learning curves and gradient-flow plots"
                    + " (docs/long-range.md)."
        })
public final class LongRangeStudyCommand implements Callable<Integer> {

    private static final StudyBudget FULL = StudyBudget.FULL;
    private static final StudyBudget SMOKE = StudyBudget.SMOKE;
    private static final List<String> SMOKE_TASKS = List.of("adding-8", "recall-4");

    @Spec
    private CommandSpec spec;

    @Mixin
    private HelpOption help;

    @Option(names = "--out", paramLabel = "DIR", description = "output directory (default: ${DEFAULT-VALUE})")
    private Path out = Path.of("long-range-study");

    @Option(
            names = "--tasks",
            paramLabel = "LIST",
            split = ",",
            converter = TaskConverter.class,
            description = "tasks, comma-separated, as family-length, e.g. adding-50 or recall-20"
                    + " (default: adding-50,adding-100,adding-200,recall-20)")
    private List<LongRangeTask> tasks;

    @Option(
            names = "--cells",
            paramLabel = "LIST",
            split = ",",
            completionCandidates = CellNames.class,
            description = "cells, comma-separated, of: ${COMPLETION-CANDIDATES} (default: rnn,lstm,gru)")
    private List<CellType> cells = List.of(CellTypes.RNN, CellTypes.LSTM, CellTypes.GRU);

    @Option(names = "--steps", paramLabel = "N", description = "training steps per run (default: ${DEFAULT-VALUE})")
    @Range(min = 1)
    private int steps = FULL.steps();

    @Option(names = "--batch", paramLabel = "N", description = "examples per step (default: ${DEFAULT-VALUE})")
    @Range(min = 1, max = 8192)
    private int batch = FULL.batch();

    @Option(names = "--hidden", paramLabel = "N", description = "hidden units (default: ${DEFAULT-VALUE})")
    @Range(min = 1, max = 8192)
    private int hidden = FULL.hidden();

    @Option(names = "--lr", paramLabel = "X", description = "Adam learning rate (default: ${DEFAULT-VALUE})")
    @Range(min = 1e-7, max = 1)
    private double learningRate = FULL.learningRate();

    @Option(
            names = "--clip",
            paramLabel = "X",
            description = "clip each layer's gradient to this L2 norm (default: ${DEFAULT-VALUE})")
    @Range(min = 0, max = 1e6)
    private double clip = FULL.clip();

    @Option(
            names = "--seed",
            paramLabel = "N",
            description = "seed of the networks and the data (default: ${DEFAULT-VALUE})")
    @Range(min = 0)
    private long seed = FULL.seed();

    @Option(
            names = "--eval-every",
            paramLabel = "N",
            description = "steps between test measurements (default: ${DEFAULT-VALUE})")
    @Range(min = 1)
    private int evalEvery = FULL.evalEvery();

    @Option(names = "--test-size", paramLabel = "N", description = "held-out examples (default: ${DEFAULT-VALUE})")
    @Range(min = 1)
    private int testSize = FULL.testSize();

    @Option(names = "--until-solved", description = "stop a run at its first test error below the task's threshold")
    private boolean untilSolved;

    @Option(names = "--smoke", description = "tiny budget and short tasks, for a quick check of the machinery")
    private boolean smoke;

    /** The study these options describe. */
    public StudyOptions options() {
        ParseResult parsed = spec.commandLine().getParseResult();
        StudyBudget budget = new StudyBudget(
                choose(parsed, "--steps", steps, SMOKE.steps()),
                choose(parsed, "--batch", batch, SMOKE.batch()),
                choose(parsed, "--hidden", hidden, SMOKE.hidden()),
                choose(parsed, "--lr", learningRate, SMOKE.learningRate()),
                choose(parsed, "--clip", clip, SMOKE.clip()),
                choose(parsed, "--seed", seed, SMOKE.seed()),
                choose(parsed, "--eval-every", evalEvery, SMOKE.evalEvery()),
                choose(parsed, "--test-size", testSize, SMOKE.testSize()),
                untilSolved);
        List<LongRangeTask> taskList = tasks != null
                ? tasks
                : (smoke ? SMOKE_TASKS : StudyTasks.DEFAULT)
                        .stream().map(StudyTasks::named).toList();
        return new StudyOptions(out, taskList, cells, budget);
    }

    /** The value given, or else the smoke budget's under {@code --smoke}, or else the full budget's. */
    private <T> T choose(ParseResult parsed, String option, T value, T smokeValue) {
        return smoke && !parsed.hasMatchedOption(option) ? smokeValue : value;
    }

    @Override
    public Integer call() throws UsageException {
        StudyOptions options = options();
        try {
            LongRangeStudy.run(options, spec.commandLine().getOut());
        } catch (IOException e) {
            throw new UsageException(
                    "could not write the results to " + options.out().toAbsolutePath() + ": " + e.getMessage());
        }
        return 0;
    }

    /** A task of {@link StudyTasks} by name. */
    static final class TaskConverter implements ITypeConverter<LongRangeTask> {
        @Override
        public LongRangeTask convert(String name) {
            try {
                return StudyTasks.named(name.trim());
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
