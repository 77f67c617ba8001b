// vanishing-gradients.jsh: how much of the loss's gradient reaches back through time, in a vanilla
// RNN and in an LSTM, on the same data.
//
//   ./recurrent4j jshell vanishing-gradients
//
// Parameters: none (about 10 seconds). The last cells check the results and throw if one is wrong.
//
// The task is the adding problem (Hochreiter & Schmidhuber 1997): T steps of (value, marker); two
// steps are marked, and the target, read at the last step only, is the sum of their values. So the
// loss L depends on h_T alone, and everything the network learns about step k must come back
// through the chain rule from h_T to h_k:
//
//     ∂L/∂h_k = ∂L/∂h_T · ∂h_T/∂h_{T-1} · ... · ∂h_{k+1}/∂h_k
//
// For a vanilla RNN, h_t = tanh(a_t) with a_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh, each factor is
//
//     ∂h_t/∂h_{t-1} = diag(1 − h_t²) W_hh,     so ‖∂h_t/∂h_{t-1}‖ ≤ ‖W_hh‖ (tanh' ≤ 1)
//
// With ‖W_hh‖ = γ < 1 the gradient shrinks at least geometrically, ‖∂L/∂h_k‖ ≤ γ^(T−k) ‖∂L/∂h_T‖:
// the signal from a marked value far back in the sequence vanishes, and the network cannot learn to
// use it. An LSTM's memory cell has the additive path c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t, whose factor
// is ∂c_t/∂c_{t-1} = diag(f_t): with the forget gate open (f ≈ 1) the gradient crosses many steps
// almost undiminished.
//
// GradientFlowListener records ‖∂L/∂h_k‖ for every step k during fit (the L2 norm over the batch and
// the hidden units), so we can watch it happen.

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.recurrent4j.conf.Lstm;
import org.recurrent4j.conf.Rnn;
import org.recurrent4j.init.OrthogonalInit;
import org.recurrent4j.synthetic.AddingProblem;
import org.recurrent4j.training.GradientFlowListener;

// A failed check stops the notebook: the runner reports the exception and exits with status 1.
void check(boolean ok, String what) {
    if (!ok) {
        throw new AssertionError("CHECK FAILED: " + what);
    }
    System.out.println("ok: " + what);
}

int T = 50, H = 32, batch = 32;

// One batch of the adding problem: features [32, 2, 50], targets [32, 1]. Both networks see it.
DataSet data = new AddingProblem(T, batch, 1, 101).next();

// The recurrent layer inside LastTimeStep (only h_T goes on), then a linear output with squared error.
MultiLayerNetwork lastStepRegression(org.deeplearning4j.nn.conf.layers.Layer recurrent) {
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
            .seed(1)
            .dataType(DataType.FLOAT)
            .updater(new Adam(1e-2))
            .list()
            .layer(new LastTimeStep(recurrent))
            .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
                    .activation(Activation.IDENTITY).nIn(H).nOut(1).build())
            .build());
    net.init();
    return net;
}

// ‖∂L/∂h_k‖ for k = 1 ... T, from one training iteration on the batch (layer "0").
double[] stateGradientNorms(MultiLayerNetwork net) {
    GradientFlowListener flow = new GradientFlowListener();
    net.addListeners(flow);
    net.fit(data);
    return flow.last().stateGradientNorms().get("0");
}

// The vanilla RNN: recurrent weights orthogonal, scaled by 0.5, so ‖W_hh‖ = 0.5 exactly and each
// step back multiplies the gradient's norm by at most 0.5 (0.5^49 ≈ 2e-15 over the whole sequence).
double[] rnn = stateGradientNorms(lastStepRegression(
        new Rnn.Builder().nIn(2).nOut(H).weightInitRecurrent(new OrthogonalInit(0.5)).build()));

// The LSTM: forget-gate bias 3, so f = σ(3) ≈ 0.95 at the start: the memory path is open.
double[] lstm = stateGradientNorms(lastStepRegression(
        new Lstm.Builder().nIn(2).nOut(H).forgetGateBiasInit(3.0).build()));

// The table: each norm relative to the one at the last step, ‖∂L/∂h_k‖ / ‖∂L/∂h_T‖. The LSTM's
// need not fall at all: ∂L/∂h_k sums the paths back through h and through c, and with the forget
// gate open the ones through c keep their size.
System.out.println("   k   T-k   vanilla RNN     LSTM");
for (int k : new int[] {T, T - 1, T - 2, T - 5, T - 10, T - 20, T - 30, T - 40, 1}) {
    System.out.printf("%4d  %4d   %10.2e  %10.2e%n", k, T - k, rnn[k - 1] / rnn[T - 1], lstm[k - 1] / lstm[T - 1]);
}

// Per step, the RNN's gradient shrinks by a near-constant factor: the geometric decay above.
double perStep = Math.pow(rnn[0] / rnn[T - 1], 1.0 / (T - 1));
System.out.printf("vanilla RNN: mean factor per step back %.3f (bound ‖W_hh‖ = 0.5)%n", perStep);

// ---------------------------------------------------------------------------------------------
// Checks

double rnnReach = rnn[0] / rnn[T - 1];
double lstmReach = lstm[0] / lstm[T - 1];
check(rnn.length == T && lstm.length == T, "one gradient norm per step for both networks");
check(rnn[T - 1] > 0 && lstm[T - 1] > 0, "the loss sends a gradient to h_T");
check(perStep <= 0.5 + 1e-6, "the RNN's gradient shrinks at least by ‖W_hh‖ = 0.5 per step (" + perStep + ")");
check(rnnReach < 1e-10, "vanilla RNN: ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ = " + rnnReach + " < 1e-10 (vanished)");
check(lstmReach > 1e-2, "LSTM: ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ = " + lstmReach + " > 1e-2 (still there)");
check(lstmReach / rnnReach > 1e8, "the LSTM keeps at least 8 orders of magnitude more of the gradient at k = 1");
