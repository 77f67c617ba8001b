package org.recurrent4j.conf;

import java.util.Objects;
import java.util.function.BiFunction;
import org.deeplearning4j.nn.conf.layers.Layer;

/** A cell type given by its name and how to make its layer ({@link CellType#of}, the built-ins of {@link CellTypes}). */
record NamedCellType(String id, BiFunction<Integer, Integer, ? extends Layer> factory, boolean initialState)
        implements CellType {

    NamedCellType {
        CellTypes.checkId(id);
        Objects.requireNonNull(factory, "factory");
    }

    @Override
    public Layer layer(int nIn, int nOut) {
        return factory.apply(nIn, nOut);
    }

    @Override
    public boolean takesInitialState() {
        return initialState;
    }

    /** The {@link #id()}, as options and help texts show it. */
    @Override
    public String toString() {
        return id;
    }
}
