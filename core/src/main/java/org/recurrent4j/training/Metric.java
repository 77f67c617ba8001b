package org.recurrent4j.training;

import java.util.function.ToDoubleFunction;
import org.deeplearning4j.nn.api.Model;

/**
 * A number measured on a network during a {@link TrainingRun}, usually on held-out data: a loss,
 * an accuracy, an exact match, nats per character, or your own. The run measures its metrics at
 * the interval it is given, writes them into its {@link LearningCurves} (a column each, named by
 * {@link #name()}), hands them to its listeners, and can stop early on one of them ({@link
 * EarlyStopping}).
 *
 * <p>{@link Metrics} makes the common ones from a held-out iterator; {@link #of} wraps any
 * function of the network:
 *
 * <pre>{@code
 * Metric bleu = Metric.of("heldout_bleu", Metric.Goal.MAXIMIZE, net -> bleu((ComputationGraph) net, pairs));
 * Metric loss = Metrics.loss(devIterator).named("dev_loss");
 * }</pre>
 *
 * <p>A metric's name is a column of the curves' CSV: letters, digits and {@code _} only. Names
 * ending in {@code loss} are drawn on the loss axis of the curves' picture.
 */
public interface Metric {

    /** Whether larger values are better (an accuracy) or smaller ones (a loss). */
    enum Goal {
        MINIMIZE,
        MAXIMIZE;

        /** Whether {@code value} improves on {@code best} by more than {@code margin} (any finite value improves on NaN). */
        public boolean improves(double value, double best, double margin) {
            if (!Double.isFinite(value)) {
                return false;
            }
            if (Double.isNaN(best)) {
                return true;
            }
            return this == MAXIMIZE ? value > best + margin : value < best - margin;
        }
    }

    /** The column name, e.g. {@code heldout_accuracy}. */
    String name();

    /** Which way is better. */
    Goal goal();

    /** Measures the network (in inference mode: a metric must not train it). */
    double measure(Model net);

    /** This metric under another name. */
    default Metric named(String name) {
        return of(name, goal(), this::measure);
    }

    /**
     * A metric from a function of the network.
     *
     * @throws IllegalArgumentException if the name is not a plain column name
     */
    static Metric of(String name, Goal goal, ToDoubleFunction<Model> measure) {
        String checked = checkedName(name);
        return new Metric() {
            @Override
            public String name() {
                return checked;
            }

            @Override
            public Goal goal() {
                return goal;
            }

            @Override
            public double measure(Model net) {
                return measure.applyAsDouble(net);
            }

            @Override
            public String toString() {
                return checked;
            }
        };
    }

    /** {@code name} if it is letters, digits and {@code _}, starting with a letter. */
    static String checkedName(String name) {
        if (name == null || !name.matches("[A-Za-z][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("a metric's name is a column of the learning curves: letters, digits"
                    + " and '_', starting with a letter; got '" + name + "'");
        }
        return name;
    }
}
