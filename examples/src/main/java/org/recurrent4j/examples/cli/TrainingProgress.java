package org.recurrent4j.examples.cli;

import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * A progress bar on standard error for a training loop: the share of the budget used (with its
 * elapsed time and ETA), the step, the loss and the throughput. Off when disabled, so that output
 * captured in a file or a test stays small.
 *
 * <pre>{@code
 * try (TrainingProgress progress = TrainingProgress.start("char-rnn", "chars", options.progressBar())) {
 *     progress.update(fractionDone, step, loss, charactersPerSecond);
 * }
 * }</pre>
 */
public final class TrainingProgress implements AutoCloseable {

    /** Resolution of the bar: it counts per mille of the budget. */
    private static final int SCALE = 1000;

    private final ProgressBar bar;
    private final String unit;

    private TrainingProgress(ProgressBar bar, String unit) {
        this.bar = bar;
        this.unit = unit;
    }

    /**
     * @param unit what the throughput counts, e.g. {@code chars} or {@code examples}
     * @param enabled whether to draw anything (on standard error)
     */
    public static TrainingProgress start(String task, String unit, boolean enabled) {
        if (!enabled) {
            return new TrainingProgress(null, unit);
        }
        ProgressBar bar = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(SCALE)
                .setUnit("‰", 1)
                .setUpdateIntervalMillis(500)
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .build();
        return new TrainingProgress(bar, unit);
    }

    /**
     * @param done the share of the budget used, 0 to 1
     * @param rate {@code unit}s per second
     */
    public void update(double done, long step, double loss, double rate) {
        if (bar == null) {
            return;
        }
        bar.stepTo(Math.round(Math.min(1, Math.max(0, done)) * SCALE));
        bar.setExtraMessage(String.format(Locale.ROOT, "step %d loss %.3f %,.0f %s/s", step, loss, rate, unit));
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
