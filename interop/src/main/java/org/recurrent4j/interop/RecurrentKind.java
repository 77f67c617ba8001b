package org.recurrent4j.interop;

import org.deeplearning4j.nn.conf.RNNFormat;
import org.nd4j.linalg.activations.Activation;
import org.recurrent4j.conf.Gru;
import org.recurrent4j.conf.Lstm;
import org.recurrent4j.conf.RecurrentCellLayer;
import org.recurrent4j.conf.Rnn;

/**
 * The three recurrent layers every source framework has, with their gate count {@code G} (rows of
 * {@code Wih} are {@code G·H}) and the recurrent4j layer each becomes.
 */
public enum RecurrentKind {
    /** Elman RNN, one block: recurrent4j's {@link Rnn}. */
    RNN(1),
    /** LSTM, blocks i, f, g, o: recurrent4j's {@link Lstm}. */
    LSTM(4),
    /** GRU, blocks r, z, n: recurrent4j's {@link Gru}. */
    GRU(3);

    private final int gates;

    RecurrentKind(int gates) {
        this.gates = gates;
    }

    /** The number of gate blocks {@code G}. */
    public int gates() {
        return gates;
    }

    /** The kind whose weights have {@code g} gate blocks, or null. */
    public static RecurrentKind ofGates(long g) {
        for (RecurrentKind k : values()) {
            if (k.gates == g) {
                return k;
            }
        }
        return null;
    }

    /**
     * The recurrent4j layer of this kind.
     *
     * @param activation the RNN's nonlinearity (tanh or ReLU); LSTM and GRU use tanh
     * @param resetAfter for a GRU: PyTorch's form (true) or Cho's (false)
     */
    public RecurrentCellLayer layer(
            long nIn, long hidden, Activation activation, boolean resetAfter, RNNFormat format) {
        return switch (this) {
            case RNN -> new Rnn.Builder()
                    .nIn(nIn)
                    .nOut(hidden)
                    .activation(activation)
                    .dataFormat(format)
                    .build();
            case LSTM -> new Lstm.Builder()
                    .nIn(nIn)
                    .nOut(hidden)
                    .dataFormat(format)
                    .build();
            case GRU -> new Gru.Builder()
                    .nIn(nIn)
                    .nOut(hidden)
                    .resetAfter(resetAfter)
                    .dataFormat(format)
                    .build();
        };
    }

    /** The name for summaries, e.g. {@code Lstm 10→32}. */
    public String describe(long nIn, long hidden) {
        String name =
                switch (this) {
                    case RNN -> "Rnn";
                    case LSTM -> "Lstm";
                    case GRU -> "Gru";
                };
        return name + " " + nIn + "→" + hidden;
    }
}
