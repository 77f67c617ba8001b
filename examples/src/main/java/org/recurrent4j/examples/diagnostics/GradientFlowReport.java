package org.recurrent4j.examples.diagnostics;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.recurrent4j.training.GradientFlowListener;
import org.recurrent4j.training.GradientFlowRecord;

/**
 * Writes what a {@link GradientFlowListener} recorded into a directory:
 *
 * <ul>
 *   <li>{@code state-gradients.csv}: {@code iteration,epoch,layer,step,norm}, one row per recorded
 *       iteration, recurrent layer and step k = 1 … T, {@code norm} = {@code ‖∂L/∂h_k‖} ({@code
 *       NaN} where truncated BPTT did not reach);
 *   <li>{@code parameter-gradients.csv}: {@code iteration,epoch,score,parameter,norm}, one row per
 *       recorded iteration and parameter;
 *   <li>{@code state-gradients.png}: {@code ‖∂L/∂h_k‖} against k for up to five recorded
 *       iterations (log scale); not written when nothing recorded state gradients (e.g. RTRL);
 *   <li>{@code parameter-gradients.png}: each parameter's gradient norm against the iteration.
 * </ul>
 *
 * Files are written atomically; existing ones are replaced.
 *
 * <pre>{@code
 * GradientFlowListener flow = new GradientFlowListener(10);
 * net.addListeners(flow);
 * net.fit(data, epochs);
 * GradientFlowReport.write(Path.of("runs/flow"), flow.records());
 * }</pre>
 */
public final class GradientFlowReport {

    public static final String STATE_CSV = "state-gradients.csv";
    public static final String PARAMETER_CSV = "parameter-gradients.csv";
    public static final String STATE_PNG = "state-gradients.png";
    public static final String PARAMETER_PNG = "parameter-gradients.png";

    private static final int CURVES = 5;

    private GradientFlowReport() {}

    /**
     * Writes the CSV files and charts of {@code records} into {@code directory} (created if
     * needed).
     *
     * @return the files written
     */
    public static List<Path> write(Path directory, List<GradientFlowRecord> records) throws IOException {
        List<Path> written = new ArrayList<>();
        Path states = directory.resolve(STATE_CSV);
        stateTable(records).write(states);
        written.add(states);
        Path parameters = directory.resolve(PARAMETER_CSV);
        parameterTable(records).write(parameters);
        written.add(parameters);
        XYChart stateChart = GradientFlowCharts.stateGradients(records, CURVES);
        if (stateChart != null) {
            Path png = directory.resolve(STATE_PNG);
            PngChart.write(png, stateChart);
            written.add(png);
        }
        XYChart parameterChart = GradientFlowCharts.parameterGradients(records);
        if (parameterChart != null) {
            Path png = directory.resolve(PARAMETER_PNG);
            PngChart.write(png, parameterChart);
            written.add(png);
        }
        return written;
    }

    /** The rows of {@code state-gradients.csv}. */
    public static CsvTable stateTable(List<GradientFlowRecord> records) {
        CsvTable table = new CsvTable("iteration", "epoch", "layer", "step", "norm");
        for (GradientFlowRecord record : records) {
            for (Map.Entry<String, double[]> e : record.stateGradientNorms().entrySet()) {
                double[] norms = e.getValue();
                for (int k = 0; k < norms.length; k++) {
                    table.add(record.iteration(), record.epoch(), e.getKey(), k + 1, norms[k]);
                }
            }
        }
        return table;
    }

    /** The rows of {@code parameter-gradients.csv}. */
    public static CsvTable parameterTable(List<GradientFlowRecord> records) {
        CsvTable table = new CsvTable("iteration", "epoch", "score", "parameter", "norm");
        for (GradientFlowRecord record : records) {
            for (Map.Entry<String, Double> e : record.parameterGradientNorms().entrySet()) {
                table.add(record.iteration(), record.epoch(), record.score(), e.getKey(), e.getValue());
            }
        }
        return table;
    }
}
