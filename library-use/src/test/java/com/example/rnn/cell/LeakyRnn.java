package com.example.rnn.cell;

import org.recurrent4j.cell.Cell;
import org.recurrent4j.conf.RecurrentCellLayer;

/** The layer of {@link LeakyRnnCell}: {@code new LeakyRnn.Builder().nIn(8).nOut(16).build()}. */
public class LeakyRnn extends RecurrentCellLayer {

    private static final long serialVersionUID = 1L;

    private LeakyRnn() {}

    private LeakyRnn(Builder builder) {
        super(builder);
    }

    @Override
    public Cell cell() {
        return new LeakyRnnCell();
    }

    /** Builds a {@link LeakyRnn}. */
    public static class Builder extends RecurrentCellLayer.Builder<Builder> {
        @Override
        @SuppressWarnings("unchecked")
        public LeakyRnn build() {
            return new LeakyRnn(this);
        }
    }
}
