package org.recurrent4j.examples.timeseries;

import org.deeplearning4j.nn.conf.layers.Layer;
import org.recurrent4j.conf.CellType;
import org.recurrent4j.conf.Lstm;

/**
 * A cell type offered to the command line the way a user offers one: this class, and its name in
 * {@code META-INF/services/org.recurrent4j.conf.CellType} (test resources). Nothing else changes.
 */
public final class PeepholeLstmType implements CellType {

    /** Its name on the command line. */
    public static final String ID = "peephole_lstm";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Layer layer(int nIn, int nOut) {
        return new Lstm.Builder().nIn(nIn).nOut(nOut).peephole(true).build();
    }
}
