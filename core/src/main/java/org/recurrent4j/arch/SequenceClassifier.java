package org.recurrent4j.arch;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * N→1: a sequence in, one output for the whole sequence (classification of sentences, time series).
 *
 * <pre>
 *   x_1  x_2  …  x_T
 *    │    │       │
 *   RNN ─RNN ─ … ─RNN ──▶ pool ──▶ softmax
 * </pre>
 *
 * <p>Pooling: {@link Pooling#LAST} reads the last real step (masks respected); for a bidirectional
 * top layer it merges the forward direction's last real step with the backward direction's final
 * state, the one that has read the whole sequence (a {@code Bidirectional} layer's output at the
 * last step would give the backward direction after one step only). {@link Pooling#MEAN} and
 * {@link Pooling#MAX} pool over the real steps.
 *
 * <p>Inputs: {@value #INPUT} {@code [B, features, T]} (or token indices), with its mask. Output:
 * {@value #OUTPUT} {@code [B, classes]}.
 *
 * <pre>{@code
 * ComputationGraphConfiguration conf = new SequenceClassifier()
 *         .features(1).cell(CellTypes.GRU).hidden(64).bidirectional(Bidirectional.Mode.CONCAT)
 *         .pooling(SequenceClassifier.Pooling.LAST).classes(6)
 *         .build();
 * }</pre>
 */
public final class SequenceClassifier extends RecurrentStack<SequenceClassifier> {

    /** The name of the graph's input. */
    public static final String INPUT = "input";
    /** The name of the graph's output. */
    public static final String OUTPUT = "output";

    /** How the sequence becomes one vector. */
    public enum Pooling {
        /** The last real step (both directions' final states when bidirectional). */
        LAST,
        /** The mean over the real steps. */
        MEAN,
        /** The maximum over the real steps, per unit. */
        MAX
    }

    private Pooling pooling = Pooling.LAST;
    private int classes;

    public SequenceClassifier pooling(Pooling pooling) {
        this.pooling = pooling;
        return this;
    }

    /** A softmax over {@code n} classes. */
    public SequenceClassifier classes(int n) {
        this.classes = n;
        return this;
    }

    public ComputationGraphConfiguration build() {
        validate();
        if (pooling == null) {
            throw new IllegalArgumentException("pooling must be LAST, MEAN or MAX, got null");
        }
        if (classes < 2) {
            throw new IllegalArgumentException("classes: a classifier needs at least 2 classes, got " + classes);
        }
        GraphBuilder g = graph().addInputs(INPUT);
        Top in = addInput(g, INPUT, "");
        Top pooled;
        if (pooling == Pooling.LAST) {
            Top below = addLayers(g, in, "", hidden, 0, hidden.length - 1, true);
            pooled = addLastStep(g, below, "", INPUT);
        } else {
            Top top = addLayers(g, in, "", hidden, 0, hidden.length, true);
            g.addLayer(
                    "pool",
                    new GlobalPoolingLayer.Builder(pooling == Pooling.MEAN ? PoolingType.AVG : PoolingType.MAX).build(),
                    top.vertex());
            pooled = new Top("pool", top.size());
        }
        g.addLayer(
                OUTPUT,
                withInputDropout(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX)
                        .nIn(pooled.size())
                        .nOut(classes)
                        .build()),
                pooled.vertex());
        return g.setOutputs(OUTPUT).setInputTypes(inputType()).build();
    }
}
