package org.recurrent4j.testkit.cells;

import org.recurrent4j.cell.Cell;
import org.recurrent4j.conf.RecurrentCellLayer;

/**
 * An IndRNN layer ({@link IndRnnCell}): the configuration half of the "Writing a cell" example,
 * all of it.
 *
 * <pre>{@code
 * new IndRnn.Builder().nIn(10).nOut(32).activation(Activation.RELU).build();
 * }</pre>
 */
public class IndRnn extends RecurrentCellLayer {

    private static final long serialVersionUID = 1L;

    private IndRnn() {}

    private IndRnn(Builder builder) {
        super(builder);
        cell(); // rejects an activation the cell cannot use, at build time
    }

    @Override
    public Cell cell() {
        return new IndRnnCell(getActivationFn());
    }

    /** Builds an {@link IndRnn}. */
    // build() narrows DL4J\'s generic <E extends Layer> E build() to this layer\'s type.
    @SuppressWarnings("unchecked")
    public static class Builder extends RecurrentCellLayer.Builder<Builder> {
        @Override
        @SuppressWarnings("unchecked")
        public IndRnn build() {
            return new IndRnn(this);
        }
    }
}
