package org.recurrent4j.examples.training;

import java.io.PrintWriter;
import org.recurrent4j.training.RunListener;

/**
 * The line a classifying command prints after an epoch: its number, the time so far, and the
 * {@code test_loss} and {@code test_accuracy} metrics, every {@code every} epochs and after the
 * last.
 *
 * <pre>
 * epoch  10  0:42  test loss 0.3121  test accuracy 0.9050
 * </pre>
 */
public final class EpochReport implements RunListener {

    private final PrintWriter out;
    private final int every;
    private final int epochs;

    public EpochReport(PrintWriter out, int every, int epochs) {
        this.out = out;
        this.every = every;
        this.epochs = epochs;
    }

    @Override
    public void measured(Measurement m) {
        if (m.step() > 0 && (m.epoch() % every == 0 || m.epoch() == epochs)) {
            out.printf(
                    "epoch %3d  %d:%02d  test loss %.4f  test accuracy %.4f%n",
                    m.epoch(),
                    m.elapsed().toMinutes(),
                    m.elapsed().toSecondsPart(),
                    m.values().get("test_loss"),
                    m.values().get("test_accuracy"));
        }
    }
}
