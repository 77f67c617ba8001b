package org.recurrent4j.benchmarks;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * {@code benchmarks/run --grid}: every cell of ours at hidden 128 … 1024 and batch 1 … 128 (T
 * {@value #STEPS}, nIn 128), training and inference as % of the SGEMM rate measured in the same run:
 * where each cell stands against the machine's floor. One fork, one warm-up and two measurements
 * of 1 s per point (at least one call each): about an hour on 2 cores.
 */
final class EfficiencyGrid {

    static final int STEPS = 50;
    static final String[] HIDDEN = {"128", "256", "512", "1024"};
    static final String[] BATCH = {"1", "8", "32", "128"};
    private static final List<LayerKind> CELLS = List.of(
            LayerKind.RECURRENT4J_LSTM,
            LayerKind.RECURRENT4J_GRU,
            LayerKind.RECURRENT4J_RNN,
            LayerKind.RECURRENT4J_QRNN,
            LayerKind.RECURRENT4J_SRU,
            LayerKind.RECURRENT4J_ONLSTM);

    private EfficiencyGrid() {}

    static String run() throws RunnerException {
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                        .include(RecurrentLayerBenchmark.class.getName() + "\\.")
                        .include(SgemmBenchmark.class.getName() + "\\.")
                        .forks(1)
                        .jvmArgsAppend(ForkedJvm.OPTIONS)
                        .warmupIterations(1)
                        .warmupTime(TimeValue.seconds(1))
                        .measurementIterations(2)
                        .measurementTime(TimeValue.seconds(1))
                        .param("layer", CELLS.stream().map(Enum::name).toArray(String[]::new))
                        .param("steps", "" + STEPS)
                        .param("hidden", HIDDEN)
                        .param("batch", BATCH)
                        .build())
                .run();
        return report(results);
    }

    static String report(Collection<RunResult> results) {
        double sgemmMs = Double.NaN;
        Map<String, Double> ms = new TreeMap<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            if (name.endsWith(".sgemm")) {
                sgemmMs = r.getPrimaryResult().getScore();
                continue;
            }
            String kind = name.endsWith(".trainingStep") ? "training" : "inference";
            ms.put(
                    kind + "|" + r.getParams().getParam("layer") + "|"
                            + r.getParams().getParam("hidden") + "|"
                            + r.getParams().getParam("batch"),
                    r.getPrimaryResult().getScore());
        }
        double sgemmGflops = SgemmBenchmark.flops() / (sgemmMs * 1e6);
        StringBuilder sb = new StringBuilder(String.format(
                Locale.ROOT,
                "T %d, nIn 128, float32; SGEMM %.1f GFLOP/s; each cell: training %% / inference %% of the SGEMM rate"
                        + " (the layer's matrix FLOPs, as in the quick table)%n",
                STEPS,
                sgemmGflops));
        for (LayerKind kind : CELLS) {
            sb.append("\n").append(kind.label()).append("\n\n| H \\ batch |");
            for (String b : BATCH) {
                sb.append(' ').append(b).append(" |");
            }
            sb.append("\n| ---: |").append(" ---: |".repeat(BATCH.length)).append('\n');
            for (String h : HIDDEN) {
                sb.append("| ").append(h).append(" |");
                for (String b : BATCH) {
                    double flops = kind.forwardFlops(Integer.parseInt(b), STEPS, 128, Integer.parseInt(h));
                    Double train = ms.get("training|" + kind.name() + "|" + h + "|" + b);
                    Double infer = ms.get("inference|" + kind.name() + "|" + h + "|" + b);
                    sb.append(String.format(
                            Locale.ROOT,
                            " %s / %s |",
                            percent(
                                    kind.trainingFlops(Integer.parseInt(b), STEPS, 128, Integer.parseInt(h)),
                                    train,
                                    sgemmGflops),
                            percent(flops, infer, sgemmGflops)));
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    private static String percent(double flops, Double ms, double sgemmGflops) {
        return ms == null ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * flops / (ms * 1e6) / sgemmGflops);
    }
}
