package org.recurrent4j.arch;

import java.util.Arrays;
import java.util.Locale;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.nd4j.linalg.activations.Activation;
import org.recurrent4j.cell.QrnnCell;
import org.recurrent4j.conf.Gru;
import org.recurrent4j.conf.Lstm;
import org.recurrent4j.conf.OnLstm;
import org.recurrent4j.conf.Qrnn;
import org.recurrent4j.conf.Rnn;
import org.recurrent4j.conf.Sru;

/**
 * The recurrent layers the architecture builders stack: this project's cells with their defaults,
 * and DL4J's own {@code LSTM} and {@code SimpleRnn} (which cannot start from an initial state given
 * by other vertices, so the structures that need one reject them).
 *
 * <pre>{@code
 * Layer layer = CellType.GRU.layer(64, 128);
 * CellType.named("qrnn");
 * }</pre>
 */
public enum CellType {
    /** {@link Rnn}, tanh. */
    RNN,
    /** {@link Lstm}, forget-gate bias 1. */
    LSTM,
    /** {@link Gru}, reset gate after the recurrent product. */
    GRU,
    /** {@link Qrnn}, convolution width 2, fo-pooling. */
    QRNN,
    /** {@link Sru}, the textbook form. */
    SRU,
    /** {@link OnLstm}, chunk size 16, or the largest power of two below it that divides the size. */
    ONLSTM,
    /** DL4J's {@code LSTM} (tanh). */
    DL4J_LSTM,
    /** DL4J's {@code SimpleRnn} (tanh). */
    DL4J_SIMPLE_RNN;

    /** A layer of this cell with {@code nIn} inputs and {@code nOut} units. */
    public Layer layer(int nIn, int nOut) {
        return switch (this) {
            case RNN -> new Rnn.Builder().nIn(nIn).nOut(nOut).build();
            case LSTM -> new Lstm.Builder().nIn(nIn).nOut(nOut).build();
            case GRU -> new Gru.Builder().nIn(nIn).nOut(nOut).build();
            case QRNN -> new Qrnn.Builder()
                    .nIn(nIn)
                    .nOut(nOut)
                    .window(2)
                    .pooling(QrnnCell.Pooling.FO)
                    .build();
            case SRU -> new Sru.Builder().nIn(nIn).nOut(nOut).build();
            case ONLSTM -> new OnLstm.Builder()
                    .nIn(nIn)
                    .nOut(nOut)
                    .chunkSize(Integer.lowestOneBit(nOut | 16))
                    .build();
            case DL4J_LSTM -> new LSTM.Builder()
                    .nIn(nIn)
                    .nOut(nOut)
                    .activation(Activation.TANH)
                    .build();
            case DL4J_SIMPLE_RNN -> new SimpleRnn.Builder()
                    .nIn(nIn)
                    .nOut(nOut)
                    .activation(Activation.TANH)
                    .build();
        };
    }

    /** Whether it is one of this project's cells, which can start from a given initial state. */
    public boolean takesInitialState() {
        return this != DL4J_LSTM && this != DL4J_SIMPLE_RNN;
    }

    /** The name in options and messages, e.g. {@code gru}, {@code dl4j_lstm}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The cell of a name (any case). */
    public static CellType named(String name) {
        for (CellType c : values()) {
            if (c.id().equalsIgnoreCase(name.trim())) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown cell '" + name + "'; cells: "
                + Arrays.stream(values()).map(CellType::id).toList());
    }
}
