package org.recurrent4j.benchmarks;

import org.deeplearning4j.nn.conf.layers.GravesLSTM;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.nd4j.linalg.activations.Activation;
import org.recurrent4j.conf.Gru;
import org.recurrent4j.conf.Lstm;
import org.recurrent4j.conf.Rnn;

/** The recurrent layers under comparison, with the gate count that sets their matrix work. */
public enum LayerKind {
    RECURRENT4J_LSTM("recurrent4j Lstm", 4),
    RECURRENT4J_GRU("recurrent4j Gru", 3),
    RECURRENT4J_RNN("recurrent4j Rnn", 1),
    DL4J_LSTM("DL4J LSTM", 4),
    DL4J_GRAVES_LSTM("DL4J GravesLSTM", 4),
    DL4J_SIMPLE_RNN("DL4J SimpleRnn", 1);

    private final String label;
    private final int gates;

    LayerKind(String label, int gates) {
        this.label = label;
        this.gates = gates;
    }

    public String label() {
        return label;
    }

    public Layer layer(int nIn, int hidden) {
        return switch (this) {
            case RECURRENT4J_LSTM -> new Lstm.Builder().nIn(nIn).nOut(hidden).build();
            case RECURRENT4J_GRU -> new Gru.Builder().nIn(nIn).nOut(hidden).build();
            case RECURRENT4J_RNN -> new Rnn.Builder().nIn(nIn).nOut(hidden).build();
            case DL4J_LSTM -> new LSTM.Builder()
                    .nIn(nIn)
                    .nOut(hidden)
                    .activation(Activation.TANH)
                    .build();
            case DL4J_GRAVES_LSTM -> new GravesLSTM.Builder()
                    .nIn(nIn)
                    .nOut(hidden)
                    .activation(Activation.TANH)
                    .build();
            case DL4J_SIMPLE_RNN -> new SimpleRnn.Builder()
                    .nIn(nIn)
                    .nOut(hidden)
                    .activation(Activation.TANH)
                    .build();
        };
    }

    /**
     * Matrix FLOPs of one forward pass: per step, the input and recurrent products {@code 2·B·G·H·(nIn + H)}.
     * A training step does three times that (forward, and the two backward products).
     */
    public double forwardFlops(int batch, int steps, int nIn, int hidden) {
        return 2.0 * batch * steps * gates * hidden * (double) (nIn + hidden);
    }
}
