package org.recurrent4j.conf;

import org.deeplearning4j.nn.conf.layers.Layer;

/**
 * A cell type registered the way a library user registers one: a class with a public no-argument
 * constructor, named in {@code META-INF/services/org.recurrent4j.conf.CellType} (test resources).
 */
public final class ResetBeforeGruType implements CellType {

    @Override
    public String id() {
        return "gru_cho";
    }

    @Override
    public Layer layer(int nIn, int nOut) {
        return new Gru.Builder().nIn(nIn).nOut(nOut).resetAfter(false).build();
    }
}
