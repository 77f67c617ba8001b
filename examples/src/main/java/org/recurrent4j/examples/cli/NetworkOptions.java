package org.recurrent4j.examples.cli;

import org.recurrent4j.conf.CellType;
import picocli.CommandLine.Option;

/** {@code --cell} and {@code --hidden}: the recurrent layer of a command's network. */
public final class NetworkOptions {

    @Option(
            names = "--cell",
            paramLabel = "NAME",
            completionCandidates = CellNames.class,
            description = "recurrent cell: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    private CellType cell;

    @Option(names = "--hidden", paramLabel = "H", description = "units per recurrent layer (default: ${DEFAULT-VALUE})")
    @Range(min = 1, max = 8192)
    private int hidden;

    public NetworkOptions(CellType cell, int hidden) {
        this.cell = cell;
        this.hidden = hidden;
    }

    public CellType cell() {
        return cell;
    }

    public int hidden() {
        return hidden;
    }
}
