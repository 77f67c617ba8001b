package org.recurrent4j.examples.cli;

import java.util.Locale;
import java.util.function.LongUnaryOperator;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import org.recurrent4j.training.RunListener;
import org.recurrent4j.training.RunResult;

/**
 * A progress bar on standard error for a training run: the share of the budget used (with its
 * elapsed time and ETA), the step, the smoothed training loss and the throughput. Draws nothing
 * when disabled, so that output captured in a file or a test stays small.
 *
 * <pre>{@code
 * builder.listener(new ProgressBarListener("char-rnn", "chars", examples -> examples * seqLength, enabled));
 * }</pre>
 */
public final class ProgressBarListener implements RunListener, AutoCloseable {

    /** Resolution of the bar: it counts per mille of the budget. */
    private static final int SCALE = 1000;

    private final String task;
    private final String unit;
    private final LongUnaryOperator unitsPerBatch;
    private final boolean enabled;
    private ProgressBar bar;
    private double smoothed = Double.NaN;
    private long units;

    /**
     * @param unit what the throughput counts, e.g. {@code chars} or {@code examples}
     * @param unitsPerBatch the units in a batch of so many examples
     * @param enabled whether to draw anything
     */
    public ProgressBarListener(String task, String unit, LongUnaryOperator unitsPerBatch, boolean enabled) {
        this.task = task;
        this.unit = unit;
        this.unitsPerBatch = unitsPerBatch;
        this.enabled = enabled;
    }

    /** A bar counting examples. */
    public ProgressBarListener(String task, boolean enabled) {
        this(task, "examples", LongUnaryOperator.identity(), enabled);
    }

    @Override
    public void started(Started start) {
        if (enabled) {
            bar = new ProgressBarBuilder()
                    .setTaskName(task)
                    .setInitialMax(SCALE)
                    .setUnit("‰", 1)
                    .setUpdateIntervalMillis(500)
                    .setConsumer(new ConsoleProgressBarConsumer(System.err))
                    .build();
        }
    }

    @Override
    public void stepDone(Step step) {
        smoothed = Double.isNaN(smoothed) ? step.loss() : 0.9 * smoothed + 0.1 * step.loss();
        units += unitsPerBatch.applyAsLong(step.examples());
        if (bar == null) {
            return;
        }
        double seconds = Math.max(1e-9, step.elapsed().toNanos() / 1e9);
        bar.stepTo(Math.round(Math.min(1, Math.max(0, step.budgetShare())) * SCALE));
        bar.setExtraMessage(String.format(
                Locale.ROOT, "step %d loss %.3f %,.0f %s/s", step.step(), smoothed, units / seconds, unit));
    }

    @Override
    public void finished(RunResult result) {
        close();
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    /** The training loss smoothed over the last steps (an exponential average), NaN before a step. */
    public double smoothedLoss() {
        return smoothed;
    }
}
