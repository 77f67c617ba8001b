package org.recurrent4j.arch;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;

/**
 * N→N: a sequence in, an output at every step (sequence labelling, language models, per-step
 * regression).
 *
 * <pre>
 *   x_1  x_2  …  x_T
 *    │    │       │
 *   RNN ─RNN ─ … ─RNN      (stacked, optionally bidirectional)
 *    │    │       │
 *   y_1  y_2  …  y_T       softmax over classes, or linear outputs (regression)
 * </pre>
 *
 * <p>Inputs: {@value #INPUT} {@code [B, features, T]} (or token indices {@code [B, 1, T]}), with
 * its mask. Output: {@value #OUTPUT} {@code [B, classes, T]}.
 *
 * <pre>{@code
 * ComputationGraphConfiguration conf = new SequenceLabeler()
 *         .tokens(vocabulary, 64).cell(CellTypes.LSTM).hidden(256, 256).dropout(0.2)
 *         .classes(vocabulary).languageModel(true).truncatedBptt(50)
 *         .build();
 * }</pre>
 */
public final class SequenceLabeler extends PerStepOutputStack<SequenceLabeler> {

    /** The name of the graph's input. */
    public static final String INPUT = "input";
    /** The name of the graph's output. */
    public static final String OUTPUT = "output";

    private boolean languageModel;

    /** Marks the network as a language model (each output predicts the next input), which must be unidirectional. */
    public SequenceLabeler languageModel(boolean languageModel) {
        this.languageModel = languageModel;
        return this;
    }

    public ComputationGraphConfiguration build() {
        validate();
        validateOutput();
        if (languageModel && bidirectional != null) {
            throw new IllegalArgumentException("a bidirectional language model (merge " + bidirectional + ") reads"
                    + " the tokens it must predict: a language model needs unidirectional layers");
        }
        GraphBuilder g = graph().addInputs(INPUT);
        Top top = addLayers(g, addInput(g, INPUT, ""), "", hidden, 0, hidden.length, true);
        addOutput(g, OUTPUT, top);
        return g.setOutputs(OUTPUT).setInputTypes(inputType()).build();
    }
}
