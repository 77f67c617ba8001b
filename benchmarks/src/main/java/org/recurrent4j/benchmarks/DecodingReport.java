package org.recurrent4j.benchmarks;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** The table of {@link DecodingBenchmark}: per model and number of sources, stepped against recomputed. */
final class DecodingReport {

    private DecodingReport() {}

    /**
     * The run of {@link DecodingBenchmark}: 2 forks of 6 measured iterations of 3 s. Its calls take
     * 40 ms to 6 s, so an iteration may be a single call; fewer measurements (the 2 × 3 of earlier
     * runs) left JMH's 99.9% intervals wider than the means.
     */
    static ChainedOptionsBuilder options() {
        return new OptionsBuilder()
                .include(DecodingBenchmark.class.getName() + "\\.")
                .forks(2)
                .warmupIterations(1)
                .warmupTime(TimeValue.seconds(3))
                .measurementIterations(6)
                .measurementTime(TimeValue.seconds(3));
    }

    static String table(Collection<RunResult> results) {
        Map<String, double[]> rows = new TreeMap<>();
        for (RunResult r : results) {
            String key = r.getParams().getParam("model") + " | " + r.getParams().getParam("sources");
            double[] v = rows.computeIfAbsent(key, k -> new double[] {Double.NaN, 0, Double.NaN, 0});
            int at = r.getParams().getBenchmark().endsWith(".stepped") ? 0 : 2;
            v[at] = r.getPrimaryResult().getScore();
            v[at + 1] = r.getPrimaryResult().getScoreError();
        }
        StringBuilder sb = new StringBuilder(String.format(
                Locale.ROOT,
                "%nGreedy decoding of %d-token outputs (sources of %d steps, hidden %d, vocabularies of %d), ms per"
                        + " call: the stepped decoder (all sources as one batch) against re-running the graph per"
                        + " token (each source alone)%n%n",
                DecodingBenchmark.TOKENS,
                DecodingBenchmark.SOURCE_STEPS,
                DecodingBenchmark.HIDDEN,
                DecodingBenchmark.VOCABULARY));
        sb.append("| model | sources | stepped ms | recomputed ms | speed-up |\n");
        sb.append("| --- | ---: | ---: | ---: | ---: |\n");
        rows.forEach((key, v) -> sb.append(String.format(
                Locale.ROOT,
                "| %s | %.1f ± %.1f | %.1f ± %.1f | %.1fx |%n",
                key,
                v[0],
                v[1],
                v[2],
                v[3],
                v[2] / v[0])));
        return sb.toString();
    }
}
