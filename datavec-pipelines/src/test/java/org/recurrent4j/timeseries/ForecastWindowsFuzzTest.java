package org.recurrent4j.timeseries;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import org.nd4j.linalg.dataset.DataSet;
import org.recurrent4j.fuzz.Fuzz;

/**
 * Fuzzes {@link ForecastWindows} with series of any length (none too), values that are huge, NaN
 * or infinite, and windows, horizons and strides up to {@link Integer#MAX_VALUE}: the windows are
 * exactly those that fit, each with the right values, and every series is cut or counted as
 * skipped; or an error names the series.
 */
class ForecastWindowsFuzzTest {

    @Provide
    Arbitrary<Integer> sizes() {
        return Arbitraries.frequencyOf(
                Tuple.of(10, Arbitraries.integers().between(1, 6)),
                Tuple.of(1, Arbitraries.integers().between(1, Integer.MAX_VALUE)),
                Tuple.of(1, Arbitraries.just(Integer.MAX_VALUE)));
    }

    @Provide
    Arbitrary<List<double[][]>> series() {
        Arbitrary<Double> value = Arbitraries.frequencyOf(
                Tuple.of(30, Arbitraries.doubles().between(-1e3, 1e3)),
                Tuple.of(1, Arbitraries.of(1e308, -1e308, Double.MIN_VALUE)));
        Arbitrary<List<double[][]>> finite = Arbitraries.integers()
                .between(1, 3)
                .flatMap(features -> value.list()
                        .ofSize(features)
                        .map(l -> l.stream().mapToDouble(Double::doubleValue).toArray())
                        .list()
                        .ofMaxSize(30)
                        .map(steps -> steps.toArray(double[][]::new))
                        .list()
                        .ofMinSize(1)
                        .ofMaxSize(4));
        // now and then one value that is not finite
        Arbitrary<Double> poison = Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);
        return Arbitraries.frequencyOf(
                Tuple.of(8, finite),
                Tuple.of(
                        1,
                        net.jqwik.api.Combinators.combine(finite, poison, Arbitraries.longs())
                                .as((series, bad, seed) -> {
                                    java.util.Random random = new java.util.Random(seed);
                                    double[][] target = series.get(random.nextInt(series.size()));
                                    if (target.length > 0) {
                                        target[random.nextInt(target.length)][0] = bad;
                                    }
                                    return series;
                                })));
    }

    @Property(tries = 300)
    void theWindowsAreExactlyThoseThatFit(
            @ForAll("series") List<double[][]> values,
            @ForAll("sizes") int window,
            @ForAll("sizes") int horizon,
            @ForAll("sizes") int stride,
            @ForAll boolean skipShort,
            @ForAll boolean shuffle,
            @ForAll @IntRange(min = 1, max = 7) int batch) {
        List<Series> series = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            series.add(new Series(values.get(i), null, -1, "series " + i));
        }
        int features = values.stream()
                .filter(v -> v.length > 0)
                .findFirst()
                .map(v -> v[0].length)
                .orElse(0);
        ForecastWindows.Builder builder = new ForecastWindows.Builder(series)
                .window(window)
                .horizon(horizon)
                .stride(stride)
                .batchSize(batch)
                .skipShort(skipShort);
        if (shuffle) {
            builder.shuffle(window);
        }
        Fuzz.Outcome<ForecastWindows> outcome = Fuzz.run("series ", builder::build);
        Fuzz.count(outcome, 5);

        long span = (long) window + horizon;
        long expected = 0;
        int short_ = 0;
        boolean finite = true;
        for (double[][] v : values) {
            for (double[] step : v) {
                for (double x : step) {
                    finite &= Double.isFinite(x);
                }
            }
            if (v.length < span) {
                short_++;
            } else {
                expected += (v.length - span) / stride + 1;
            }
        }
        boolean fits = finite && (skipShort || short_ == 0) && expected > 0;
        if (!outcome.succeeded()) {
            assertTrue(!fits, "refused: " + outcome.error());
            return;
        }
        assertTrue(fits, "cut windows from series with non-finite values or none that fit");
        ForecastWindows windows = outcome.value();
        assertEquals(expected, windows.windows());
        assertEquals(skipShort ? short_ : 0, windows.skipped());
        assertEquals(
                values.size(),
                short_ + values.stream().filter(v -> v.length >= span).count());

        // every window, once per epoch: its inputs are a run of a series, its labels what follows
        long seen = 0;
        while (windows.hasNext()) {
            DataSet data = windows.next();
            long n = data.getFeatures().size(0);
            assertTrue(n <= batch);
            assertEquals(features, data.getFeatures().size(1));
            assertEquals(window, data.getFeatures().size(2));
            assertEquals((long) horizon * features, data.getLabels().size(1));
            for (int b = 0; b < n; b++) {
                assertTrue(followsInSomeSeries(values, data, b, window, horizon, features), "window " + (seen + b));
            }
            seen += n;
        }
        assertEquals(expected, seen);
    }

    /** Whether example {@code b}'s inputs are a run of a series and its labels the steps after it. */
    private static boolean followsInSomeSeries(
            List<double[][]> values, DataSet data, int b, int window, int horizon, int features) {
        float first = data.getFeatures().getFloat(b, 0, 0);
        for (double[][] v : values) {
            for (int s0 = 0; s0 + window + horizon <= v.length; s0++) {
                if ((float) v[s0][0] != first) {
                    continue;
                }
                boolean same = true;
                for (int t = 0; t < window && same; t++) {
                    for (int f = 0; f < features && same; f++) {
                        same = (float) v[s0 + t][f] == data.getFeatures().getFloat(b, f, t);
                    }
                }
                for (int h = 0; h < horizon && same; h++) {
                    for (int f = 0; f < features && same; f++) {
                        same = (float) v[s0 + window + h][f] == data.getLabels().getFloat(b, h * features + f);
                    }
                }
                if (same) {
                    return true;
                }
            }
        }
        return false;
    }
}
