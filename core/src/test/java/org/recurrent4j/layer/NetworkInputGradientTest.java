package org.recurrent4j.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.recurrent.BidirectionalLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;
import org.recurrent4j.cell.QrnnCell;
import org.recurrent4j.conf.Gru;
import org.recurrent4j.conf.Lstm;
import org.recurrent4j.conf.OnLstm;
import org.recurrent4j.conf.Qrnn;
import org.recurrent4j.conf.Rnn;
import org.recurrent4j.conf.RnnOutput;
import org.recurrent4j.conf.Sru;

/**
 * The first layer of a {@code MultiLayerNetwork} leaves out the input gradient while the network
 * trains ({@code computeGradientAndScore}, which discards it), and computes it wherever it is read:
 * {@code calculateGradients}, a second layer, a {@code ComputationGraph}. Leaving it out changes no
 * parameter gradient.
 */
class NetworkInputGradientTest {

    private static final int N_IN = 6;
    private static final int HIDDEN = 8;
    private static final int BATCH = 3;
    private static final int STEPS = 7;

    /** A cell's layer, made for an input size: the first layer reads N_IN features, a second HIDDEN. */
    private record Cell(String name, IntFunction<Layer> layer) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Cell> cells() {
        return List.of(
                new Cell("LSTM", nIn -> new Lstm.Builder().nIn(nIn).nOut(HIDDEN).build()),
                new Cell("GRU", nIn -> new Gru.Builder().nIn(nIn).nOut(HIDDEN).build()),
                new Cell("RNN", nIn -> new Rnn.Builder().nIn(nIn).nOut(HIDDEN).build()),
                new Cell("QRNN, fo pooling, window 2", nIn -> new Qrnn.Builder()
                        .nIn(nIn)
                        .nOut(HIDDEN)
                        .pooling(QrnnCell.Pooling.FO)
                        .window(2)
                        .build()),
                // As a second layer the SRU's highway is the identity: its input gradient has an element-wise term.
                new Cell("SRU", nIn -> new Sru.Builder().nIn(nIn).nOut(HIDDEN).build()),
                new Cell("ON-LSTM", nIn -> new OnLstm.Builder()
                        .nIn(nIn)
                        .nOut(HIDDEN)
                        .chunkSize(4)
                        .build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cells")
    void trainingLeavesOutTheFirstLayersInputGradientAndNoParameterGradientChanges(Cell cell) {
        MultiLayerNetwork net = network(cell.layer().apply(N_IN));
        INDArray x = input();
        INDArray y = labels();

        Pair<Gradient, INDArray> read = net.calculateGradients(x, y, null, null);
        CellLoopLayer first = (CellLoopLayer) net.getLayer(0);
        assertFalse(first.inputGradientSkipped(), "calculateGradients returns the input gradient");
        assertTrue(read.getSecond().norm2Number().doubleValue() > 0, "a zero input gradient");
        INDArray expected = read.getFirst().gradient().dup();

        net.setInput(x);
        net.setLabels(y);
        net.computeGradientAndScore();
        assertTrue(first.inputGradientSkipped(), "training discards the first layer's input gradient");
        assertSame(expected, net.gradient().gradient(), cell + ": the parameter gradients");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cells")
    void aSecondLayerStillSendsItsInputGradientToTheFirst(Cell cell) {
        MultiLayerNetwork net = network(cell.layer().apply(N_IN), cell.layer().apply(HIDDEN));
        INDArray expected = calculatedThenTrained(net);
        assertTrue(((CellLoopLayer) net.getLayer(0)).inputGradientSkipped());
        assertFalse(((CellLoopLayer) net.getLayer(1)).inputGradientSkipped(), "the first layer needs it");
        assertSame(expected, net.gradient().gradient(), cell + ": the parameter gradients of both layers");
    }

    @Test
    void insideBidirectionalTheWrappedLayersLeaveItOutToo() throws ReflectiveOperationException {
        MultiLayerNetwork net = network(new Bidirectional(
                Bidirectional.Mode.ADD,
                new Lstm.Builder().nIn(N_IN).nOut(HIDDEN).build()));
        INDArray expected = calculatedThenTrained(net);
        // BidirectionalLayer has no getter for the layers it wraps.
        for (String direction : new String[] {"fwd", "bwd"}) {
            Field field = BidirectionalLayer.class.getDeclaredField(direction);
            field.setAccessible(true);
            CellLoopLayer wrapped = (CellLoopLayer) field.get(net.getLayer(0));
            assertTrue(wrapped.inputGradientSkipped(), direction);
        }
        assertSame(expected, net.gradient().gradient(), "the parameter gradients");
    }

    @Test
    void theInputGradientCalculateGradientsReturnsMatchesCentralDifferences() {
        MultiLayerNetwork net =
                network(new Lstm.Builder().nIn(N_IN).nOut(HIDDEN).build());
        INDArray x = input();
        INDArray y = labels();
        INDArray analytic = net.calculateGradients(x, y, null, null).getSecond();
        double h = 1e-6;
        for (long[] at : new long[][] {{0, 0, 0}, {1, 3, 4}, {2, 5, 6}}) {
            double original = x.getDouble(at);
            x.putScalar(at, original + h);
            double plus = score(net, x, y);
            x.putScalar(at, original - h);
            double minus = score(net, x, y);
            x.putScalar(at, original);
            // calculateGradients' gradient is of the loss summed over the batch; score() is its mean.
            double numeric = BATCH * (plus - minus) / (2 * h);
            assertEquals(
                    numeric,
                    analytic.getDouble(at),
                    1e-6 * Math.max(1, Math.abs(numeric)),
                    "x at " + Arrays.toString(at));
        }
    }

    @Test
    void aComputationGraphComputesItEverywhere() {
        ComputationGraph graph = new ComputationGraph(new NeuralNetConfiguration.Builder()
                .seed(5)
                .dataType(DataType.DOUBLE)
                .updater(new NoOp())
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.recurrent(N_IN))
                .addLayer("rnn", new Lstm.Builder().nIn(N_IN).nOut(HIDDEN).build(), "in")
                .addLayer("out", output(), "rnn")
                .setOutputs("out")
                .build());
        graph.init();
        graph.setInputs(input());
        graph.setLabels(labels());
        graph.computeGradientAndScore();
        assertFalse(((CellLoopLayer) graph.getLayer("rnn")).inputGradientSkipped());
    }

    /**
     * The parameter gradients {@code calculateGradients} gives (the input gradient computed); then
     * the training pass on the same data, whose gradients the network holds after.
     */
    private static INDArray calculatedThenTrained(MultiLayerNetwork net) {
        INDArray x = input();
        INDArray y = labels();
        INDArray calculated =
                net.calculateGradients(x, y, null, null).getFirst().gradient().dup();
        net.setInput(x);
        net.setLabels(y);
        net.computeGradientAndScore();
        return calculated;
    }

    private static MultiLayerNetwork network(Layer... recurrent) {
        var list = new NeuralNetConfiguration.Builder()
                .seed(5)
                .dataType(DataType.DOUBLE)
                .updater(new NoOp())
                .list();
        for (Layer layer : recurrent) {
            list.layer(layer);
        }
        MultiLayerNetwork net = new MultiLayerNetwork(list.layer(output()).build());
        net.init();
        return net;
    }

    private static RnnOutput output() {
        return new RnnOutput.Builder(LossFunction.MCXENT)
                .activation(Activation.SOFTMAX)
                .nIn(HIDDEN)
                .nOut(3)
                .build();
    }

    private static INDArray input() {
        Nd4j.getRandom().setSeed(11);
        return Nd4j.rand(DataType.DOUBLE, BATCH, N_IN, STEPS).subi(0.5).muli(2);
    }

    private static INDArray labels() {
        INDArray y = Nd4j.zeros(DataType.DOUBLE, BATCH, 3, STEPS);
        for (int b = 0; b < BATCH; b++) {
            for (int t = 0; t < STEPS; t++) {
                y.putScalar(b, (b + 2 * t) % 3, t, 1.0);
            }
        }
        return y;
    }

    private static double score(MultiLayerNetwork net, INDArray x, INDArray y) {
        net.setInput(x);
        net.setLabels(y);
        net.computeGradientAndScore();
        return net.score();
    }

    /** Equal to float64 rounding: the same products in the same order, with or without the input gradient. */
    private static void assertSame(INDArray expected, INDArray actual, String what) {
        double scale = expected.norm2Number().doubleValue();
        assertTrue(scale > 0, what + ": zero");
        double error = expected.sub(actual).norm2Number().doubleValue();
        assertTrue(error <= 1e-12 * scale, what + ": relative difference " + error / scale);
    }
}
