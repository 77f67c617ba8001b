package org.recurrent4j.benchmarks;

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
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.recurrent4j.io.AtomicFile;

/**
 * Runs the JMH suite and prints ONE report: per layer and sequence length, ms per training step and
 * per inference, the speed-up over DL4J's {@code LSTM} measured in the same run, and the achieved
 * GFLOP/s against the SGEMM rate measured in the same run; with {@code --sweep}, also the linear fit
 * of cost against T. The other runs:
 *
 * <pre>
 *   benchmarks/run              quick: T = 100 only, 2 forks × 5 measurements (about 20 minutes on 2 cores)
 *   benchmarks/run --sweep      T in {25, 50, 100, 200, 400}, plus the linear fit (about 40 minutes)
 *   benchmarks/run --targets [--shape BxTxNINxH]... [--rounds N]
 *                               the issue's targets in one named run: our cells and PyTorch's in
 *                               alternating rounds (default 3, shape 32x100x128x256), batch-1 step
 *                               latency, our cells against our LSTM, decoding (about 40 minutes)
 *   benchmarks/run --grid       every cell at H 128…1024 × batch 1…128, % of SGEMM (about an hour)
 *   benchmarks/run --long       training at T 1,000 … 10,000, full and truncated BPTT: time and memory
 *                               per step (about 15 minutes)
 *   benchmarks/run --decoding   the stepped decoder against re-running the graph per token (about 10 minutes)
 *   benchmarks/run --out FILE   also write the report (markdown) to FILE
 * </pre>
 */
public final class BenchmarkReport {

    private static final String[] SWEEP = {"25", "50", "100", "200", "400"};

    private BenchmarkReport() {}

    /** One layer at one length: ms per training step and per inference. */
    record Row(LayerKind layer, int steps, double trainMs, double trainError, double inferMs, double inferError) {}

    public static void main(String[] args) throws Exception {
        List<String> a = List.of(args);
        int outAt = a.indexOf("--out");
        Path out = outAt >= 0 && outAt + 1 < args.length ? Path.of(args[outAt + 1]) : null;
        String report;
        if (a.contains("--targets")) {
            List<PeerComparison.Shape> shapes = new ArrayList<>();
            int rounds = 3;
            for (int i = 0; i + 1 < args.length; i++) {
                if (args[i].equals("--shape")) {
                    shapes.add(PeerComparison.Shape.parse(args[i + 1]));
                } else if (args[i].equals("--rounds")) {
                    rounds = Integer.parseInt(args[i + 1]);
                }
            }
            if (shapes.isEmpty()) {
                shapes.add(PeerComparison.ISSUE_SHAPE);
            }
            report = PeerComparison.run(shapes, rounds, PeerComparison.repository());
        } else if (a.contains("--grid")) {
            report = EfficiencyGrid.run();
        } else if (a.contains("--long")) {
            report = LongSequenceReport.run();
        } else if (a.contains("--decoding")) {
            report = DecodingReport.table(new Runner(DecodingReport.options()
                            .jvmArgsAppend(ForkedJvm.OPTIONS)
                            .build())
                    .run());
        } else {
            report = report(new Runner(quick(a.contains("--sweep")).build()).run());
        }
        System.out.println();
        System.out.println(report);
        if (out != null) {
            String written = report;
            AtomicFile.writeStream(out, o -> o.write(written.getBytes(StandardCharsets.UTF_8)));
        }
    }

    private static ChainedOptionsBuilder quick(boolean sweep) {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(RecurrentLayerBenchmark.class.getName() + "\\.")
                .include(SgemmBenchmark.class.getName() + "\\.")
                .forks(sweep ? 1 : 2)
                .jvmArgsAppend(ForkedJvm.OPTIONS)
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
        return options;
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
            double trainGflops = r.layer()
                            .trainingFlops(
                                    RecurrentLayerBenchmark.BATCH,
                                    r.steps(),
                                    RecurrentLayerBenchmark.N_IN,
                                    RecurrentLayerBenchmark.HIDDEN)
                    / (r.trainMs() * 1e6);
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
        List<double[]> points = new ArrayList<>();
        for (Row r : rows) {
            points.add(new double[] {r.steps(), training ? r.trainMs() : r.inferMs()});
        }
        return fitPoints(points);
    }

    /** Least-squares line through {x, y} points: {slope, intercept, R²}. */
    static double[] fitPoints(List<double[]> points) {
        int n = points.size();
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        for (double[] p : points) {
            sx += p[0];
            sy += p[1];
            sxx += p[0] * p[0];
            sxy += p[0] * p[1];
        }
        double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
        double intercept = (sy - slope * sx) / n;
        double mean = sy / n;
        double total = 0;
        double residual = 0;
        for (double[] p : points) {
            total += (p[1] - mean) * (p[1] - mean);
            double e = p[1] - (slope * p[0] + intercept);
            residual += e * e;
        }
        return new double[] {slope, intercept, 1 - residual / total};
    }
}
