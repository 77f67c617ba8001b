package org.recurrent4j.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The issue's targets as one named run ({@code benchmarks/run --targets}): rounds that run the JMH
 * side (our six cells' training step and inference at each shape, the SGEMM rate, batch-1
 * per-token latency at H 256 and 512) and then PyTorch's side ({@code benchmarks/pytorch/compare.py},
 * same shapes and work) back to back, so both see the same machine; then greedy decoding of 50-token
 * outputs against the decoder that re-runs the graph. Every figure is the median over the rounds,
 * with the lowest and highest round beside it; every ratio is of figures from this run.
 *
 * <p>PyTorch's side runs when {@code python3 -c 'import torch'} works (with {@code python3} on the
 * path, else {@code /usr/bin/python3}); otherwise the report says so in one line and gives our side
 * alone. Our QRNN, SRU and ON-LSTM have no PyTorch built-in: they are compared with PyTorch's LSTM.
 */
final class PeerComparison {

    /** A batch, length, input and hidden size. */
    record Shape(int batch, int steps, int nIn, int hidden) {
        static Shape parse(String text) {
            String[] p = text.toLowerCase(Locale.ROOT).split("x");
            try {
                if (p.length == 4) {
                    Shape s = new Shape(
                            Integer.parseInt(p[0]),
                            Integer.parseInt(p[1]),
                            Integer.parseInt(p[2]),
                            Integer.parseInt(p[3]));
                    if (s.batch() > 0 && s.steps() > 0 && s.nIn() > 0 && s.hidden() > 0) {
                        return s;
                    }
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(
                    "--shape takes BATCHxSTEPSxNINxHIDDEN with positive integers, e.g. 32x100x128x256, got " + text);
        }

        @Override
        public String toString() {
            return batch + "x" + steps + "x" + nIn + "x" + hidden;
        }
    }

    static final Shape ISSUE_SHAPE = new Shape(32, 100, 128, 256);

    private static final List<LayerKind> OURS = List.of(
            LayerKind.RECURRENT4J_LSTM,
            LayerKind.RECURRENT4J_GRU,
            LayerKind.RECURRENT4J_RNN,
            LayerKind.RECURRENT4J_QRNN,
            LayerKind.RECURRENT4J_SRU,
            LayerKind.RECURRENT4J_ONLSTM);

    private static final Pattern ROW = Pattern.compile("\"(\\w+)\": (\"[^\"]*\"|[-0-9.eE]+)");

    private PeerComparison() {}

    /** PyTorch's counterpart of a cell: its own, or the LSTM as the nearest built-in. */
    static String counterpart(LayerKind kind) {
        return switch (kind) {
            case RECURRENT4J_GRU -> "gru";
            case RECURRENT4J_RNN -> "rnn";
            default -> "lstm";
        };
    }

    /** Measured values by key ("ours|training|LSTM|shape" ...), one per round. */
    private static final class Samples {
        final Map<String, List<Double>> values = new TreeMap<>();
        /** What PyTorch's side ran on (its version and BLAS), as compare.py reports it. */
        String pytorchEnvironment;

        void add(String key, double value) {
            values.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }

        double median(String key) {
            List<Double> v = values.get(key);
            if (v == null || v.isEmpty()) {
                return Double.NaN;
            }
            List<Double> sorted = v.stream().sorted().toList();
            int n = sorted.size();
            return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        }

        String withRange(String key, String format) {
            List<Double> v = values.get(key);
            if (v == null || v.isEmpty()) {
                return "-";
            }
            double lo = v.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
            double hi = v.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
            String m = String.format(Locale.ROOT, format, median(key));
            return v.size() < 2
                    ? m
                    : m + " (" + String.format(Locale.ROOT, format, lo) + "–" + String.format(Locale.ROOT, format, hi)
                            + ")";
        }
    }

    static String run(List<Shape> shapes, int rounds, Path repository) throws RunnerException, IOException {
        String python = pythonWithTorch();
        Samples s = new Samples();
        for (int round = 1; round <= rounds; round++) {
            System.err.printf("round %d of %d: JMH side%n", round, rounds);
            for (ChainedOptionsBuilder options : jmhRuns(shapes)) {
                for (RunResult r : new Runner(options.build()).run()) {
                    record(s, r);
                }
            }
            if (python != null) {
                System.err.printf("round %d of %d: PyTorch side%n", round, rounds);
                pytorch(s, python, shapes, repository, "torch", null);
                System.err.printf("round %d of %d: PyTorch side, OMP_WAIT_POLICY=PASSIVE%n", round, rounds);
                pytorch(s, python, shapes, repository, "passive", "PASSIVE");
            }
        }
        System.err.println("decoding: stepped against recomputed");
        Collection<RunResult> decoding = new Runner(DecodingReport.options()
                        .jvmArgsAppend(ForkedJvm.OPTIONS)
                        .build())
                .run();
        return report(s, shapes, python, decoding);
    }

    /** One round of the JMH side: each shape's layers, the SGEMM rate, the batch-1 step latency. */
    private static List<ChainedOptionsBuilder> jmhRuns(List<Shape> shapes) {
        List<ChainedOptionsBuilder> runs = new ArrayList<>();
        for (Shape shape : shapes) {
            runs.add(options(RecurrentLayerBenchmark.class)
                    .param("layer", OURS.stream().map(Enum::name).toArray(String[]::new))
                    .param("batch", "" + shape.batch())
                    .param("steps", "" + shape.steps())
                    .param("nIn", "" + shape.nIn())
                    .param("hidden", "" + shape.hidden()));
        }
        runs.add(options(SgemmBenchmark.class));
        runs.add(options(StepLatencyBenchmark.class)
                .param("layer", OURS.stream().map(Enum::name).toArray(String[]::new))
                .param("hidden", "256", "512"));
        return runs;
    }

    private static ChainedOptionsBuilder options(Class<?> benchmark) {
        return new OptionsBuilder()
                .include(benchmark.getName() + "\\.")
                .forks(1)
                .jvmArgsAppend(ForkedJvm.OPTIONS)
                .warmupIterations(2)
                .warmupTime(TimeValue.seconds(2))
                .measurementIterations(3)
                .measurementTime(TimeValue.seconds(2));
    }

    private static void record(Samples s, RunResult r) {
        String name = r.getParams().getBenchmark();
        double score = r.getPrimaryResult().getScore();
        if (name.endsWith(".sgemm")) {
            s.add("sgemm", score);
            return;
        }
        String layer = r.getParams().getParam("layer");
        String hidden = r.getParams().getParam("hidden");
        if (name.endsWith(".step")) {
            // Already µs per token: the benchmark's unit is µs and an invocation counts its tokens.
            // The median of the sampled calls, as PyTorch's side reports; the mean beside it.
            s.add(
                    "ours|step|" + layer + "|" + hidden,
                    r.getPrimaryResult().getStatistics().getPercentile(50));
            s.add("mean|step|" + layer + "|" + hidden, score);
            return;
        }
        Shape shape = new Shape(
                Integer.parseInt(r.getParams().getParam("batch")),
                Integer.parseInt(r.getParams().getParam("steps")),
                Integer.parseInt(r.getParams().getParam("nIn")),
                Integer.parseInt(hidden));
        String kind = name.endsWith(".trainingStep") ? "training" : "inference";
        s.add("ours|" + kind + "|" + layer + "|" + shape, score);
    }

    /** The first of {@code python3}, {@code /usr/bin/python3} that imports torch, or null. */
    static String pythonWithTorch() {
        for (String python : List.of("python3", "/usr/bin/python3")) {
            try {
                Process p = new ProcessBuilder(python, "-c", "import torch")
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
                if (p.waitFor() == 0) {
                    return python;
                }
            } catch (IOException e) {
                // not there: try the next
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    /**
     * Runs PyTorch's side once and records its rows under {@code prefix}: with {@code waitPolicy}
     * null in PyTorch's default environment (no {@code OMP_WAIT_POLICY}, as its users run it), else
     * with {@code OMP_WAIT_POLICY} set to it. On this 2-core machine the policy changes PyTorch's
     * times by up to 6x (OpenMP threads spinning while they wait take the cores from the ones working).
     */
    private static void pytorch(
            Samples s, String python, List<Shape> shapes, Path repository, String prefix, String waitPolicy)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(
                python, repository.resolve("benchmarks/pytorch/compare.py").toString(), "--threads", "2"));
        for (Shape shape : shapes) {
            command.add("--shape");
            command.add(shape.toString());
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        if (waitPolicy == null) {
            builder.environment().remove("OMP_WAIT_POLICY");
        } else {
            builder.environment().put("OMP_WAIT_POLICY", waitPolicy);
        }
        Process p = builder.start();
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                Map<String, String> row = new LinkedHashMap<>();
                Matcher m = ROW.matcher(line);
                while (m.find()) {
                    row.put(m.group(1), m.group(2).replace("\"", ""));
                }
                if (row.get("kind").equals("environment")) {
                    s.pytorchEnvironment = "PyTorch " + row.get("torch") + " on BLAS " + row.get("blas");
                    continue;
                }
                double ms = Double.parseDouble(row.get("ms"));
                if (row.get("kind").equals("step")) {
                    s.add(prefix + "|step|" + row.get("cell") + "|" + row.get("hidden"), ms * 1000.0);
                } else {
                    Shape shape = new Shape(
                            Integer.parseInt(row.get("batch")),
                            Integer.parseInt(row.get("steps")),
                            Integer.parseInt(row.get("nin")),
                            Integer.parseInt(row.get("hidden")));
                    s.add(prefix + "|" + row.get("kind") + "|" + row.get("cell") + "|" + shape, ms);
                }
            }
        }
        try {
            if (p.waitFor() != 0) {
                throw new IOException("benchmarks/pytorch/compare.py failed with exit code " + p.exitValue());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while PyTorch's side ran", e);
        }
    }

    private static String report(Samples s, List<Shape> shapes, String python, Collection<RunResult> decoding) {
        StringBuilder sb = new StringBuilder();
        double sgemmMs = s.median("sgemm");
        double sgemmGflops = SgemmBenchmark.flops() / (sgemmMs * 1e6);
        sb.append(String.format(
                Locale.ROOT,
                "SGEMM [%d x %d] x [%d x %d]: %s ms = %.1f GFLOP/s (median of the rounds, lowest–highest)%n",
                SgemmBenchmark.M,
                SgemmBenchmark.K,
                SgemmBenchmark.K,
                SgemmBenchmark.N,
                s.withRange("sgemm", "%.2f"),
                sgemmGflops));
        sb.append(
                python == null
                        ? "PyTorch's side skipped: python3 -c 'import torch' fails here (apt-get install -y python3-torch libopenblas0-pthread)\n"
                        : "PyTorch: " + python
                                + ", benchmarks/pytorch/compare.py, 2 threads, in the same rounds, twice:"
                                + " in its default environment (\"PyTorch\") and with OMP_WAIT_POLICY=PASSIVE"
                                + " (\"passive\")\n"
                                + (s.pytorchEnvironment == null ? "" : s.pytorchEnvironment + "\n"));
        sb.append("Ours: OMP_WAIT_POLICY=" + Objects.requireNonNullElse(System.getenv("OMP_WAIT_POLICY"), "(unset)")
                + " (benchmarks/run and ./recurrent4j set PASSIVE unless it is set); JVM options "
                + String.join(" ", ForkedJvm.OPTIONS) + "\n");
        for (Shape shape : shapes) {
            sb.append(String.format(
                    Locale.ROOT,
                    "%nbatch %d, T %d, nIn %d, hidden %d, float32; ms per training step and per inference%n%n",
                    shape.batch(),
                    shape.steps(),
                    shape.nIn(),
                    shape.hidden()));
            sb.append("| cell | PyTorch's | training ms | PyTorch ms | PyTorch / ours | passive ms | passive / ours"
                    + " | training % of SGEMM | inference ms | PyTorch ms | PyTorch / ours | passive ms"
                    + " | passive / ours |\n");
            sb.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
            for (LayerKind kind : OURS) {
                String ours = "|" + kind.name() + "|" + shape;
                String theirs = "|" + counterpart(kind) + "|" + shape;
                double trainGflops = kind.trainingFlops(shape.batch(), shape.steps(), shape.nIn(), shape.hidden())
                        / (s.median("ours|training" + ours) * 1e6);
                sb.append(String.format(
                        Locale.ROOT,
                        "| %s | %s | %s | %s | %s | %s | %s | %.0f%% | %s | %s | %s | %s | %s |%n",
                        kind.label(),
                        counterpart(kind).toUpperCase(Locale.ROOT),
                        s.withRange("ours|training" + ours, "%.1f"),
                        s.withRange("torch|training" + theirs, "%.1f"),
                        ratio(s.median("torch|training" + theirs), s.median("ours|training" + ours)),
                        s.withRange("passive|training" + theirs, "%.1f"),
                        ratio(s.median("passive|training" + theirs), s.median("ours|training" + ours)),
                        100 * trainGflops / sgemmGflops,
                        s.withRange("ours|inference" + ours, "%.1f"),
                        s.withRange("torch|inference" + theirs, "%.1f"),
                        ratio(s.median("torch|inference" + theirs), s.median("ours|inference" + ours)),
                        s.withRange("passive|inference" + theirs, "%.1f"),
                        ratio(s.median("passive|inference" + theirs), s.median("ours|inference" + ours))));
            }
            String lstm = "ours|training|RECURRENT4J_LSTM|" + shape;
            sb.append(String.format(
                    Locale.ROOT,
                    "%nAgainst our LSTM's training time: SRU %s faster, QRNN (k 2, fo) %s faster, ON-LSTM %s its time%n",
                    ratio(s.median(lstm), s.median("ours|training|RECURRENT4J_SRU|" + shape)),
                    ratio(s.median(lstm), s.median("ours|training|RECURRENT4J_QRNN|" + shape)),
                    ratio(s.median("ours|training|RECURRENT4J_ONLSTM|" + shape), s.median(lstm))));
        }
        sb.append(String.format(
                Locale.ROOT,
                "%nPer-token latency at batch 1 (rnnTimeStep and the softmax; nIn %d), µs per token: medians of"
                        + " calls of %d tokens on both sides (ours: JMH's samples; their mean beside)%n%n",
                StepLatencyBenchmark.N_IN,
                StepLatencyBenchmark.TOKENS));
        sb.append("| cell | PyTorch's | H | ours µs | ours, mean µs | PyTorch µs | PyTorch / ours | passive µs |"
                + " passive / ours |\n");
        sb.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (LayerKind kind : OURS) {
            for (String h : List.of("256", "512")) {
                String ours = "ours|step|" + kind.name() + "|" + h;
                String theirs = "|step|" + counterpart(kind) + "|" + h;
                sb.append(String.format(
                        Locale.ROOT,
                        "| %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                        kind.label(),
                        counterpart(kind).toUpperCase(Locale.ROOT),
                        h,
                        s.withRange(ours, "%.0f"),
                        s.withRange("mean|step|" + kind.name() + "|" + h, "%.0f"),
                        s.withRange("torch" + theirs, "%.0f"),
                        ratio(s.median("torch" + theirs), s.median(ours)),
                        s.withRange("passive" + theirs, "%.0f"),
                        ratio(s.median("passive" + theirs), s.median(ours))));
            }
        }
        sb.append(DecodingReport.table(decoding));
        return sb.toString();
    }

    private static String ratio(double numerator, double denominator) {
        return Double.isNaN(numerator) || Double.isNaN(denominator)
                ? "-"
                : String.format(Locale.ROOT, "%.2fx", numerator / denominator);
    }

    /** The repository root: the working directory benchmarks/run starts in. */
    static Path repository() {
        Path here = Path.of("").toAbsolutePath();
        if (!Files.exists(here.resolve("benchmarks/pytorch/compare.py"))) {
            throw new IllegalStateException("run from the repository's root (benchmarks/run does), not " + here);
        }
        return here;
    }
}
