package org.recurrent4j.examples.cli;

import org.recurrent4j.examples.cell.CellChoice;
import picocli.CommandLine.Option;

/** {@code --cell} and {@code --hidden}: the recurrent layer of a command's network. */
public final class NetworkOptions {

    @Option(
            names = "--cell",
            paramLabel = "NAME",
            description = "recurrent cell: rnn, lstm, gru, qrnn, sru or onlstm (default: ${DEFAULT-VALUE})")
    private CellChoice cell;

    @Option(names = "--hidden", paramLabel = "H", description = "units per recurrent layer (default: ${DEFAULT-VALUE})")
    @Range(min = 1, max = 8192)
    private int hidden;

    public NetworkOptions(CellChoice cell, int hidden) {
        this.cell = cell;
        this.hidden = hidden;
    }

    public CellChoice cell() {
        return cell;
    }

    public int hidden() {
        return hidden;
    }
}
