package org.recurrent4j.examples.cell;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.BiFunction;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.recurrent4j.cell.QrnnCell;
import org.recurrent4j.conf.Gru;
import org.recurrent4j.conf.Lstm;
import org.recurrent4j.conf.OnLstm;
import org.recurrent4j.conf.Qrnn;
import org.recurrent4j.conf.Rnn;
import org.recurrent4j.conf.Sru;
import org.recurrent4j.init.OrthogonalInit;

/**
 * The recurrent cells the examples offer by name (char-rnn's {@code --cell}, the long-range study's
 * {@code --cells}): {@code rnn}, {@code lstm}, {@code gru}, {@code qrnn}, {@code sru}, {@code
 * onlstm}. Each makes one recurrent layer of {@code nIn} inputs and
 * {@code hidden} units with the library's defaults and orthogonal recurrent weights where the cell
 * has a recurrent matrix. A new cell is one more constant.
 */
public enum CellChoice {
    /** Vanilla (Elman) RNN, tanh. */
    RNN((nIn, hidden) -> new Rnn.Builder()
            .nIn(nIn)
            .nOut(hidden)
            .weightInitRecurrent(new OrthogonalInit())
            .build()),
    /** LSTM, forget-gate bias 1. */
    LSTM((nIn, hidden) -> new Lstm.Builder()
            .nIn(nIn)
            .nOut(hidden)
            .weightInitRecurrent(new OrthogonalInit())
            .build()),
    /** GRU, reset gate after the recurrent product (PyTorch). */
    GRU((nIn, hidden) -> new Gru.Builder()
            .nIn(nIn)
            .nOut(hidden)
            .weightInitRecurrent(new OrthogonalInit())
            .build()),
    /** QRNN, convolution width 2, fo-pooling. */
    QRNN((nIn, hidden) -> new Qrnn.Builder()
            .nIn(nIn)
            .nOut(hidden)
            .window(2)
            .pooling(QrnnCell.Pooling.FO)
            .build()),
    /** SRU, the textbook form (highway projected when nIn ≠ hidden). */
    SRU((nIn, hidden) -> new Sru.Builder().nIn(nIn).nOut(hidden).build()),
    /** ON-LSTM, chunk size 16 (or the largest power of two below it that divides hidden). */
    ONLSTM((nIn, hidden) -> new OnLstm.Builder()
            .nIn(nIn)
            .nOut(hidden)
            .chunkSize(Integer.lowestOneBit(hidden | 16))
            .weightInitRecurrent(new OrthogonalInit())
            .build());

    private final BiFunction<Integer, Integer, Layer> build;

    CellChoice(BiFunction<Integer, Integer, Layer> build) {
        this.build = build;
    }

    /** A recurrent layer of this cell. */
    public Layer layer(int nIn, int hidden) {
        return build.apply(nIn, hidden);
    }

    /** The cell's name in options, tables and file names, e.g. {@code lstm}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The cell's {@link #id()}, as options name it (and as help texts show a default). */
    @Override
    public String toString() {
        return id();
    }

    /** The cell of a name (any case). */
    public static CellChoice named(String name) {
        for (CellChoice cell : values()) {
            if (cell.id().equalsIgnoreCase(name.trim())) {
                return cell;
            }
        }
        throw new IllegalArgumentException("unknown cell '" + name + "'; cells: "
                + Arrays.stream(values()).map(CellChoice::id).toList());
    }
}
