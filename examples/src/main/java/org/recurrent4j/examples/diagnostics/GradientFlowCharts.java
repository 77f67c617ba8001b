package org.recurrent4j.examples.diagnostics;

import java.awt.Color;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.recurrent4j.training.GradientFlowRecord;

/**
 * Charts of what a {@link org.recurrent4j.training.GradientFlowListener} recorded, on logarithmic
 * axes (a vanishing gradient is a straight line falling towards the first step). Points that are
 * not positive and finite (steps truncated BPTT did not reach, exact zeros) are left out.
 */
public final class GradientFlowCharts {

    private static final int WIDTH = 900;
    private static final int HEIGHT = 520;

    private GradientFlowCharts() {}

    /**
     * {@code ‖∂L/∂h_k‖} against the step k = 1 … T, one line per recurrent layer and recorded
     * iteration, for at most {@code maxIterations} iterations spread evenly over the records (the
     * first and the last always among them). Null when no record has state gradients.
     */
    public static XYChart stateGradients(List<GradientFlowRecord> records, int maxIterations) {
        List<GradientFlowRecord> withStates = new ArrayList<>();
        for (GradientFlowRecord record : records) {
            if (!record.stateGradientNorms().isEmpty()) {
                withStates.add(record);
            }
        }
        if (withStates.isEmpty()) {
            return null;
        }
        XYChart chart = chart("Gradient flow back through time", "step k", "‖∂L/∂h_k‖");
        Set<String> layers = new LinkedHashSet<>();
        withStates.forEach(r -> layers.addAll(r.stateGradientNorms().keySet()));
        for (GradientFlowRecord record : spread(withStates, maxIterations)) {
            for (String layer : layers) {
                double[] norms = record.stateGradientNorms().get(layer);
                if (norms != null) {
                    String name =
                            (layers.size() > 1 ? "layer " + layer + ", " : "") + "iteration " + record.iteration();
                    addLine(chart, name, steps(norms.length), norms);
                }
            }
        }
        return chart.getSeriesMap().isEmpty() ? null : chart;
    }

    /** Each parameter's gradient norm against the iteration, one line per parameter. Null without records. */
    public static XYChart parameterGradients(List<GradientFlowRecord> records) {
        if (records.isEmpty()) {
            return null;
        }
        Set<String> parameters = new LinkedHashSet<>();
        records.forEach(r -> parameters.addAll(r.parameterGradientNorms().keySet()));
        XYChart chart = chart("Parameter gradient norms over training", "iteration", "‖∂L/∂θ‖");
        for (String parameter : parameters) {
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (GradientFlowRecord record : records) {
                Double norm = record.parameterGradientNorms().get(parameter);
                if (norm != null) {
                    x.add((double) record.iteration());
                    y.add(norm);
                }
            }
            addLine(chart, parameter, toArray(x), toArray(y));
        }
        return chart.getSeriesMap().isEmpty() ? null : chart;
    }

    /**
     * Several {@code ‖∂L/∂h_k‖} profiles side by side (e.g. one per cell on the same data), each
     * divided by its value at the last step, so every line starts at 1 at k = T and its value at k
     * = 1 is the fraction of the gradient that reaches the first step. Null if no profile has a
     * usable point.
     */
    public static XYChart compareProfiles(String title, Map<String, double[]> profiles) {
        XYChart chart = chart(title, "step k", "‖∂L/∂h_k‖ / ‖∂L/∂h_T‖");
        for (Map.Entry<String, double[]> e : profiles.entrySet()) {
            double[] norms = e.getValue();
            double last = norms.length == 0 ? Double.NaN : norms[norms.length - 1];
            double[] relative = new double[norms.length];
            for (int k = 0; k < norms.length; k++) {
                relative[k] = norms[k] / last;
            }
            addLine(chart, e.getKey(), steps(norms.length), relative);
        }
        return chart.getSeriesMap().isEmpty() ? null : chart;
    }

    static XYChart chart(String title, String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder()
                .width(WIDTH)
                .height(HEIGHT)
                .title(title)
                .xAxisTitle(xTitle)
                .yAxisTitle(yTitle)
                .build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        return chart;
    }

    /** Adds a line of the points whose y is positive and finite; nothing if there are none. */
    static void addLine(XYChart chart, String name, double[] x, double[] y) {
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (int i = 0; i < y.length; i++) {
            if (Double.isFinite(y[i]) && y[i] > 0 && Double.isFinite(x[i])) {
                xs.add(x[i]);
                ys.add(y[i]);
            }
        }
        if (xs.isEmpty()) {
            return;
        }
        XYSeries series = chart.addSeries(name, toArray(xs), toArray(ys));
        series.setMarker(SeriesMarkers.NONE);
    }

    /** 1 … n. */
    private static double[] steps(int n) {
        double[] steps = new double[n];
        for (int k = 0; k < n; k++) {
            steps[k] = k + 1;
        }
        return steps;
    }

    static double[] toArray(List<Double> values) {
        double[] array = new double[values.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = values.get(i);
        }
        return array;
    }

    /** At most {@code count} records, evenly spread, the first and last included. */
    private static List<GradientFlowRecord> spread(List<GradientFlowRecord> records, int count) {
        if (records.size() <= count) {
            return records;
        }
        Map<Integer, GradientFlowRecord> chosen = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            int index = (int) Math.round(i * (records.size() - 1) / (double) Math.max(1, count - 1));
            chosen.put(index, records.get(index));
        }
        return new ArrayList<>(chosen.values());
    }
}
