package org.recurrent4j.examples.cli;

import java.util.Iterator;
import org.recurrent4j.conf.CellTypes;

/**
 * The names {@code --cell} accepts, for picocli's help ({@code ${COMPLETION-CANDIDATES}}) and shell
 * completion: every cell type {@link CellTypes} knows, registered ones included.
 */
public final class CellNames implements Iterable<String> {

    @Override
    public Iterator<String> iterator() {
        return CellTypes.names().iterator();
    }
}
