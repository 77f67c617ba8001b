package org.recurrent4j.cell;

import java.util.ArrayList;
import java.util.List;

/**
 * A cell's input side: how the loop turns the input into the pre-activations {@code a_t}, the
 * {@code rows} values per example that a step reads, for all steps at once.
 *
 * <pre>
 *   a_t = W_ih x_t + Σ biases                               width 1 (dense, the default)
 *   a_t = W_ih [x_{t−k+1}; …; x_{t−1}; x_t] + Σ biases      width k: a causal window, oldest step first
 * </pre>
 *
 * <p>{@code W_ih} ({@code Wih}) is {@code [rows, k·nIn]}; its column block {@code j} multiplies
 * {@code x_{t−k+1+j}}. The loop computes it as {@code k} matrix products over all steps, each on
 * the input shifted by {@code j} steps (no copy); steps before the start of a sequence see zeros,
 * or the last {@code k − 1} inputs of the previous call (state entry {@link
 * StateEntry#INPUT_WINDOW}). A padded step is no step: a window reaches back over it to the real
 * steps before it.
 *
 * <p>Bias terms are added here, in one place, for every term the cell declares: the projection's
 * own {@code bih} (rows {@code [first, first + length)}, all rows by default), and any of the cell's
 * own bias parameters that do not depend on the state ({@link #addBias}, e.g. LSTM's {@code
 * bhh}). Their gradients are the row sums of {@code ∂L/∂a}.
 *
 * <pre>{@code
 * InputProjection.dense(4 * hidden).inputBias(0, 4 * hidden, lstmBiasInit).addBias(CellKeys.RECURRENT_BIAS, 0, 4 * hidden);
 * InputProjection.dense(3 * hidden).window(2);   // QRNN, k = 2
 * }</pre>
 */
public final class InputProjection {

    /**
     * A bias vector added to rows {@code [firstRow, firstRow + rows)} of {@code a}: its element
     * {@code i} goes to row {@code firstRow + i}.
     *
     * @param key the parameter key
     */
    public record BiasTerm(String key, int firstRow, int rows) {}

    private final int rows;
    private final int width;
    private final ParameterInit weightInit;
    private final BiasTerm inputBias;
    private final ParameterInit inputBiasInit;
    private final List<BiasTerm> cellBiases;

    private InputProjection(
            int rows,
            int width,
            ParameterInit weightInit,
            BiasTerm inputBias,
            ParameterInit inputBiasInit,
            List<BiasTerm> cellBiases) {
        if (rows < 1 || width < 1) {
            throw new IllegalArgumentException(
                    "a projection needs rows >= 1 and width >= 1, got " + rows + ", " + width);
        }
        this.rows = rows;
        this.width = width;
        this.weightInit = weightInit;
        this.inputBias = inputBias;
        this.inputBiasInit = inputBiasInit;
        this.cellBiases = List.copyOf(cellBiases);
    }

    /**
     * A projection of width 1 to {@code rows} rows, with {@code bih} on every row initialized
     * with the layer's bias init and {@code Wih} with the layer's weight init.
     */
    public static InputProjection dense(int rows) {
        return new InputProjection(
                rows, 1, null, new BiasTerm(CellKeys.INPUT_BIAS, 0, rows), ParameterInit.bias(), List.of());
    }

    /** The same projection over a causal window of {@code width} steps. */
    public InputProjection window(int width) {
        return new InputProjection(rows, width, weightInit, inputBias, inputBiasInit, cellBiases);
    }

    /** The same projection with {@code bih} of {@code length} values added to rows from {@code firstRow}. */
    public InputProjection inputBias(int firstRow, int length, ParameterInit init) {
        checkRows(firstRow, length);
        return new InputProjection(
                rows, width, weightInit, new BiasTerm(CellKeys.INPUT_BIAS, firstRow, length), init, cellBiases);
    }

    /** The same projection without {@code bih}. */
    public InputProjection noInputBias() {
        return new InputProjection(rows, width, weightInit, null, null, cellBiases);
    }

    /** The same projection with {@code Wih} initialized by {@code init} instead of the layer's weight init. */
    public InputProjection weightInit(ParameterInit init) {
        return new InputProjection(rows, width, init, inputBias, inputBiasInit, cellBiases);
    }

    /** The same projection, also adding the cell's own bias parameter {@code key} to some rows. */
    public InputProjection addBias(String key, int firstRow, int length) {
        checkRows(firstRow, length);
        List<BiasTerm> all = new ArrayList<>(cellBiases);
        all.add(new BiasTerm(key, firstRow, length));
        return new InputProjection(rows, width, weightInit, inputBias, inputBiasInit, all);
    }

    private void checkRows(int firstRow, int length) {
        if (firstRow < 0 || length < 1 || firstRow + length > rows) {
            throw new IllegalArgumentException(
                    "bias rows [" + firstRow + ", " + (firstRow + length) + ") outside the " + rows + " rows");
        }
    }

    /** The rows of {@code a}. */
    public int rows() {
        return rows;
    }

    /** The window width {@code k} (1: dense). */
    public int width() {
        return width;
    }

    /** Every bias term added to {@code a}: {@code bih} first, then the cell's. */
    public List<BiasTerm> biases() {
        List<BiasTerm> all = new ArrayList<>();
        if (inputBias != null) {
            all.add(inputBias);
        }
        all.addAll(cellBiases);
        return all;
    }

    /** The projection's parameters: {@code Wih [rows, k·nIn]} and {@code bih}, if any. */
    public List<CellParameter> parameters(int nIn, int hidden) {
        List<CellParameter> list = new ArrayList<>();
        long fanIn = (long) width * nIn;
        list.add(CellParameter.weight(
                CellKeys.INPUT_WEIGHT,
                rows,
                fanIn,
                weightInit != null ? weightInit : ParameterInit.weights(fanIn, hidden)));
        if (inputBias != null) {
            list.add(CellParameter.bias(CellKeys.INPUT_BIAS, inputBias.rows(), inputBiasInit));
        }
        return list;
    }

    /** The state a window carries between calls: the last {@code k − 1} inputs, if {@code k > 1}. */
    public List<StateEntry> state(int nIn) {
        return width == 1 ? List.of() : List.of(new StateEntry(StateEntry.INPUT_WINDOW, (width - 1) * nIn, false));
    }
}
