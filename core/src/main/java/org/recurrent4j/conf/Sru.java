package org.recurrent4j.conf;

import java.util.Objects;
import org.recurrent4j.cell.Cell;
import org.recurrent4j.cell.SruCell;

/**
 * A simple recurrent unit layer (SRU, Lei et al.): the matrix products depend on the input only,
 * the recurrence is element-wise, and a highway carries the input to the output, so it trains
 * several times faster than an LSTM.
 *
 * <pre>
 *   x̃_t = W x_t,   f_t = σ(W_f x_t + b_f [+ v_f ⊙ c_{t-1}]),   r_t = σ(W_r x_t + b_r [+ v_r ⊙ c_{t-1}])
 *   c_t = f_t ⊙ c_{t-1} + (1 − f_t) ⊙ x̃_t
 *   h_t = r_t ⊙ g(c_t) + (1 − r_t) ⊙ x_t          (x_t itself when nIn = H, else W_k x_t)
 * </pre>
 *
 * <p>The default is the textbook form (Lei et al. 2017): no cell feedback, {@code g} = tanh (the
 * layer's activation; identity is the other choice), no highway rescaling, highway bias 0. Options:
 * {@code cellFeedback(true)} (the {@code v} terms of the 2018 paper and the {@code sru} package),
 * {@code highway(...)}, {@code highwayBias(β)} (initial {@code b_r}), {@code rescaleHighway(true)}
 * (the package's {@code sqrt(1 + 2·e^β)} on the highway term). See {@link SruCell} for the
 * backward equations.
 *
 * <p>Parameters: {@code Wih [kH, nIn]}, rows x̃, f, r (and the highway projection for k = 4);
 * {@code bih [2H]} = (b_f, b_r); with feedback {@code v [2H]} = (v_f, v_r). State: {@code c}.
 * From the {@code sru} package ({@code SRUCell}, unidirectional): its {@code weight [nIn, H·k]}
 * interleaves the blocks unit by unit, so our {@code Wih[m·H + j][i]} is its {@code weight[i][j·k +
 * m]}; its {@code bias} is our {@code bih} and its {@code weight_c} our {@code v}; its {@code
 * use_tanh} is our tanh and its default identity ours with {@code activation(IDENTITY)}.
 *
 * <pre>{@code
 * new Sru.Builder().nIn(256).nOut(256).cellFeedback(true).build();
 * }</pre>
 */
public class Sru extends GatedCellLayer {
    private static final long serialVersionUID = 1L;

    private SruCell.Highway highway = SruCell.Highway.AUTO;
    private boolean cellFeedback;
    private double highwayBias;
    private boolean rescaleHighway;

    private Sru() {}

    private Sru(Builder builder) {
        super(builder);
        this.highway = builder.highway;
        this.cellFeedback = builder.cellFeedback;
        this.highwayBias = builder.highwayBias;
        this.rescaleHighway = builder.rescaleHighway;
        SruCell cell = (SruCell) cell(); // rejects bad options at build time
        if (getNIn() > 0 && getNOut() > 0) {
            cell.identityHighway(Math.toIntExact(getNIn()), Math.toIntExact(getNOut()));
        }
    }

    @Override
    public Cell cell() {
        return new SruCell(
                getActivationFn(), getGateActivationFn(), highway, cellFeedback, highwayBias, rescaleHighway);
    }

    public SruCell.Highway getHighway() {
        return highway;
    }

    public void setHighway(SruCell.Highway highway) {
        this.highway = highway;
    }

    public boolean isCellFeedback() {
        return cellFeedback;
    }

    public void setCellFeedback(boolean cellFeedback) {
        this.cellFeedback = cellFeedback;
    }

    public double getHighwayBias() {
        return highwayBias;
    }

    public void setHighwayBias(double highwayBias) {
        this.highwayBias = highwayBias;
    }

    public boolean isRescaleHighway() {
        return rescaleHighway;
    }

    public void setRescaleHighway(boolean rescaleHighway) {
        this.rescaleHighway = rescaleHighway;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Sru other) || !super.equals(o)) {
            return false;
        }
        return highway == other.highway
                && cellFeedback == other.cellFeedback
                && Double.compare(highwayBias, other.highwayBias) == 0
                && rescaleHighway == other.rescaleHighway;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), highway, cellFeedback, highwayBias, rescaleHighway);
    }

    /** Builds an {@link Sru}. */
    // build() narrows DL4J\'s generic <E extends Layer> E build() to this layer\'s type.
    @SuppressWarnings("unchecked")
    public static class Builder extends GatedCellLayer.Builder<Builder> {
        private SruCell.Highway highway = SruCell.Highway.AUTO;
        private boolean cellFeedback;
        private double highwayBias;
        private boolean rescaleHighway;

        /** The highway: AUTO (default: x itself when nIn = nOut, else a projection), IDENTITY or PROJECTION. */
        public Builder highway(SruCell.Highway highway) {
            this.highway = highway;
            return this;
        }

        /** Adds the cell feedback {@code v ⊙ c_{t-1}} to the forget and reset gates (default off). */
        public Builder cellFeedback(boolean cellFeedback) {
            this.cellFeedback = cellFeedback;
            return this;
        }

        /** The initial reset-gate (highway) bias {@code b_r} (default 0; negative values open the highway). */
        public Builder highwayBias(double highwayBias) {
            this.highwayBias = highwayBias;
            return this;
        }

        /** Scales the highway term by {@code sqrt(1 + 2·e^{highwayBias})}, as the sru package does (default off). */
        public Builder rescaleHighway(boolean rescale) {
            this.rescaleHighway = rescale;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public Sru build() {
            return new Sru(this);
        }
    }
}
