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
 * with {@code act} tanh or ReLU (any DL4J activation works). Parameters: {@code Wih [H, nIn]},
 * {@code bih [H]} (owned by the loop), {@code Whh [H, H]}, {@code bhh [H]}.
 */
public final class RnnCell implements RecurrentCell {

    /** The cell's definition: one gate, no memory cell. */
    public static final class Spec implements CellSpec {
        private static final long serialVersionUID = 1L;
        private final IActivation activation;

        public Spec(IActivation activation) {
            this.activation = activation;
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
        public void prepareProjection(INDArray z, Map<String, INDArray> params) {
            FeatureMajor.addToEveryStep(z, params.get(CellKeys.RECURRENT_BIAS));
        }

        @Override
        public RecurrentCell begin(Map<String, INDArray> params, int hidden, int steps, int batch, boolean training) {
            return new RnnCell(params.get(CellKeys.RECURRENT_WEIGHT), activation, training);
        }
    }

    private final INDArray wHh;
    private final IActivation activation;
    private final boolean training;

    private RnnCell(INDArray wHh, IActivation activation, boolean training) {
        this.wHh = wHh;
        this.activation = activation;
        this.training = training;
    }

    @Override
    public void forward(int t, INDArray z, INDArray hPrev, INDArray cPrev, INDArray hOut, INDArray cOut) {
        Nd4j.gemm(wHh, hPrev, z, false, false, 1.0, 1.0);
        hOut.assign(z);
        activation.getActivation(hOut, training);
    }

    @Override
    public void backward(
            int t,
            INDArray dh,
            INDArray dc,
            INDArray hPrev,
            INDArray cPrev,
            INDArray cOut,
            INDArray dz,
            INDArray dhPrev,
            INDArray dcPrev) {
        Activations.backpropInPlace(activation, dz, dh);
        Nd4j.gemm(wHh, dz, dhPrev, true, false, 1.0, 0.0);
    }

    @Override
    public void parameterGradients(
            int from, INDArray dz, INDArray hPrev, INDArray cPrev, INDArray cOut, Map<String, INDArray> gradients) {
        dz = FeatureMajor.fromStep(dz, from);
        hPrev = FeatureMajor.fromStep(hPrev, from);
        cPrev = FeatureMajor.fromStep(cPrev, from);
        cOut = FeatureMajor.fromStep(cOut, from);
        gradients.get(CellKeys.RECURRENT_WEIGHT).assign(FeatureMajor.outerSum(dz, hPrev));
        gradients.get(CellKeys.RECURRENT_BIAS).assign(dz.sum(0, 2));
    }
}
