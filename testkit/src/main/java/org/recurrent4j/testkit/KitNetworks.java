package org.recurrent4j.testkit;

import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.recurrent4j.conf.CellType;
import org.recurrent4j.conf.RecurrentCellLayer;

/** The project's small test sizes, inputs, labels and masks, shared by the checks. */
final class KitNetworks {

    static final int N_IN = 3;
    static final int HIDDEN = 4;
    static final int BATCH = 3;
    static final int STEPS = 5;

    private KitNetworks() {}

    /** The cell type's layer, which must be one of recurrent4j's. */
    static RecurrentCellLayer layer(CellType type, int nIn, int hidden) {
        Layer layer = type.layer(nIn, hidden);
        if (!(layer instanceof RecurrentCellLayer cellLayer)) {
            throw new IllegalArgumentException(
                    "cell type '" + type.id() + "' makes a " + layer.getClass().getName()
                            + "; the test kit checks cells run by recurrent4j's loop, whose layers extend RecurrentCellLayer");
        }
        return cellLayer;
    }

    /**
     * Every parameter initialized to a constant (biases, peepholes, zero vectors) set to uniform
     * values in [−0.5, 0.5), so that every gradient term is exercised.
     */
    static void randomizeConstants(Model net) {
        Nd4j.getRandom().setSeed(7);
        for (Map.Entry<String, INDArray> e : net.paramTable().entrySet()) {
            INDArray value = e.getValue();
            if (value.length() > 1
                    && value.maxNumber().doubleValue() == value.minNumber().doubleValue()) {
                value.assign(Nd4j.rand(value.dataType(), value.shape()).subi(0.5));
            }
        }
    }

    /** {@code [BATCH, N_IN, STEPS]} uniform in [−1, 1) (NWC: {@code [BATCH, STEPS, N_IN]}), seed 42. */
    static INDArray input(RNNFormat format) {
        Nd4j.getRandom().setSeed(42);
        INDArray x = Nd4j.rand(DataType.DOUBLE, BATCH, N_IN, STEPS).subi(0.5).muli(2);
        return format == RNNFormat.NCW ? x : x.permute(0, 2, 1).dup();
    }

    /** {@code [BATCH, 2, STEPS]} one-hot, class {@code (b + t) mod 2}. */
    static INDArray oneHotLabels() {
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, BATCH, 2, STEPS);
        for (int b = 0; b < BATCH; b++) {
            for (int t = 0; t < STEPS; t++) {
                labels.putScalar(b, (b + t) % 2, t, 1.0);
            }
        }
        return labels;
    }

    /** {@code [BATCH, STEPS]}: example 0 full, example 1 with 2 padded steps, example 2 with 3; null for none. */
    static INDArray mask(Masking masking) {
        if (masking == Masking.NONE) {
            return null;
        }
        INDArray mask = Nd4j.ones(DataType.DOUBLE, BATCH, STEPS);
        for (int b = 1; b < BATCH; b++) {
            int padded = b + 1;
            for (int k = 0; k < padded; k++) {
                int t = masking == Masking.PADDING_AT_END ? STEPS - 1 - k : k;
                mask.putScalar(b, t, 0.0);
            }
        }
        return mask;
    }

    /** The largest absolute difference. */
    static double difference(INDArray a, INDArray b) {
        return a.castTo(DataType.DOUBLE)
                .sub(b.castTo(DataType.DOUBLE))
                .amaxNumber()
                .doubleValue();
    }
}
