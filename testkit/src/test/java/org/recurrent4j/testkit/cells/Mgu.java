package org.recurrent4j.testkit.cells;

import org.recurrent4j.cell.Cell;
import org.recurrent4j.conf.GatedCellLayer;

/**
 * A minimal gated unit layer ({@link MguCell}): the configuration half of the gated "Writing a
 * cell" example. It extends {@link GatedCellLayer}, which adds the gate activation σ (sigmoid by
 * default, {@code gateActivationFunction(...)}) to the layer's own activation (tanh, for the
 * candidate), with JSON and equality handled.
 *
 * <pre>{@code
 * new Mgu.Builder().nIn(10).nOut(32).weightInitRecurrent(new OrthogonalInit()).build();
 * }</pre>
 */
public class Mgu extends GatedCellLayer {

    private static final long serialVersionUID = 1L;

    private Mgu() {}

    private Mgu(Builder builder) {
        super(builder);
        cell(); // rejects an activation the cell cannot use, at build time
    }

    @Override
    public Cell cell() {
        return new MguCell(getActivationFn(), getGateActivationFn());
    }

    /** Builds an {@link Mgu}. */
    // build() narrows DL4J\'s generic <E extends Layer> E build() to this layer\'s type.
    @SuppressWarnings("unchecked")
    public static class Builder extends GatedCellLayer.Builder<Builder> {
        @Override
        @SuppressWarnings("unchecked")
        public Mgu build() {
            return new Mgu(this);
        }
    }
}
