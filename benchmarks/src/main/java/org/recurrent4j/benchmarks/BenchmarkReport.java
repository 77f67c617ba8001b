package org.recurrent4j.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.recurrent4j.io.AtomicFile;

/**
 * Runs the JMH suite and prints ONE table: per layer and sequence length, ms per training step and
 * per inference, the speed-up over DL4J's {@code LSTM} measured in the same run, and the achieved
 * GFLOP/s against the SGEMM rate measured in the same run; with {@code --sweep}, also the linear fit
 * of cost against T.
 *
 * <pre>
 *   benchmarks/run              quick: T = 100 only, 2 forks × 5 measurements (about 20 minutes on 2 cores)
 *   benchmarks/run --sweep      T in {25, 50, 100, 200, 400}, plus the linear fit (about 40 minutes)
 *   benchmarks/run --out FILE   also write the table (markdown) to FILE
 * </pre>
 */
public final class BenchmarkReport {

    private static final String[] SWEEP = {"25", "50", "100", "200", "400"};

    private BenchmarkReport() {}

    /** One layer at one length: ms per training step and per inference. */
    record Row(LayerKind layer, int steps, double trainMs, double trainError, double inferMs, double inferError) {}

    public static void main(String[] args) throws RunnerException, IOException {
        boolean sweep = List.of(args).contains("--sweep");
        int outAt = List.of(args).indexOf("--out");
        Path out = outAt >= 0 && outAt + 1 < args.length ? Path.of(args[outAt + 1]) : null;

        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(RecurrentLayerBenchmark.class.getName())
                .include(SgemmBenchmark.class.getName())
                .forks(sweep ? 1 : 2)
                .jvmArgsAppend(
                        "-Xmx4g", "-Dorg.bytedeco.javacpp.maxbytes=8g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
                .warmupIterations(2)
                .warmupTime(TimeValue.seconds(2))
                .measurementIterations(sweep ? 3 : 5)
                .measurementTime(TimeValue.seconds(2));
        if (sweep) {
            // The sweep fits cost against T for the main layers; the step-by-step variants and
            // GravesLSTM are measured at T = 100 by the quick run.
            options.param("steps", SWEEP);
            options.param(
                    "layer",
                    "RECURRENT4J_LSTM",
                    "RECURRENT4J_GRU",
                    "RECURRENT4J_RNN",
                    "RECURRENT4J_QRNN",
                    "RECURRENT4J_SRU",
                    "RECURRENT4J_ONLSTM",
                    "DL4J_LSTM",
                    "DL4J_SIMPLE_RNN");
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        String report = report(results);
        System.out.println();
        System.out.println(report);
        if (out != null) {
            AtomicFile.writeStream(out, o -> o.write(report.getBytes(StandardCharsets.UTF_8)));
        }
    }

    static String report(Collection<RunResult> results) {
        double sgemmMs = Double.NaN;
        Map<String, double[]> cells = new TreeMap<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            double score = r.getPrimaryResult().getScore();
            double error = r.getPrimaryResult().getScoreError();
            if (name.endsWith(".sgemm")) {
                sgemmMs = score;
                continue;
            }
            String key = r.getParams().getParam("layer") + "@" + r.getParams().getParam("steps");
            double[] v = cells.computeIfAbsent(key, k -> new double[] {Double.NaN, 0, Double.NaN, 0});
            int at = name.endsWith(".trainingStep") ? 0 : 2;
            v[at] = score;
            v[at + 1] = error;
        }
        List<Row> rows = new ArrayList<>();
        cells.forEach((key, v) -> {
            String[] parts = key.split("@");
            rows.add(new Row(LayerKind.valueOf(parts[0]), Integer.parseInt(parts[1]), v[0], v[1], v[2], v[3]));
        });
        rows.sort((a, b) -> a.steps() != b.steps()
                ? Integer.compare(a.steps(), b.steps())
                : a.layer().compareTo(b.layer()));

        double sgemmGflops = SgemmBenchmark.flops() / (sgemmMs * 1e6);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                Locale.ROOT,
                "batch %d, nIn %d, hidden %d, float32; SGEMM [%d x %d] x [%d x %d]: %.2f ms = %.1f GFLOP/s%n%n",
                RecurrentLayerBenchmark.BATCH,
                RecurrentLayerBenchmark.N_IN,
                RecurrentLayerBenchmark.HIDDEN,
                SgemmBenchmark.M,
                SgemmBenchmark.K,
                SgemmBenchmark.K,
                SgemmBenchmark.N,
                sgemmMs,
                sgemmGflops));
        sb.append(
                "| layer | T | training ms | inference ms | training speed-up vs DL4J LSTM | inference speed-up vs DL4J LSTM"
                        + " | training GFLOP/s (% of SGEMM) | inference GFLOP/s (% of SGEMM) |\n");
        sb.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (Row r : rows) {
            Row base = rows.stream()
                    .filter(x -> x.layer() == LayerKind.DL4J_LSTM && x.steps() == r.steps())
                    .findFirst()
                    .orElse(null);
            double flops = r.layer()
                    .forwardFlops(
                            RecurrentLayerBenchmark.BATCH,
                            r.steps(),
                            RecurrentLayerBenchmark.N_IN,
                            RecurrentLayerBenchmark.HIDDEN);
            double trainGflops = 3 * flops / (r.trainMs() * 1e6);
            double inferGflops = flops / (r.inferMs() * 1e6);
            sb.append(String.format(
                    Locale.ROOT,
                    "| %s | %d | %s | %s | %s | %s | %.1f (%.0f%%) | %.1f (%.0f%%) |%n",
                    r.layer().label(),
                    r.steps(),
                    withError(r.trainMs(), r.trainError()),
                    withError(r.inferMs(), r.inferError()),
                    base == null ? "-" : String.format(Locale.ROOT, "%.2fx", base.trainMs() / r.trainMs()),
                    base == null ? "-" : String.format(Locale.ROOT, "%.2fx", base.inferMs() / r.inferMs()),
                    trainGflops,
                    100 * trainGflops / sgemmGflops,
                    inferGflops,
                    100 * inferGflops / sgemmGflops));
        }
        if (rows.stream().map(Row::steps).distinct().count() > 2) {
            sb.append("\nCost against sequence length (least squares over the sweep): ms = slope · T + intercept\n\n");
            sb.append(
                    "| layer | training ms/step | training intercept ms | training R² | inference ms/step | inference R² |\n");
            sb.append("| --- | ---: | ---: | ---: | ---: | ---: |\n");
            for (LayerKind kind : LayerKind.values()) {
                List<Row> mine = rows.stream().filter(r -> r.layer() == kind).toList();
                if (mine.size() < 3) {
                    continue;
                }
                double[] train = fit(mine, true);
                double[] infer = fit(mine, false);
                sb.append(String.format(
                        Locale.ROOT,
                        "| %s | %.2f | %.1f | %.4f | %.2f | %.4f |%n",
                        kind.label(),
                        train[0],
                        train[1],
                        train[2],
                        infer[0],
                        infer[2]));
            }
        }
        return sb.toString();
    }

    /** A time with JMH's 99.9% error, which JMH cannot give for fewer than 3 measurements. */
    private static String withError(double ms, double error) {
        return Double.isNaN(error)
                ? String.format(Locale.ROOT, "%.1f", ms)
                : String.format(Locale.ROOT, "%.1f ± %.1f", ms, error);
    }

    /** Least-squares line of cost against T: {slope, intercept, R²}. */
    static double[] fit(List<Row> rows, boolean training) {
        int n = rows.size();
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        for (Row r : rows) {
            double x = r.steps();
            double y = training ? r.trainMs() : r.inferMs();
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
        }
        double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
        double intercept = (sy - slope * sx) / n;
        double mean = sy / n;
        double total = 0;
        double residual = 0;
        for (Row r : rows) {
            double y = training ? r.trainMs() : r.inferMs();
            total += (y - mean) * (y - mean);
            double e = y - (slope * r.steps() + intercept);
            residual += e * e;
        }
        return new double[] {slope, intercept, 1 - residual / total};
    }
}
