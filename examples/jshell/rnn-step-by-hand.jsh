// rnn-step-by-hand.jsh: a vanilla RNN step and an LSTM step, computed by hand from the layers'
// own parameters, and checked against what the layers compute.
//
//   ./recurrent4j jshell rnn-step-by-hand
//
// Parameters: none. Everything runs in float64, so "the same" means equal to 1e-10: a formula that
// is slightly wrong (a transposed matrix, a gate in the wrong place) misses by far more than that.
// The last cells check the results and throw if any is wrong.

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.recurrent4j.conf.Lstm;
import org.recurrent4j.conf.Rnn;

// A failed check stops the notebook: the runner reports the exception and exits with status 1.
void check(boolean ok, String what) {
    if (!ok) {
        throw new AssertionError("CHECK FAILED: " + what);
    }
    System.out.println("ok: " + what);
}

// Largest absolute difference between two arrays of the same shape.
double maxDiff(INDArray a, INDArray b) {
    return Transforms.abs(a.sub(b)).maxNumber().doubleValue();
}

// A network with one recurrent layer and nothing else: its output is the layer's h_1 ... h_T.
MultiLayerNetwork oneLayer(org.deeplearning4j.nn.conf.layers.Layer layer) {
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
            .seed(7)
            .dataType(DataType.DOUBLE)
            .list()
            .layer(layer)
            .build());
    net.init();
    return net;
}

// ---------------------------------------------------------------------------------------------
// 1. The vanilla (Elman) RNN
//
//     h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh),   h_0 = 0
//
// W_ih [H, nIn] reads the input, W_hh [H, H] reads the previous state: the state is the only path
// from the past to the present. The layer stores its parameters under PyTorch's names and shapes
// (keys "0_Wih", "0_bih", "0_Whh", "0_bhh" for layer 0), so we can read them and redo the step.

int nIn = 3, H = 4, T = 5, batch = 2;
MultiLayerNetwork rnn = oneLayer(new Rnn.Builder().nIn(nIn).nOut(H).build());
INDArray Wih = rnn.getParam("0_Wih");
INDArray Whh = rnn.getParam("0_Whh");
// Biases as column vectors [H, 1], so they add to the column W x.
INDArray bih = rnn.getParam("0_bih").reshape(H, 1);
INDArray bhh = rnn.getParam("0_bhh").reshape(H, 1);
// The default bias init is 0; random biases make the check sensitive to where they go.
bih.assign(Nd4j.randn(DataType.DOUBLE, H, 1).mul(0.5));
bhh.assign(Nd4j.randn(DataType.DOUBLE, H, 1).mul(0.5));
System.out.println("W_ih " + java.util.Arrays.toString(Wih.shape()) + ", W_hh " + java.util.Arrays.toString(Whh.shape()));

// Input [batch, nIn, T]: DL4J's recurrent layout (NCW), one column x_t per example and step.
Nd4j.getRandom().setSeed(11);
INDArray x = Nd4j.randn(DataType.DOUBLE, batch, nIn, T);

// The layer's own answer: feedForward returns [input, layer 0 output], the output [batch, H, T].
INDArray layerOut = rnn.feedForward(x, false).get(1);

// By hand: for each example, walk the steps, carrying h as a column [H, 1].
INDArray byHand = Nd4j.zeros(DataType.DOUBLE, batch, H, T);
for (int b = 0; b < batch; b++) {
    INDArray h = Nd4j.zeros(DataType.DOUBLE, H, 1);
    for (int t = 0; t < T; t++) {
        INDArray xt = x.get(NDArrayIndex.point(b), NDArrayIndex.all(), NDArrayIndex.point(t)).reshape(nIn, 1);
        h = Transforms.tanh(Wih.mmul(xt).add(bih).add(Whh.mmul(h)).add(bhh));
        byHand.get(NDArrayIndex.point(b), NDArrayIndex.all(), NDArrayIndex.point(t)).assign(h.reshape(H));
    }
}
double rnnDiff = maxDiff(layerOut, byHand);
System.out.printf("vanilla RNN: max |layer - by hand| over %d examples x %d steps = %.2e%n", batch, T, rnnDiff);

// rnnTimeStep runs one step at a time from a stored state: the way a language model generates.
// Feeding the steps one by one must give the same h_t as the whole sequence at once.
rnn.rnnClearPreviousState();
double stepDiff = 0;
for (int t = 0; t < T; t++) {
    INDArray step = rnn.rnnTimeStep(x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(t, t + 1)));
    INDArray expected = byHand.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(t, t + 1));
    stepDiff = Math.max(stepDiff, maxDiff(step.reshape(batch, H, 1), expected));
}
System.out.printf("vanilla RNN: max |rnnTimeStep - by hand| = %.2e%n", stepDiff);

// ---------------------------------------------------------------------------------------------
// 2. The LSTM (gate order i, f, g, o, as PyTorch's nn.LSTM)
//
//     i_t = σ(W_ii x_t + b_ii + W_hi h_{t-1} + b_hi)       input gate: how much to write
//     f_t = σ(W_if x_t + b_if + W_hf h_{t-1} + b_hf)       forget gate: how much to keep
//     g_t = tanh(W_ig x_t + b_ig + W_hg h_{t-1} + b_hg)    the candidate to write
//     o_t = σ(W_io x_t + b_io + W_ho h_{t-1} + b_ho)       output gate: how much to show
//     c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t                      the memory cell
//     h_t = o_t ⊙ tanh(c_t)
//
// The four gates' weights are stacked by rows: W_ih [4H, nIn] is [W_ii; W_if; W_ig; W_io], and
// likewise W_hh [4H, H], b_ih and b_hh [4H]. So one matrix product gives all four pre-activations,
// and rows k·H ... (k+1)·H − 1 belong to gate k. The memory path c_{t-1} → c_t is only multiplied
// by f_t, element-wise: that is what lets gradients cross many steps (vanishing-gradients.jsh).

MultiLayerNetwork lstm = oneLayer(new Lstm.Builder().nIn(nIn).nOut(H).build());
INDArray LWih = lstm.getParam("0_Wih");
INDArray LWhh = lstm.getParam("0_Whh");
INDArray Lbih = lstm.getParam("0_bih").reshape(4 * H, 1);
INDArray Lbhh = lstm.getParam("0_bhh").reshape(4 * H, 1);
// b_ih starts with the forget rows at 1 (forgetGateBiasInit) and the rest at 0; add noise to all.
Lbih.addi(Nd4j.randn(DataType.DOUBLE, 4 * H, 1).mul(0.5));
Lbhh.assign(Nd4j.randn(DataType.DOUBLE, 4 * H, 1).mul(0.5));
System.out.println("LSTM W_ih " + java.util.Arrays.toString(LWih.shape()) + " = [W_ii; W_if; W_ig; W_io]");

// Rows of gate k (0 = i, 1 = f, 2 = g, 3 = o) of a stacked column.
INDArray gate(INDArray a, int k) {
    return a.get(NDArrayIndex.interval(k * H, (k + 1) * H), NDArrayIndex.all());
}

INDArray lstmOut = lstm.feedForward(x, false).get(1);
INDArray lstmByHand = Nd4j.zeros(DataType.DOUBLE, batch, H, T);
INDArray lastC = Nd4j.zeros(DataType.DOUBLE, batch, H);
for (int b = 0; b < batch; b++) {
    INDArray h = Nd4j.zeros(DataType.DOUBLE, H, 1);
    INDArray c = Nd4j.zeros(DataType.DOUBLE, H, 1);
    for (int t = 0; t < T; t++) {
        INDArray xt = x.get(NDArrayIndex.point(b), NDArrayIndex.all(), NDArrayIndex.point(t)).reshape(nIn, 1);
        INDArray a = LWih.mmul(xt).add(Lbih).add(LWhh.mmul(h)).add(Lbhh);   // all four gates [4H, 1]
        INDArray i = Transforms.sigmoid(gate(a, 0));
        INDArray f = Transforms.sigmoid(gate(a, 1));
        INDArray g = Transforms.tanh(gate(a, 2));
        INDArray o = Transforms.sigmoid(gate(a, 3));
        c = f.mul(c).add(i.mul(g));
        h = o.mul(Transforms.tanh(c));
        lstmByHand.get(NDArrayIndex.point(b), NDArrayIndex.all(), NDArrayIndex.point(t)).assign(h.reshape(H));
    }
    lastC.getRow(b).assign(c.reshape(H));
}
double lstmDiff = maxDiff(lstmOut, lstmByHand);
System.out.printf("LSTM: max |layer - by hand| = %.2e%n", lstmDiff);

// The cell c is state the output does not show; rnnTimeStep keeps it in the layer's state map
// ("h" and "c"), so after stepping through the sequence it must hold our c_T.
lstm.rnnClearPreviousState();
double lstmStepDiff = 0;
for (int t = 0; t < T; t++) {
    INDArray step = lstm.rnnTimeStep(x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(t, t + 1)));
    INDArray expected = lstmByHand.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(t, t + 1));
    lstmStepDiff = Math.max(lstmStepDiff, maxDiff(step.reshape(batch, H, 1), expected));
}
double cellDiff = maxDiff(lstm.rnnGetPreviousState(0).get("c").reshape(batch, H), lastC);
System.out.printf("LSTM: max |rnnTimeStep - by hand| = %.2e, max |stored c_T - by hand| = %.2e%n", lstmStepDiff, cellDiff);

// ---------------------------------------------------------------------------------------------
// Checks

check(rnnDiff < 1e-10, "vanilla RNN output equals tanh(W_ih x + b_ih + W_hh h + b_hh) to 1e-10");
check(stepDiff < 1e-10, "vanilla RNN rnnTimeStep equals the step by hand to 1e-10");
check(lstmDiff < 1e-10, "LSTM output equals the i, f, g, o equations to 1e-10");
check(lstmStepDiff < 1e-10, "LSTM rnnTimeStep equals the step by hand to 1e-10");
check(cellDiff < 1e-10, "LSTM stored memory cell c_T equals the one by hand to 1e-10");
// A guard against a vacuous pass: the outputs are not all zero.
check(byHand.norm2Number().doubleValue() > 0.1 && lstmByHand.norm2Number().doubleValue() > 0.1, "outputs are not trivially zero");
