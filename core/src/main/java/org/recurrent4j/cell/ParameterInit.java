package org.recurrent4j.cell;

import java.util.Arrays;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * How one parameter of a cell is initialized. Each {@link CellParameter} carries one, so the
 * layer's initializer special-cases no key.
 *
 * <pre>{@code
 * // LSTM input bias: rows i, f, g, o; the forget rows start at 1.0, the others at the layer's bias init.
 * ParameterInit.rowBlocks(hidden, ParameterInit.bias(), ParameterInit.constant(1.0),
 *         ParameterInit.bias(), ParameterInit.bias());
 * }</pre>
 */
@FunctionalInterface
public interface ParameterInit {

    /**
     * Writes initial values into {@code values}, a C-order array with the parameter's shape
     * (a fresh array, or a view of the layer's parameter vector).
     */
    void initialize(INDArray values, Context context);

    /**
     * What an initializer may use: the sizes and the layer's configured initializers.
     *
     * @param nIn input size
     * @param hidden hidden size {@code H}
     * @param weightInit the layer's {@code weightInit}
     * @param recurrentInit the layer's {@code weightInitRecurrent}, or {@code weightInit} if unset
     * @param biasInit the layer's {@code biasInit}
     */
    record Context(long nIn, long hidden, IWeightInit weightInit, IWeightInit recurrentInit, double biasInit) {}

    /** The layer's {@code weightInit}, with the given fan-in and fan-out. */
    static ParameterInit weights(long fanIn, long fanOut) {
        return (values, c) -> fill(values, c.weightInit(), fanIn, fanOut);
    }

    /**
     * The layer's recurrent initializer on each {@code [H, H]} block of rows in turn, so that every
     * gate's recurrent map is, e.g., orthogonal.
     */
    static ParameterInit recurrentBlocks() {
        return (values, c) -> {
            long[] rows = new long[(int) (values.size(0) / c.hidden())];
            Arrays.fill(rows, c.hidden());
            recurrentBlocks(rows).initialize(values, c);
        };
    }

    /**
     * The layer's recurrent initializer on consecutive blocks of rows of the given heights, each
     * {@code [rows, H]} on its own (ON-LSTM's master gates are {@code 2H/C} rows, its other gates
     * {@code H} each).
     */
    static ParameterInit recurrentBlocks(long... blockRows) {
        return (values, c) -> {
            INDArray[] parts = new INDArray[blockRows.length];
            long total = 0;
            for (int b = 0; b < blockRows.length; b++) {
                parts[b] = Nd4j.create(values.dataType(), blockRows[b], values.size(1));
                fill(parts[b], c.recurrentInit(), values.size(1), blockRows[b]);
                total += blockRows[b];
            }
            if (total != values.size(0)) {
                throw new IllegalStateException(
                        "blocks of " + Arrays.toString(blockRows) + " rows do not cover " + values.size(0));
            }
            values.assign(parts.length == 1 ? parts[0] : Nd4j.concat(0, parts));
        };
    }

    /** Every value {@code v}. */
    static ParameterInit constant(double v) {
        return (values, c) -> values.assign(v);
    }

    /** The layer's {@code biasInit}. */
    static ParameterInit bias() {
        return (values, c) -> values.assign(c.biasInit());
    }

    /** Uniform on {@code [low, high)}, from ND4J's random generator (seeded by the network). */
    static ParameterInit uniform(double low, double high) {
        return (values, c) -> values.assign(
                Nd4j.rand(values.dataType(), values.shape()).muli(high - low).addi(low));
    }

    /**
     * Consecutive blocks of {@code blockRows} rows (elements, for a vector), each with its own
     * initializer; {@code inits.length · blockRows} must be the row count.
     */
    static ParameterInit rowBlocks(long blockRows, ParameterInit... inits) {
        return (values, c) -> {
            if (inits.length * blockRows != values.size(0)) {
                throw new IllegalStateException(
                        inits.length + " blocks of " + blockRows + " rows do not cover " + values.size(0) + " rows");
            }
            INDArray[] parts = new INDArray[inits.length];
            for (int b = 0; b < inits.length; b++) {
                long[] shape = values.shape().clone();
                shape[0] = blockRows;
                parts[b] = Nd4j.create(values.dataType(), shape);
                inits[b].initialize(parts[b], c);
            }
            // Each block on a fresh array, then one assignment: writing through views of views is
            // not safe in ND4J 1.0.0-M2.1.
            values.assign(parts.length == 1 ? parts[0] : Nd4j.concat(0, parts));
        };
    }

    private static void fill(INDArray values, IWeightInit init, long fanIn, long fanOut) {
        INDArray flat = Nd4j.create(values.dataType(), values.length());
        init.init(fanIn, fanOut, values.shape(), 'c', flat);
        values.assign(flat.reshape('c', values.shape()));
    }
}
