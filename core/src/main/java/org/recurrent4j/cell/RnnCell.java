package org.recurrent4j.cell;

import java.util.List;
import java.util.Map;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.recurrent4j.kernel.Blas;
import org.recurrent4j.kernel.FloatRows;
import org.recurrent4j.kernel.NativeArray;
import org.recurrent4j.kernel.RowParallel;

/**
 * The vanilla (Elman) recurrent cell, as PyTorch's {@code nn.RNN}.
 *
 * <pre>
 *   forward:   a_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh
 *              h_t = act(a_t)
 *   backward:  ∂L/∂a_t     = ∂L/∂h_t ⊙ act'(a_t)
 *              ∂L/∂h_{t-1} = W_hh^T ∂L/∂a_t          (plus what reaches h_{t-1} from its own output)
 * </pre>
 *
 * <p>{@code act} is tanh or ReLU (or any activation {@link ScalarActivation} accepts). Shapes:
 * {@code x_t [nIn]}, {@code h_t [H]}. Parameters: {@code Wih [H, nIn]}, {@code bih [H]}, {@code Whh
 * [H, H]}, {@code bhh [H]}. State: {@code h}.
 */
public final class RnnCell implements Cell {

    private static final long serialVersionUID = 2L;
    private final IActivation activation;

    /** @throws IllegalArgumentException for an activation the fused loop cannot use */
    public RnnCell(IActivation activation) {
        ScalarActivation.of(activation, "RNN activation");
        this.activation = activation;
    }

    @Override
    public InputProjection projection(int nIn, int hidden) {
        return InputProjection.dense(hidden).addBias(CellKeys.RECURRENT_BIAS, 0, hidden);
    }

    @Override
    public List<StateEntry> state(int hidden) {
        return List.of(StateEntry.hidden(hidden));
    }

    @Override
    public List<CellParameter> parameters(int nIn, int hidden) {
        return List.of(
                CellParameter.weight(CellKeys.RECURRENT_WEIGHT, hidden, hidden, ParameterInit.recurrentBlocks()),
                CellParameter.bias(CellKeys.RECURRENT_BIAS, hidden, ParameterInit.constant(0)));
    }

    @Override
    public Cell.Steps begin(Map<String, INDArray> params, WorkArrays s) {
        return new RnnSteps(
                RecurrentProduct.of(params, CellKeys.RECURRENT_WEIGHT, s), ScalarActivation.of(activation, ""));
    }

    private static final class RnnSteps implements Cell.Steps {
        private final RecurrentProduct whh;
        private final ScalarActivation act;

        RnnSteps(RecurrentProduct whh, ScalarActivation act) {
            this.whh = whh;
            this.act = act;
        }

        @Override
        public void forward(int t, WorkArrays s) {
            int b = s.batch;
            if (s.type == DataType.FLOAT && Blas.splits(s.hidden, b, s.hidden)) {
                // One hand-over per step: each core multiplies its rows and activates them while
                // they are in its cache, instead of the product and the loop splitting in turn.
                RowParallel.split(s.hidden, (from, to) -> {
                    whh.addTo(s, t, s.h, from, to - from);
                    forwardFloatRows(t, s, from, to);
                });
                return;
            }
            whh.addTo(s, t);
            NativeArray a = s.gatesAndGradients;
            if (s.type == DataType.FLOAT) {
                RowParallel.run(s.hidden, b, (from, to) -> forwardFloatRows(t, s, from, to));
                return;
            }
            RowParallel.run(s.hidden, b, (from, to) -> {
                for (int j = from; j < to; j++) {
                    int at = s.sequenceAt(j, t);
                    int out = s.stateAt(j, t + 1);
                    for (int k = 0; k < b; k++) {
                        double h = act.apply(a.get(at + k));
                        a.set(at + k, h);
                        s.h.set(out + k, h);
                    }
                }
            });
        }

        /** The same step in float32 over blocks of rows in heap arrays (see {@link FloatRows}). */
        private void forwardFloatRows(int t, WorkArrays s, int from, int to) {
            int b = s.batch;
            float[] h = new float[FloatRows.blockLength(b, to - from)];
            FloatRows.Rows at = s.sequenceRows(0, t);
            FloatRows.Rows out = s.stateRows(t + 1);
            int per = FloatRows.rowsPerBlock(b);
            for (int first = from; first < to; first += per) {
                int rows = Math.min(per, to - first);
                FloatRows.read(s.gatesAndGradients, at, first, rows, b, h);
                act.applyInPlace(h, 0, rows * b);
                if (s.training) {
                    FloatRows.write(s.gatesAndGradients, at, first, rows, b, h); // act'(a_t) reads it back
                }
                FloatRows.write(s.h, out, first, rows, b, h);
            }
        }

        @Override
        public void backward(int t, WorkArrays s) {
            int b = s.batch;
            NativeArray a = s.gatesAndGradients;
            if (s.type == DataType.FLOAT) {
                RowParallel.run(s.hidden, b, (from, to) -> backwardFloatRows(t, s, from, to));
                whh.backprop(s, t);
                return;
            }
            RowParallel.run(s.hidden, b, (from, to) -> {
                for (int j = from; j < to; j++) {
                    int at = s.sequenceAt(j, t);
                    for (int k = 0; k < b; k++) {
                        a.set(at + k, s.dh.get(j * b + k) * act.derivativeFromOutput(a.get(at + k)));
                    }
                }
            });
            whh.backprop(s, t);
        }

        /** {@code ∂L/∂a_t = ∂L/∂h_t ⊙ act'(a_t)} in float32, over blocks of rows in heap arrays. */
        private void backwardFloatRows(int t, WorkArrays s, int from, int to) {
            int b = s.batch;
            int n = FloatRows.blockLength(b, to - from);
            float[] a = new float[n];
            float[] dh = new float[n];
            float[] derivative = new float[n];
            FloatRows.Rows at = s.sequenceRows(0, t);
            int per = FloatRows.rowsPerBlock(b);
            for (int first = from; first < to; first += per) {
                int rows = Math.min(per, to - first);
                int m = rows * b;
                FloatRows.read(s.gatesAndGradients, at, first, rows, b, a);
                s.dh.read(first * b, dh, 0, m);
                act.derivativesFromOutputs(a, derivative, m);
                for (int k = 0; k < m; k++) {
                    a[k] = dh[k] * derivative[k];
                }
                FloatRows.write(s.gatesAndGradients, at, first, rows, b, a);
            }
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
    }
}
