package org.recurrent4j.timeseries;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.recurrent4j.data.BatchIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forecasting examples cut from time series: an input window of {@code W} steps and, as the label,
 * the next {@code H} values of the target features.
 *
 * <p>From a series {@code x_0 .. x_{T-1}} (each step F features) the example starting at {@code s}
 * has features {@code x_s .. x_{s+W-1}} and labels {@code y_{s+W} .. y_{s+W+H-1}} (y the K target
 * features of x); starts are {@code 0, S, 2S, ...} while {@code s + W + H ≤ T}. Batches are
 * <ul>
 *   <li>features {@code [B, F, W]} (NCW, what DL4J's recurrent layers take), and
 *   <li>labels {@code [B, H·K]}, horizon-major: column {@code h·K + k} is target k at {@code h+1}
 *       steps ahead — what a {@code LastTimeStep} recurrent layer followed by an {@code
 *       OutputLayer} of {@code H·K} units with an identity activation predicts.
 * </ul>
 *
 * <p>A series shorter than {@code W + H} steps gives no window: that is an error naming the series
 * and the lengths, unless {@link Builder#skipShort(boolean)} asks to skip such series; then {@link
 * #skipped()} counts them and a warning is logged. Windows can be shuffled, reproducibly: each
 * {@link #reset()} starts a new epoch in a new order drawn from the seed.
 *
 * <pre>{@code
 * ForecastWindows train = new ForecastWindows.Builder(reader.series())
 *         .window(48).horizon(12).stride(4).targets(0).batchSize(32).shuffle(7).build();
 * net.fit(train, 10);
 * }</pre>
 */
public class ForecastWindows extends BatchIterator {

    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(ForecastWindows.class);

    private final List<Series> series;
    private final int window;
    private final int horizon;
    private final int[] targets;
    private final Long seed;
    private final List<long[]> starts = new ArrayList<>();
    private final int features;
    private int skipped;
    private int epoch;
    private int next;

    private ForecastWindows(Builder b) {
        super(b.batchSize);
        this.series = b.series;
        this.window = b.window;
        this.horizon = b.horizon;
        this.seed = b.seed;
        this.features = b.series.stream()
                .filter(s -> s.length() > 0)
                .findFirst()
                .map(Series::features)
                .orElse(0);
        this.targets = b.targets != null ? b.targets : allColumns(features);
        for (int t : targets) {
            if (t < 0 || t >= features) {
                throw new IllegalArgumentException("target feature " + t + " outside [0, " + features + ") of "
                        + b.series.get(0).source());
            }
        }
        // long: a window and a horizon near Integer.MAX_VALUE must not wrap around
        long span = (long) window + horizon;
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            check(s, features, series.get(0).source());
            if (s.length() < span) {
                String what = s.source() + ": " + s.length() + " steps, fewer than a window of " + window
                        + " plus a horizon of " + horizon + " need (" + span + ")";
                if (!b.skipShort) {
                    throw new IllegalArgumentException(what + "; use a shorter window or skipShort(true)");
                }
                skipped++;
                continue;
            }
            for (long s0 = 0; s0 + span <= s.length(); s0 += b.stride) {
                starts.add(new long[] {i, s0});
            }
        }
        if (skipped > 0) {
            log.warn("skipped {} of {} series shorter than {} steps", skipped, series.size(), span);
        }
        if (starts.isEmpty()) {
            throw new IllegalArgumentException("no forecasting windows: every series is shorter than " + span
                    + " steps (the first is " + series.get(0).source() + ")");
        }
        order();
    }

    /** Every step of a series has {@code features} finite values (series made by hand are not checked elsewhere). */
    private static void check(Series s, int features, String first) {
        if (s.length() == 0) {
            return;
        }
        if (s.features() != features) {
            throw new IllegalArgumentException(
                    s.source() + ": " + s.features() + " features per step, expected " + features + " as in " + first);
        }
        double[][] values = s.values();
        for (int t = 0; t < values.length; t++) {
            if (values[t] == null || values[t].length != features) {
                throw new IllegalArgumentException(s.source() + ": step " + t + " has "
                        + (values[t] == null ? "no values" : values[t].length + " values") + ", expected " + features);
            }
            for (int f = 0; f < features; f++) {
                if (!Double.isFinite(values[t][f])) {
                    throw new IllegalArgumentException(s.source() + ": step " + t + ", feature " + f + " is "
                            + values[t][f] + "; fill in missing or infinite values before cutting windows");
                }
            }
        }
    }

    private static int[] allColumns(int n) {
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        return all;
    }

    /** Builds {@link ForecastWindows}. */
    public static final class Builder {
        private final List<Series> series;
        private int window = -1;
        private int horizon = 1;
        private int stride = 1;
        private int[] targets;
        private int batchSize = 32;
        private Long seed;
        private boolean skipShort;

        /** @param series the series to cut, all with the same number of features */
        public Builder(List<Series> series) {
            if (series.isEmpty()) {
                throw new IllegalArgumentException("no series to cut into forecasting windows");
            }
            this.series = List.copyOf(series);
        }

        /** Univariate series given as arrays of values, named "series i" in errors. */
        public static Builder of(double[]... values) {
            List<Series> list = new ArrayList<>();
            for (int i = 0; i < values.length; i++) {
                double[][] steps = new double[values[i].length][1];
                for (int t = 0; t < steps.length; t++) {
                    steps[t][0] = values[i][t];
                }
                list.add(new Series(steps, null, -1, "series " + i));
            }
            return new Builder(list);
        }

        /** Input steps per example (required). */
        public Builder window(int window) {
            this.window = positive("window", window);
            return this;
        }

        /** Steps ahead to predict (default 1). */
        public Builder horizon(int horizon) {
            this.horizon = positive("horizon", horizon);
            return this;
        }

        /** Steps between the starts of consecutive windows of a series (default 1). */
        public Builder stride(int stride) {
            this.stride = positive("stride", stride);
            return this;
        }

        /** The features to predict (default: all of them). */
        public Builder targets(int... features) {
            if (features.length == 0) {
                throw new IllegalArgumentException("name at least one target feature");
            }
            this.targets = features.clone();
            return this;
        }

        public Builder batchSize(int batchSize) {
            this.batchSize = positive("batch size", batchSize);
            return this;
        }

        /** Shuffle the windows every epoch, reproducibly from {@code seed} (default: in order). */
        public Builder shuffle(long seed) {
            this.seed = seed;
            return this;
        }

        /** Skip (and count) series shorter than window + horizon instead of failing (default false). */
        public Builder skipShort(boolean skipShort) {
            this.skipShort = skipShort;
            return this;
        }

        public ForecastWindows build() {
            if (window < 0) {
                throw new IllegalStateException("set the window length");
            }
            return new ForecastWindows(this);
        }

        private static int positive(String what, int value) {
            if (value < 1) {
                throw new IllegalArgumentException(what + " must be at least 1, got " + value);
            }
            return value;
        }
    }

    /** The number of windows per epoch. */
    public int windows() {
        return starts.size();
    }

    /** Series skipped as too short (only with {@code skipShort(true)}). */
    public int skipped() {
        return skipped;
    }

    private void order() {
        if (seed != null) {
            starts.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
            Collections.shuffle(starts, new Random(seed + epoch));
        }
    }

    @Override
    protected String exhausted() {
        return "all " + starts.size() + " windows were given: call reset()";
    }

    @Override
    protected DataSet nextBatch(int num) {
        int n = Math.min(num, starts.size() - next);
        double[][][] x = new double[n][features][window];
        double[][] y = new double[n][horizon * targets.length];
        for (int b = 0; b < n; b++) {
            long[] start = starts.get(next + b);
            double[][] values = series.get((int) start[0]).values();
            int s0 = (int) start[1];
            for (int t = 0; t < window; t++) {
                for (int f = 0; f < features; f++) {
                    x[b][f][t] = values[s0 + t][f];
                }
            }
            for (int h = 0; h < horizon; h++) {
                for (int k = 0; k < targets.length; k++) {
                    y[b][h * targets.length + k] = values[s0 + window + h][targets[k]];
                }
            }
        }
        next += n;
        INDArray features = Nd4j.create(x).castTo(Nd4j.defaultFloatingPointType());
        INDArray labels = Nd4j.create(y).castTo(Nd4j.defaultFloatingPointType());
        return new DataSet(features, labels);
    }

    @Override
    public boolean hasNext() {
        return next < starts.size();
    }

    @Override
    public void reset() {
        next = 0;
        epoch++;
        order();
    }

    @Override
    public int inputColumns() {
        return features;
    }

    @Override
    public int totalOutcomes() {
        return horizon * targets.length;
    }
}
