package org.recurrent4j.examples.longrange;

import java.io.IOException;
import java.util.Locale;
import org.recurrent4j.examples.cell.CellChoice;

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
 * Exit status: 0 when every run finished, 2 for bad options, 1 when a run failed to write.
 */
public final class LongRangeStudy {

    private LongRangeStudy() {}

    public static void main(String[] args) {
        StudyOptions options;
        try {
            options = StudyOptions.parse(args);
        } catch (StudyOptions.HelpRequested help) {
            System.out.println(StudyOptions.USAGE);
            return;
        } catch (IllegalArgumentException e) {
            System.err.println("LongRangeStudy: " + e.getMessage());
            System.err.println(StudyOptions.USAGE);
            System.exit(2);
            return;
        }
        try {
            run(options);
        } catch (IOException e) {
            System.err.println("LongRangeStudy: could not write the results to "
                    + options.out().toAbsolutePath() + ": " + e.getMessage());
            System.exit(1);
        }
    }

    /** Runs every task with every cell and writes the report; returns it. */
    public static StudyReport run(StudyOptions options) throws IOException {
        StudyReport report = new StudyReport(options.out(), options.budget());
        int total = options.tasks().size() * options.cells().size();
        int done = 0;
        for (LongRangeTask task : options.tasks()) {
            for (CellChoice cell : options.cells()) {
                RunResult result = StudyRun.run(task, cell, options.budget(), report.runDirectory(task, cell));
                report.add(task, result);
                done++;
                System.out.printf(
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
        System.out.println("Results in " + options.out().toAbsolutePath().resolve(StudyReport.RESULTS_MD));
        return report;
    }
}
