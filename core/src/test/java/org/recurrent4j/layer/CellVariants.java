package org.recurrent4j.layer;

import java.util.List;
import java.util.function.BiFunction;
import org.nd4j.linalg.activations.Activation;
import org.recurrent4j.conf.Gru;
import org.recurrent4j.conf.IndRnn;
import org.recurrent4j.conf.Lstm;
import org.recurrent4j.conf.RecurrentCellLayer;
import org.recurrent4j.conf.Rnn;

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
                        "indrnn", (n, h) -> new IndRnn.Builder().nIn(n).nOut(h).build()));
    }
}
