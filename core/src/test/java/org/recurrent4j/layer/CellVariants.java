package org.recurrent4j.layer;

import java.util.List;
import java.util.function.BiFunction;
import org.nd4j.linalg.activations.Activation;
import org.recurrent4j.cell.QrnnCell;
import org.recurrent4j.conf.Gru;
import org.recurrent4j.conf.IndRnn;
import org.recurrent4j.conf.Lstm;
import org.recurrent4j.conf.OnLstm;
import org.recurrent4j.conf.Qrnn;
import org.recurrent4j.conf.RecurrentCellLayer;
import org.recurrent4j.conf.Rnn;
import org.recurrent4j.conf.Sru;

/** Every cell and option of the project, by name, for tests that must cover them all. */
public record CellVariants(String name, BiFunction<Integer, Integer, RecurrentCellLayer> build) {

    public RecurrentCellLayer layer(int nIn, int hidden) {
        return build.apply(nIn, hidden);
    }

    @Override
    public String toString() {
        return name;
    }

    public static List<CellVariants> all() {
        return List.of(
                new CellVariants(
                        "rnn_tanh", (n, h) -> new Rnn.Builder().nIn(n).nOut(h).build()),
                new CellVariants("rnn_relu", (n, h) -> new Rnn.Builder()
                        .nIn(n)
                        .nOut(h)
                        .activation(Activation.RELU)
                        .build()),
                new CellVariants(
                        "lstm", (n, h) -> new Lstm.Builder().nIn(n).nOut(h).build()),
                new CellVariants(
                        "lstm_peephole",
                        (n, h) ->
                                new Lstm.Builder().nIn(n).nOut(h).peephole(true).build()),
                new CellVariants("lstm_coupled", (n, h) -> new Lstm.Builder()
                        .nIn(n)
                        .nOut(h)
                        .coupledInputForget(true)
                        .build()),
                new CellVariants("lstm_peephole_coupled", (n, h) -> new Lstm.Builder()
                        .nIn(n)
                        .nOut(h)
                        .peephole(true)
                        .coupledInputForget(true)
                        .build()),
                new CellVariants("lstm_softsign_gates", (n, h) -> new Lstm.Builder()
                        .nIn(n)
                        .nOut(h)
                        .gateActivationFunction(Activation.SOFTSIGN)
                        .build()),
                new CellVariants(
                        "gru", (n, h) -> new Gru.Builder().nIn(n).nOut(h).build()),
                new CellVariants("gru_reset_before", (n, h) -> new Gru.Builder()
                        .nIn(n)
                        .nOut(h)
                        .resetAfter(false)
                        .build()),
                // The "Writing a cell" example (test sources): one line, and every shared check runs on it.
                new CellVariants(
                        "indrnn", (n, h) -> new IndRnn.Builder().nIn(n).nOut(h).build()),
                new CellVariants("qrnn_f", (n, h) -> new Qrnn.Builder()
                        .nIn(n)
                        .nOut(h)
                        .pooling(QrnnCell.Pooling.F)
                        .build()),
                new CellVariants(
                        "qrnn_fo_k2",
                        (n, h) -> new Qrnn.Builder().nIn(n).nOut(h).window(2).build()),
                new CellVariants("qrnn_ifo_k3", (n, h) -> new Qrnn.Builder()
                        .nIn(n)
                        .nOut(h)
                        .pooling(QrnnCell.Pooling.IFO)
                        .window(3)
                        .build()),
                new CellVariants(
                        "sru", (n, h) -> new Sru.Builder().nIn(n).nOut(h).build()),
                new CellVariants("sru_feedback", (n, h) -> new Sru.Builder()
                        .nIn(n)
                        .nOut(h)
                        .cellFeedback(true)
                        .activation(Activation.IDENTITY)
                        .rescaleHighway(true)
                        .highwayBias(-1.0)
                        .build()),
                // Chunks of 2 units (or 1 for an odd size: the chunk size must divide H).
                new CellVariants("onlstm", (n, h) -> new OnLstm.Builder()
                        .nIn(n)
                        .nOut(h)
                        .chunkSize(h % 2 == 0 ? 2 : 1)
                        .build()));
    }
}
