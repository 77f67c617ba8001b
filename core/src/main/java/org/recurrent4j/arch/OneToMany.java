package org.recurrent4j.arch;

import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.rnn.DuplicateToTimeSeriesVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.nd4j.linalg.activations.Activation;
import org.recurrent4j.conf.FirstStepVertex;
import org.recurrent4j.conf.RecurrentCellLayer;
import org.recurrent4j.conf.RecurrentWithInitialState;

/**
 * 1→N: a vector in, a sequence out (captioning-style generation, count-up from a seed).
 *
 * <pre>
 *   INITIAL_STATE            FIRST_STEP                EVERY_STEP
 *   v ─▶ dense ─▶ h_0        [v; s_1] [0; s_2] …       [v; s_1] [v; s_2] …
 *        RNN ─ RNN ─ …        RNN ──── RNN ──── …        RNN ──── RNN ──── …
 *        y_1   y_2            y_1      y_2               y_1      y_2
 * </pre>
 *
 * <p>Inputs: {@value #VECTOR} {@code [B, F]} and {@value #STEPS} {@code [B, n, T]}, the decoder's
 * step inputs, which set the length T: the previous outputs under teacher forcing (the {@code
 * features}/{@code tokens} options describe them), or a constant when the output does not feed
 * back. INITIAL_STATE gives each state the first layer's cell starts from (h; h and c for LSTMs; c
 * for QRNN/SRU) a tanh dense projection of the vector, and needs one of this project's cells.
 * Output: {@value #OUTPUT} {@code [B, classes, T]}. Layers are unidirectional: the sequence is
 * generated left to right.
 *
 * <pre>{@code
 * ComputationGraphConfiguration conf = new OneToMany()
 *         .vectorSize(14).features(1).cell(CellTypes.GRU).hidden(64)
 *         .feed(OneToMany.Feed.INITIAL_STATE).classes(10)
 *         .build();
 * }</pre>
 */
public final class OneToMany extends PerStepOutputStack<OneToMany> {

    /** The name of the vector input. */
    public static final String VECTOR = "vector";
    /** The name of the step input. */
    public static final String STEPS = "steps";
    /** The name of the graph's output. */
    public static final String OUTPUT = "output";

    /** Where the vector goes in. */
    public enum Feed {
        /** As the first layer's initial state (through a dense projection). */
        INITIAL_STATE,
        /** Concatenated to the step input at the first step, zeros after. */
        FIRST_STEP,
        /** Concatenated to the step input at every step. */
        EVERY_STEP
    }

    private int vectorSize;
    private Feed feed = Feed.INITIAL_STATE;

    /** The size F of the input vector. */
    public OneToMany vectorSize(int n) {
        this.vectorSize = n;
        return this;
    }

    public OneToMany feed(Feed feed) {
        this.feed = feed;
        return this;
    }

    public ComputationGraphConfiguration build() {
        validate();
        if (vectorSize < 1) {
            throw new IllegalArgumentException(
                    "vectorSize: the input vector needs at least 1 value, got " + vectorSize);
        }
        if (feed == null) {
            throw new IllegalArgumentException("feed must be INITIAL_STATE, FIRST_STEP or EVERY_STEP, got null");
        }
        validateOutput();
        if (bidirectional != null) {
            throw new IllegalArgumentException("a one-to-many network generates left to right; bidirectional ("
                    + bidirectional + ") layers would read steps not generated yet");
        }
        if (feed == Feed.INITIAL_STATE) {
            requireInitialState("feed INITIAL_STATE", "feed FIRST_STEP or EVERY_STEP");
        }
        GraphBuilder g = graph().addInputs(VECTOR, STEPS);
        Top steps = addInput(g, STEPS, "");
        Top top;
        switch (feed) {
            case INITIAL_STATE -> {
                RecurrentCellLayer first = initialStateLayer(recurrentLayer(steps.size(), hidden[0], 0));
                List<String> entries = RecurrentWithInitialState.initialEntries(first);
                String[] states = new String[entries.size()];
                for (int i = 0; i < states.length; i++) {
                    states[i] = "initial_" + entries.get(i);
                    g.addLayer(
                            states[i],
                            new DenseLayer.Builder()
                                    .nIn(vectorSize)
                                    .nOut(hidden[0])
                                    .activation(Activation.TANH)
                                    .build(),
                            VECTOR);
                }
                RecurrentWithInitialState.addTo(g, "rnn0", first, steps.vertex(), states);
                top = new Top("rnn0", hidden[0]);
            }
            case FIRST_STEP, EVERY_STEP -> {
                String placed = "vector_" + feed.name().toLowerCase(java.util.Locale.ROOT);
                if (feed == Feed.FIRST_STEP) {
                    g.addVertex(placed, new FirstStepVertex(), VECTOR, STEPS);
                } else {
                    g.addVertex(placed, new DuplicateToTimeSeriesVertex(STEPS), VECTOR);
                }
                g.addVertex("rnn0_input", new MergeVertex(), steps.vertex(), placed);
                Top merged = new Top("rnn0_input", steps.size() + vectorSize);
                g.addLayer("rnn0", recurrentLayer(merged.size(), hidden[0], 0), merged.vertex());
                top = new Top("rnn0", hidden[0]);
            }
            default -> throw new IllegalStateException(feed.name());
        }
        top = addLayers(g, top, "", hidden, 1, hidden.length, false);
        addOutput(g, OUTPUT, top);
        return g.setOutputs(OUTPUT)
                .setInputTypes(InputType.feedForward(vectorSize), inputType())
                .build();
    }
}
