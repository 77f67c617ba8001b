package org.recurrent4j.cell;

import java.util.List;
import java.util.Map;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The vanilla (Elman) recurrent cell, as PyTorch's {@code nn.RNN}:
 *
 * <pre>
 *   h_t = act(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)
 * </pre>
 *
 * with {@code act} tanh or ReLU (see {@link ScalarActivation} for the others). Parameters:
 * {@code Wih [H, nIn]}, {@code bih [H]} (owned by the loop), {@code Whh [H, H]}, {@code bhh [H]}.
 */
public final class RnnCell implements RecurrentCell {

    /** The cell's definition: one gate, no memory cell. */
    public static final class Spec implements CellSpec {
        private static final long serialVersionUID = 1L;
        private final IActivation activation;

        public Spec(IActivation activation) {
            this.activation = activation;
            ScalarActivation.of(activation, "RNN activation");
        }

        @Override
        public int gates() {
            return 1;
        }

        @Override
        public boolean hasCellState() {
            return false;
        }

        @Override
        public List<CellParameter> parameters(int hidden) {
            return List.of(
                    new CellParameter(CellKeys.RECURRENT_WEIGHT, hidden, hidden, CellParameter.Kind.RECURRENT_WEIGHT),
                    new CellParameter(CellKeys.RECURRENT_BIAS, hidden, 0, CellParameter.Kind.BIAS));
        }

        @Override
        public void prepareProjection(SequenceState state, Map<String, INDArray> params) {
            state.addRowBias(params.get(CellKeys.RECURRENT_BIAS).toDoubleVector(), 0, state.hidden);
        }

        @Override
        public RecurrentCell begin(Map<String, INDArray> params, SequenceState state) {
            return new RnnCell(RecurrentWeights.of(params, state), ScalarActivation.of(activation, "RNN activation"));
        }
    }

    private final NativeArray wHh;
    private final ScalarActivation activation;

    private RnnCell(NativeArray wHh, ScalarActivation activation) {
        this.wHh = wHh;
        this.activation = activation;
    }

    @Override
    public void forward(int t, SequenceState s) {
        int h = s.hidden;
        int b = s.batch;
        RecurrentWeights.addProduct(s, t, wHh, h);
        RowParallel.run(h, b, (from, to) -> {
            for (int j = from; j < to; j++) {
                int z = s.zAt(j, t);
                int out = s.stateAt(j, t + 1);
                for (int k = 0; k < b; k++) {
                    double a = activation.apply(s.z.get(z + k));
                    s.z.set(z + k, a);
                    s.h.set(out + k, a);
                }
            }
        });
    }

    @Override
    public void backward(int t, SequenceState s) {
        int h = s.hidden;
        int b = s.batch;
        RowParallel.run(h, b, (from, to) -> {
            for (int j = from; j < to; j++) {
                int z = s.zAt(j, t);
                for (int k = 0; k < b; k++) {
                    s.z.set(z + k, s.dh.get(j * b + k) * activation.derivativeFromOutput(s.z.get(z + k)));
                }
            }
        });
        RecurrentWeights.backpropProduct(s, t, wHh, h, 0.0);
    }

    @Override
    public void parameterGradients(int from, SequenceState s, Map<String, INDArray> gradients) {
        NativeArray dW = RecurrentWeights.gradientBuffer(s);
        RecurrentWeights.accumulate(s, from, s.z, 0, s.hidden, s.h, s.stateStride(), dW, 0);
        gradients.get(CellKeys.RECURRENT_WEIGHT).assign(dW.array());
        gradients.get(CellKeys.RECURRENT_BIAS).assign(Nd4j.createFromArray(s.rowSums(s.z, s.hidden, from)));
    }
}
