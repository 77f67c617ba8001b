package com.example.rnn.cell;

import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.recurrent4j.cell.Cell;
import org.recurrent4j.cell.CellKeys;
import org.recurrent4j.cell.CellParameter;
import org.recurrent4j.cell.InputProjection;
import org.recurrent4j.cell.ParameterInit;
import org.recurrent4j.cell.RecurrentProduct;
import org.recurrent4j.cell.StateEntry;
import org.recurrent4j.cell.WorkArrays;
import org.recurrent4j.kernel.NativeArray;
import org.recurrent4j.kernel.RowParallel;

/**
 * A cell of this project's own, written as docs/layers.md's "Writing a cell" says: a leaky RNN that
 * keeps half of its state at every step.
 *
 * <pre>
 *   forward:   n_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1}),   h_t = ½ h_{t-1} + ½ n_t
 *   backward:  ∂L/∂a_t = ½ ∂L/∂h_t ⊙ (1 − n_t²),   ∂L/∂h_{t-1} = ½ ∂L/∂h_t + W_hh^T ∂L/∂a_t
 * </pre>
 */
public final class LeakyRnnCell implements Cell {

    private static final long serialVersionUID = 1L;

    @Override
    public InputProjection projection(int nIn, int hidden) {
        return InputProjection.dense(hidden);
    }

    @Override
    public List<StateEntry> state(int hidden) {
        return List.of(StateEntry.hidden(hidden));
    }

    @Override
    public List<CellParameter> parameters(int nIn, int hidden) {
        return List.of(CellParameter.weight(CellKeys.RECURRENT_WEIGHT, hidden, hidden, ParameterInit.recurrentBlocks()));
    }

    @Override
    public Cell.Steps begin(Map<String, INDArray> params, WorkArrays s) {
        RecurrentProduct whh = RecurrentProduct.of(params, CellKeys.RECURRENT_WEIGHT, s);
        return new Cell.Steps() {
            @Override
            public void forward(int t, WorkArrays s) {
                whh.addTo(s, t);
                NativeArray a = s.gatesAndGradients;
                RowParallel.run(s.hidden, s.batch, (from, to) -> {
                    for (int j = from; j < to; j++) {
                        int at = s.sequenceAt(j, t);
                        int prev = s.stateAt(j, t);
                        for (int b = 0; b < s.batch; b++) {
                            double n = Math.tanh(a.get(at + b));
                            a.set(at + b, n);
                            s.h.set(prev + s.batch + b, 0.5 * s.h.get(prev + b) + 0.5 * n);
                        }
                    }
                });
            }

            @Override
            public void backward(int t, WorkArrays s) {
                NativeArray a = s.gatesAndGradients;
                RowParallel.run(s.hidden, s.batch, (from, to) -> {
                    for (int j = from; j < to; j++) {
                        int at = s.sequenceAt(j, t);
                        for (int b = 0; b < s.batch; b++) {
                            double dh = s.dh.get(j * s.batch + b);
                            double n = a.get(at + b);
                            a.set(at + b, 0.5 * dh * (1 - n * n));
                            s.dhPrev.set(j * s.batch + b, 0.5 * dh);
                        }
                    }
                });
                whh.backprop(s, t, a, 0, s.hidden, 1.0, s.dhPrev);
            }

            @Override
            public void parameterGradients(int from, WorkArrays s) {
                RecurrentProduct.accumulate(
                        s,
                        from,
                        s.gatesAndGradients,
                        0,
                        s.hidden,
                        s.h,
                        s.stateStride(),
                        s.gradient(CellKeys.RECURRENT_WEIGHT));
            }
        };
    }
}
