package org.recurrent4j.examples.longrange;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.recurrent4j.conf.CellType;
import org.recurrent4j.examples.diagnostics.CsvTable;
import org.recurrent4j.examples.diagnostics.GradientFlowCharts;
import org.recurrent4j.examples.diagnostics.PngChart;
import org.recurrent4j.io.AtomicFile;

/**
 * The study's output directory, rewritten after every run so an interrupted study keeps what it
 * finished:
 *
 * <ul>
 *   <li>{@code results.csv} and {@code results.md}: one row per task and cell: final test error,
 *       the no-memory baseline, the solve threshold, steps to solve, steps run, seconds;
 *   <li>{@code curves.csv}: {@code task,cell,step,train_loss,test_error} at every measured step;
 *   <li>{@code <task>-test-error.png}: the test error against the step, one line per cell, with the
 *       baseline and the solve threshold;
 *   <li>{@code <task>-gradient-flow.png}: {@code ‖∂L/∂h_k‖ / ‖∂L/∂h_T‖} at the first step, one line
 *       per cell (how much gradient reaches back k steps before any training);
 *   <li>{@code runs/<task>-<cell>/}: that run's gradient-flow diagnostics (CSV and PNG).
 * </ul>
 */
public final class StudyReport {

    public static final String RESULTS_CSV = "results.csv";
    public static final String RESULTS_MD = "results.md";
    public static final String CURVES_CSV = "curves.csv";

    private final Path directory;
    private final StudyBudget budget;
    private final List<RunResult> results = new ArrayList<>();
    private final Map<String, LongRangeTask> tasks = new LinkedHashMap<>();

    public StudyReport(Path directory, StudyBudget budget) {
        this.directory = directory;
        this.budget = budget;
    }

    /** Where the diagnostics of one run go. */
    public Path runDirectory(LongRangeTask task, CellType cell) {
        return directory.resolve("runs").resolve(task.name() + "-" + cell.id());
    }

    /** Adds a finished run of {@code task} and rewrites every file. */
    public void add(LongRangeTask task, RunResult result) throws IOException {
        tasks.put(task.name(), task);
        results.add(result);
        write();
    }

    public List<RunResult> results() {
        return List.copyOf(results);
    }

    private void write() throws IOException {
        resultsTable().write(directory.resolve(RESULTS_CSV));
        byte[] markdown = markdown().getBytes(StandardCharsets.UTF_8);
        AtomicFile.writeStream(directory.resolve(RESULTS_MD), out -> out.write(markdown));
        curvesTable().write(directory.resolve(CURVES_CSV));
        Map<String, List<RunResult>> byTask = new LinkedHashMap<>();
        for (RunResult r : results) {
            byTask.computeIfAbsent(r.task(), k -> new ArrayList<>()).add(r);
        }
        for (Map.Entry<String, List<RunResult>> e : byTask.entrySet()) {
            PngChart.write(directory.resolve(e.getKey() + "-test-error.png"), errorChart(e.getKey(), e.getValue()));
            Map<String, double[]> profiles = new LinkedHashMap<>();
            for (RunResult r : e.getValue()) {
                if (r.initialStateGradients() != null) {
                    profiles.put(r.cell(), r.initialStateGradients());
                }
            }
            XYChart flow = GradientFlowCharts.compareProfiles(
                    e.getKey() + ": gradient reaching back k steps, before training", profiles);
            if (flow != null) {
                PngChart.write(directory.resolve(e.getKey() + "-gradient-flow.png"), flow);
            }
        }
    }

    CsvTable resultsTable() {
        CsvTable table = new CsvTable(
                "task",
                "cell",
                "error",
                "final_test_error",
                "baseline",
                "solved_below",
                "steps_to_solve",
                "steps_run",
                "diverged",
                "seconds");
        for (RunResult r : results) {
            table.add(
                    r.task(),
                    r.cell(),
                    r.errorName(),
                    r.finalError(),
                    r.baseline(),
                    r.solvedBelow(),
                    r.solved() ? r.stepsToSolve() : null,
                    r.stepsRun(),
                    r.diverged(),
                    String.format(Locale.ROOT, "%.1f", r.seconds()));
        }
        return table;
    }

    CsvTable curvesTable() {
        CsvTable table = new CsvTable("task", "cell", "step", "train_loss", "test_error");
        for (RunResult r : results) {
            for (RunResult.CurvePoint p : r.curve()) {
                table.add(r.task(), r.cell(), p.step(), p.trainLoss(), p.testError());
            }
        }
        return table;
    }

    /** The results as a markdown table, after a line that states the budget. */
    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append(String.format(
                Locale.ROOT,
                "Budget per run: %d steps of batch %d, hidden size %d, Adam learning rate %s, gradient L2 norm"
                        + " clipped to %s per layer, seed %d, test error on %d held-out examples every %d steps.%n%n",
                budget.steps(),
                budget.batch(),
                budget.hidden(),
                number(budget.learningRate()),
                number(budget.clip()),
                budget.seed(),
                budget.testSize(),
                budget.evalEvery()));
        md.append("| task | cell | test error | final | no-memory baseline | solved below | steps to solve | steps run"
                + " | seconds |\n");
        md.append("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (RunResult r : results) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %s | %s | %s | %s | %s | %d | %.0f |%n",
                    r.task(),
                    r.cell(),
                    r.errorName(),
                    r.diverged() ? "diverged" : number(r.finalError()),
                    number(r.baseline()),
                    number(r.solvedBelow()),
                    r.solved() ? Long.toString(r.stepsToSolve()) : "not solved",
                    r.stepsRun(),
                    r.seconds()));
        }
        return md.toString();
    }

    /** Four significant digits, without trailing zeros; scientific notation for tiny or huge values. */
    static String number(double value) {
        if (!Double.isFinite(value)) {
            return Double.toString(value);
        }
        if (value == 0.0) {
            return "0";
        }
        double magnitude = Math.abs(value);
        if (magnitude < 1e-3 || magnitude >= 1e6) {
            return String.format(Locale.ROOT, "%.3e", value);
        }
        return new BigDecimal(value)
                .round(new MathContext(4))
                .stripTrailingZeros()
                .toPlainString();
    }

    private XYChart errorChart(String task, List<RunResult> runs) {
        RunResult first = runs.get(0);
        XYChart chart = new XYChartBuilder()
                .width(900)
                .height(520)
                .title(task + ": test " + first.errorName())
                .xAxisTitle("training step")
                .yAxisTitle("test " + first.errorName())
                .build();
        boolean log = tasks.get(task).logScale();
        chart.getStyler().setYAxisLogarithmic(log);
        long last = 1;
        Set<String> cells = new LinkedHashSet<>();
        for (RunResult r : runs) {
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (RunResult.CurvePoint p : r.curve()) {
                if (Double.isFinite(p.testError()) && (!log || p.testError() > 0)) {
                    x.add((double) p.step());
                    y.add(p.testError());
                }
                last = Math.max(last, p.step());
            }
            if (!x.isEmpty() && cells.add(r.cell())) {
                chart.addSeries(r.cell(), toArray(x), toArray(y)).setMarker(SeriesMarkers.NONE);
            }
        }
        reference(chart, "no-memory baseline", first.baseline(), last);
        reference(chart, "solved below", first.solvedBelow(), last);
        return chart;
    }

    private static void reference(XYChart chart, String name, double level, long last) {
        XYSeries series = chart.addSeries(name, new double[] {0, last}, new double[] {level, level});
        series.setMarker(SeriesMarkers.NONE);
        series.setLineStyle(SeriesLines.DASH_DASH);
    }

    private static double[] toArray(List<Double> values) {
        double[] array = new double[values.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = values.get(i);
        }
        return array;
    }
}
