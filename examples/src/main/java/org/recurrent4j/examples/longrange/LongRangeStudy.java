package org.recurrent4j.examples.longrange;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import org.recurrent4j.conf.CellType;
import org.recurrent4j.examples.cli.CommandLines;

/**
 * The long-range dependency study: every task × every cell under one budget, with a table of the
 * final test error and the steps to solve, learning curves, and gradient-flow plots (see {@code
 * docs/long-range.md}).
 *
 * <pre>
 *   java -cp ... org.recurrent4j.examples.longrange.LongRangeStudy --out study
 *   java -cp ... org.recurrent4j.examples.longrange.LongRangeStudy --smoke --out /tmp/smoke
 * </pre>
 *
 * Its options are {@link LongRangeStudyCommand}'s ({@code --help} lists them), also {@code recurrent4j
 * long-range-study}. Exit status: 0 when every run finished, 2 for bad options or results that cannot be
 * written, 1 for a failure of the program.
 */
public final class LongRangeStudy {

    private LongRangeStudy() {}

    public static void main(String[] args) {
        System.exit(CommandLines.create(new LongRangeStudyCommand(), "LongRangeStudy", System.out, System.err)
                .execute(args));
    }

    /** Runs every task with every cell, prints a line per run, writes the report; returns it. */
    public static StudyReport run(StudyOptions options) throws IOException {
        PrintWriter out = new PrintWriter(System.out, true);
        return run(options, out);
    }

    /**
     * Runs every task with every cell, prints a line per measurement and per run to {@code out},
     * writes the report after every run; returns it.
     */
    public static StudyReport run(StudyOptions options, PrintWriter out) throws IOException {
        StudyReport report = new StudyReport(options.out(), options.budget());
        int total = options.tasks().size() * options.cells().size();
        int done = 0;
        for (LongRangeTask task : options.tasks()) {
            for (CellType cell : options.cells()) {
                long start = System.nanoTime();
                RunResult result = StudyRun.run(
                        task,
                        cell,
                        options.budget(),
                        report.runDirectory(task, cell),
                        point -> out.printf(
                                Locale.ROOT,
                                "  %s %s step %d: train loss %.4g, test %s %.4g, %.0f s%n",
                                task.name(),
                                cell.id(),
                                point.step(),
                                point.trainLoss(),
                                task.errorName(),
                                point.testError(),
                                (System.nanoTime() - start) / 1e9));
                report.add(task, result);
                done++;
                out.printf(
                        Locale.ROOT,
                        "[%d/%d] %s %s: test %s %.4g (no-memory baseline %.4g), %s, %.0f s%n",
                        done,
                        total,
                        task.name(),
                        cell.id(),
                        result.errorName(),
                        result.finalError(),
                        result.baseline(),
                        result.diverged()
                                ? "diverged at step " + result.stepsRun()
                                : result.solved() ? "solved at step " + result.stepsToSolve() : "not solved",
                        result.seconds());
            }
        }
        out.println("Results in " + options.out().toAbsolutePath().resolve(StudyReport.RESULTS_MD));
        return report;
    }
}
