package org.recurrent4j.conf;

import java.util.Objects;
import org.recurrent4j.cell.Cell;
import org.recurrent4j.cell.QrnnCell;

/**
 * A quasi-recurrent layer (QRNN, Bradbury et al. 2016): gates from a causal convolution of width
 * {@code k} over the input and an element-wise recurrence, several times faster than an LSTM
 * because no step waits on a matrix product.
 *
 * <pre>
 *   z_t = act(a_z), f_t = σ(a_f), o_t = σ(a_o), i_t = σ(a_i),   a_t = W_ih [x_{t-k+1}; …; x_t] + b_ih
 *   c_t = f_t ⊙ c_{t-1} + (1 − f_t) ⊙ z_t   (f, fo)        c_t = f_t ⊙ c_{t-1} + i_t ⊙ z_t   (ifo)
 *   h_t = c_t   (f)                         h_t = o_t ⊙ c_t   (fo, ifo)
 * </pre>
 *
 * <p>See {@link QrnnCell} for the backward equations and zoneout. Parameters: {@code Wih [G·H,
 * k·nIn]} and {@code bih [G·H]}, rows z, f (G = 2), o (G = 3), i (G = 4); column block j of {@code
 * Wih} multiplies {@code x_{t−k+1+j}}. State: {@code c} (the output does not recur) and the last
 * {@code k − 1} inputs, so {@code rnnTimeStep} one step at a time equals the full pass.
 *
 * <p>From the authors' package ({@code torchqrnn.QRNNLayer}, window 1 or 2): their {@code
 * linear.weight} is {@code [G·H, k·nIn]} with the current step's columns first, so our column
 * blocks are theirs in reverse order; their {@code F} is {@code 1 − f}, so negate the f rows of
 * their weight and bias ({@code σ(−a) = 1 − σ(a)}); their zoneout is ours.
 *
 * <pre>{@code
 * new Qrnn.Builder().nIn(128).nOut(256).window(2).pooling(QrnnCell.Pooling.FO).zoneout(0.1).build();
 * }</pre>
 */
public class Qrnn extends GatedCellLayer {
    private static final long serialVersionUID = 1L;

    private QrnnCell.Pooling pooling = QrnnCell.Pooling.FO;
    private int window = 1;
    private double zoneout;

    private Qrnn() {}

    private Qrnn(Builder builder) {
        super(builder);
        this.pooling = builder.pooling;
        this.window = builder.window;
        this.zoneout = builder.zoneout;
        cell(); // rejects a bad window, pooling, zoneout or activation at build time
    }

    @Override
    public Cell cell() {
        return new QrnnCell(getActivationFn(), getGateActivationFn(), pooling, window, zoneout);
    }

    public QrnnCell.Pooling getPooling() {
        return pooling;
    }

    public void setPooling(QrnnCell.Pooling pooling) {
        this.pooling = pooling;
    }

    public int getWindow() {
        return window;
    }

    public void setWindow(int window) {
        this.window = window;
    }

    public double getZoneout() {
        return zoneout;
    }

    public void setZoneout(double zoneout) {
        this.zoneout = zoneout;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Qrnn other) || !super.equals(o)) {
            return false;
        }
        return pooling == other.pooling && window == other.window && Double.compare(zoneout, other.zoneout) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), pooling, window, zoneout);
    }

    /** Builds a {@link Qrnn}. */
    // build() narrows DL4J\'s generic <E extends Layer> E build() to this layer\'s type.
    @SuppressWarnings("unchecked")
    public static class Builder extends GatedCellLayer.Builder<Builder> {
        private QrnnCell.Pooling pooling = QrnnCell.Pooling.FO;
        private int window = 1;
        private double zoneout;

        /** The pooling: F, FO (default) or IFO. */
        public Builder pooling(QrnnCell.Pooling pooling) {
            this.pooling = pooling;
            return this;
        }

        /** The convolution width k ≥ 1 (default 1: a projection of the current step only). */
        public Builder window(int window) {
            this.window = window;
            return this;
        }

        /** Zoneout probability on the forget gate, in [0, 1) (default 0). */
        public Builder zoneout(double zoneout) {
            this.zoneout = zoneout;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public Qrnn build() {
            return new Qrnn(this);
        }
    }
}
