package org.recurrent4j.cell;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What a recurrent cell is, independent of any pass: its gate count, whether it carries a memory
 * cell, its parameters beyond the input projection, and how to start a pass.
 *
 * <p>Every cell has the input projection parameters {@code Wih [G·H, nIn]} and {@code bih [G·H]}
 * (owned by the loop); {@link #parameters} lists the rest, in storage order.
 */
public interface CellSpec extends Serializable {

    /** The number of gate blocks {@code G}: the input projection has {@code G·H} rows. */
    int gates();

    /** Whether the cell carries a memory cell {@code c} besides the hidden state {@code h}. */
    boolean hasCellState();

    /** The cell's own parameters (recurrent weights, recurrent bias, peepholes...), in order. */
    List<CellParameter> parameters(int hidden);

    /**
     * Prepares the input projections of all steps ({@code state.z}) before the loop, e.g. by
     * adding a recurrent bias that does not depend on the state.
     *
     * @param params the cell's parameters by key
     */
    void prepareProjection(SequenceState state, Map<String, INDArray> params);

    /**
     * Starts a pass over the sequences of {@code state}.
     *
     * @param params the cell's parameters by key (after any weight noise)
     */
    RecurrentCell begin(Map<String, INDArray> params, SequenceState state);
}
