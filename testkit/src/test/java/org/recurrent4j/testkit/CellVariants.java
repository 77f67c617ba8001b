package org.recurrent4j.testkit;

import java.util.List;
import org.nd4j.linalg.activations.Activation;
import org.recurrent4j.cell.QrnnCell;
import org.recurrent4j.conf.CellType;
import org.recurrent4j.conf.Gru;
import org.recurrent4j.conf.Lstm;
import org.recurrent4j.conf.OnLstm;
import org.recurrent4j.conf.Qrnn;
import org.recurrent4j.conf.RecurrentCellLayer;
import org.recurrent4j.conf.Rnn;
import org.recurrent4j.conf.Sru;
import org.recurrent4j.testkit.cells.IndRnn;
import org.recurrent4j.testkit.cells.Mgu;

/**
 * Every cell and option of the project as cell types (a set of options is one more type), and the
 * two cells written by following "Writing a cell" (IndRNN, MGU), for tests that must cover them
 * all. Their layers use the network's initialization.
 */
public final class CellVariants {

    private static final List<CellType> ALL = variants();

    private CellVariants() {}

    public static List<CellType> all() {
        return ALL;
    }

    /** The variant of that id. */
    public static CellType named(String id) {
        return ALL.stream()
                .filter(v -> v.id().equals(id))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no variant " + id));
    }

    /** The variant's layer, one of this project's. */
    public static RecurrentCellLayer layer(CellType variant, int nIn, int hidden) {
        return (RecurrentCellLayer) variant.layer(nIn, hidden);
    }

    private static List<CellType> variants() {
        return List.of(
                CellType.of(
                        "rnn_tanh", (n, h) -> new Rnn.Builder().nIn(n).nOut(h).build()),
                CellType.of("rnn_relu", (n, h) -> new Rnn.Builder()
                        .nIn(n)
                        .nOut(h)
                        .activation(Activation.RELU)
                        .build()),
                CellType.of("lstm", (n, h) -> new Lstm.Builder().nIn(n).nOut(h).build()),
                CellType.of(
                        "lstm_peephole",
                        (n, h) ->
                                new Lstm.Builder().nIn(n).nOut(h).peephole(true).build()),
                CellType.of("lstm_coupled", (n, h) -> new Lstm.Builder()
                        .nIn(n)
                        .nOut(h)
                        .coupledInputForget(true)
                        .build()),
                CellType.of("lstm_peephole_coupled", (n, h) -> new Lstm.Builder()
                        .nIn(n)
                        .nOut(h)
                        .peephole(true)
                        .coupledInputForget(true)
                        .build()),
                CellType.of("lstm_softsign_gates", (n, h) -> new Lstm.Builder()
                        .nIn(n)
                        .nOut(h)
                        .gateActivationFunction(Activation.SOFTSIGN)
                        .build()),
                CellType.of("gru", (n, h) -> new Gru.Builder().nIn(n).nOut(h).build()),
                CellType.of("gru_reset_before", (n, h) -> new Gru.Builder()
                        .nIn(n)
                        .nOut(h)
                        .resetAfter(false)
                        .build()),
                // The "Writing a cell" examples (this module's test sources): one line each, and the kit runs on them.
                CellType.of(
                        "indrnn", (n, h) -> new IndRnn.Builder().nIn(n).nOut(h).build()),
                CellType.of("qrnn_f", (n, h) -> new Qrnn.Builder()
                        .nIn(n)
                        .nOut(h)
                        .pooling(QrnnCell.Pooling.F)
                        .build()),
                CellType.of(
                        "qrnn_fo_k2",
                        (n, h) -> new Qrnn.Builder().nIn(n).nOut(h).window(2).build()),
                CellType.of("qrnn_ifo_k3", (n, h) -> new Qrnn.Builder()
                        .nIn(n)
                        .nOut(h)
                        .pooling(QrnnCell.Pooling.IFO)
                        .window(3)
                        .build()),
                CellType.of("sru", (n, h) -> new Sru.Builder().nIn(n).nOut(h).build()),
                CellType.of("sru_feedback", (n, h) -> new Sru.Builder()
                        .nIn(n)
                        .nOut(h)
                        .cellFeedback(true)
                        .activation(Activation.IDENTITY)
                        .rescaleHighway(true)
                        .highwayBias(-1.0)
                        .build()),
                // Chunks of 2 units (or 1 for an odd size: the chunk size must divide H).
                CellType.of("onlstm", (n, h) -> new OnLstm.Builder()
                        .nIn(n)
                        .nOut(h)
                        .chunkSize(h % 2 == 0 ? 2 : 1)
                        .build()),
                CellType.of("mgu", (n, h) -> new Mgu.Builder().nIn(n).nOut(h).build()));
    }
}
