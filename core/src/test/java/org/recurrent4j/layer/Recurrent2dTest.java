package org.recurrent4j.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.recurrent4j.conf.Gru;
import org.recurrent4j.conf.Recurrent2d;
import org.recurrent4j.conf.Rnn;
import org.recurrent4j.testing.DoublePrecision;

/**
 * {@link Recurrent2d}: the output equals four vanilla-RNN sweeps written out in plain loops (both
 * compositions, both merges, patches), shapes follow the input type, JSON and {@code
 * ModelSerializer} round trips give the same outputs, training runs under DL4J's workspaces, and
 * bad input is refused with the layer's name and the shapes.
 */
@ExtendWith(DoublePrecision.class)
class Recurrent2dTest {

    private static final int HIDDEN = 3;

    private static MultiLayerNetwork network(Recurrent2d layer, int height, int width, int channels) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(3)
                .dataType(DataType.DOUBLE)
                .updater(new Adam(0.01))
                .list()
                .layer(layer)
                .layer(new GlobalPoolingLayer(PoolingType.AVG))
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX)
                        .nOut(2)
                        .build())
                .setInputType(InputType.convolutional(height, width, channels))
                .build());
        net.init();
        Recurrent2dGradientCheckTest.randomizeBiases(net.paramTable());
        return net;
    }

    private static INDArray image(long... shape) {
        Nd4j.getRandom().setSeed(11);
        return Nd4j.rand(DataType.DOUBLE, shape).subi(0.5).muli(2);
    }

    @Test
    void fourSweepsConcatEqualsPlainLoops() {
        MultiLayerNetwork net =
                network(new Recurrent2d.Builder(new Rnn.Builder().nOut(HIDDEN).build()).build(), 3, 4, 2);
        INDArray x = image(2, 2, 3, 4);
        INDArray y = net.feedForward(x, false).get(1);
        assertArrayEquals(new long[] {2, 4 * HIDDEN, 3, 4}, y.shape());
        Map<String, INDArray> p = net.getLayer(0).paramTable();
        INDArray expected = Nd4j.concat(
                1,
                rnnSweep(p, "right-", x, true, false),
                rnnSweep(p, "left-", x, true, true),
                rnnSweep(p, "down-", x, false, false),
                rnnSweep(p, "up-", x, false, true));
        assertTrue(expected.equalsWithEps(y, 1e-12), () -> "expected\n" + expected + "\ngot\n" + y);
    }

    @Test
    void renetSumWithPatchesEqualsPlainLoops() {
        MultiLayerNetwork net = network(
                new Recurrent2d.Builder(new Rnn.Builder().nOut(HIDDEN).build())
                        .composition(Recurrent2d.Composition.RENET)
                        .merge(Recurrent2d.Merge.SUM)
                        .patchSize(2)
                        .build(),
                4,
                6,
                1);
        INDArray x = image(2, 1, 4, 6);
        INDArray y = net.feedForward(x, false).get(1);
        assertArrayEquals(new long[] {2, HIDDEN, 2, 3}, y.shape());
        // Patches by hand: grid[b, u*2 + v, i, j] = x[b, 0, 2i + u, 2j + v].
        INDArray grid = Nd4j.zeros(DataType.DOUBLE, 2, 4, 2, 3);
        for (int b = 0; b < 2; b++) {
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 3; j++) {
                    for (int u = 0; u < 2; u++) {
                        for (int v = 0; v < 2; v++) {
                            grid.putScalar(new long[] {b, u * 2 + v, i, j}, x.getDouble(b, 0, 2 * i + u, 2 * j + v));
                        }
                    }
                }
            }
        }
        Map<String, INDArray> p = net.getLayer(0).paramTable();
        INDArray horizontal = rnnSweep(p, "right-", grid, true, false).add(rnnSweep(p, "left-", grid, true, true));
        INDArray expected =
                rnnSweep(p, "down-", horizontal, false, false).add(rnnSweep(p, "up-", horizontal, false, true));
        assertTrue(expected.equalsWithEps(y, 1e-12), () -> "expected\n" + expected + "\ngot\n" + y);
    }

    /**
     * One vanilla tanh RNN sweep over a grid {@code [B, D, R, C]} in plain loops: {@code h =
     * tanh(Wih x + bih + Whh h_prev + bhh)} along rows or columns, forward or reversed.
     */
    static INDArray rnnSweep(
            Map<String, INDArray> params, String prefix, INDArray grid, boolean horizontal, boolean reversed) {
        INDArray wih = params.get(prefix + "Wih");
        INDArray whh = params.get(prefix + "Whh");
        INDArray bih = params.get(prefix + "bih");
        INDArray bhh = params.get(prefix + "bhh");
        int batch = (int) grid.size(0);
        int depth = (int) grid.size(1);
        int rows = (int) grid.size(2);
        int cols = (int) grid.size(3);
        int hidden = (int) whh.size(0);
        INDArray out = Nd4j.zeros(DataType.DOUBLE, batch, hidden, rows, cols);
        int lines = horizontal ? rows : cols;
        int steps = horizontal ? cols : rows;
        for (int b = 0; b < batch; b++) {
            for (int line = 0; line < lines; line++) {
                double[] h = new double[hidden];
                for (int s = 0; s < steps; s++) {
                    int t = reversed ? steps - 1 - s : s;
                    int i = horizontal ? line : t;
                    int j = horizontal ? t : line;
                    double[] next = new double[hidden];
                    for (int k = 0; k < hidden; k++) {
                        double a = bih.getDouble(k) + bhh.getDouble(k);
                        for (int d = 0; d < depth; d++) {
                            a += wih.getDouble(k, d) * grid.getDouble(b, d, i, j);
                        }
                        for (int m = 0; m < hidden; m++) {
                            a += whh.getDouble(k, m) * h[m];
                        }
                        next[k] = Math.tanh(a);
                        out.putScalar(new long[] {b, k, i, j}, next[k]);
                    }
                    h = next;
                }
            }
        }
        return out;
    }

    @Test
    void outputTypeFollowsTheOptions() {
        Recurrent2d renet = new Recurrent2d.Builder(new Gru.Builder().nOut(5).build())
                .composition(Recurrent2d.Composition.RENET)
                .patchSize(4)
                .inputConvolution(3, 7)
                .build();
        renet.setNIn(InputType.convolutional(32, 16, 3), true);
        assertEquals(InputType.convolutional(8, 4, 10), renet.getOutputType(0, InputType.convolutional(32, 16, 3)));
        assertEquals(7, renet.sweepInputSize());
        assertEquals(48, renet.patchFeatures());
        Recurrent2d sum = new Recurrent2d.Builder(new Gru.Builder().nOut(5).build())
                .merge(Recurrent2d.Merge.SUM)
                .build();
        assertEquals(InputType.convolutional(6, 6, 5), sum.getOutputType(0, InputType.convolutional(6, 6, 2)));
    }

    @Test
    void jsonAndModelSerializerRoundTrips() throws Exception {
        MultiLayerNetwork net = network(
                new Recurrent2d.Builder(new Gru.Builder().nOut(HIDDEN).build())
                        .composition(Recurrent2d.Composition.RENET)
                        .patchSize(2)
                        .inputConvolution(3, 2)
                        .inputConvolutionActivation(Activation.RELU)
                        .name("sweeps")
                        .build(),
                4,
                4,
                2);
        INDArray x = image(3, 2, 4, 4);
        INDArray before = net.output(x);

        String json = net.getLayerWiseConfigurations().toJson();
        MultiLayerConfiguration fromJson = MultiLayerConfiguration.fromJson(json);
        assertEquals(net.getLayerWiseConfigurations(), fromJson);
        MultiLayerNetwork rebuilt = new MultiLayerNetwork(fromJson);
        rebuilt.init(net.params().dup(), false);
        assertEquals(before, rebuilt.output(x));

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, bytes, true);
        MultiLayerNetwork restored =
                ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes.toByteArray()), true);
        assertEquals(before, restored.output(x));
        assertEquals(net.paramTable().keySet(), restored.paramTable().keySet());
        assertTrue(net.paramTable().containsKey("0_conv-W"));
        assertTrue(net.paramTable().containsKey("0_up-Whh"));
    }

    @Test
    void trainsUnderWorkspacesInFloat32() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(5)
                .dataType(DataType.FLOAT)
                .updater(new Adam(0.05))
                .list()
                .layer(new Recurrent2d.Builder(new Gru.Builder().nOut(4).build())
                        .inputConvolution(3, 4)
                        .build())
                .layer(new GlobalPoolingLayer(PoolingType.MAX))
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX)
                        .nOut(2)
                        .build())
                .setInputType(InputType.convolutional(5, 5, 1))
                .build());
        net.init();
        // A bright pixel anywhere in the left column (class 1) or the right column (class 0).
        INDArray x = Nd4j.zeros(DataType.FLOAT, 16, 1, 5, 5);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, 16, 2);
        for (int b = 0; b < 16; b++) {
            int cls = b % 2;
            x.putScalar(new long[] {b, 0, b % 5, cls == 1 ? 0 : 4}, 1.0);
            labels.putScalar(b, cls, 1.0);
        }
        DataSet data = new DataSet(x, labels);
        double first = net.score(data);
        for (int i = 0; i < 30; i++) {
            net.fit(data);
        }
        double last = net.score(data);
        assertTrue(last < 0.3 * first, "loss " + first + " -> " + last);
    }

    @Test
    void badInputIsRefusedWithTheLayerAndShapes() {
        MultiLayerNetwork net = network(
                new Recurrent2d.Builder(new Rnn.Builder().nOut(HIDDEN).build())
                        .patchSize(2)
                        .name("sweeps")
                        .build(),
                4,
                4,
                2);
        IllegalArgumentException rank = assertThrows(IllegalArgumentException.class, () -> net.getLayer(0)
                .activate(image(2, 2, 4), false, LayerWorkspaceMgr.noWorkspaces()));
        assertTrue(
                rank.getMessage().contains("\"sweeps\"") && rank.getMessage().contains("[2, 2, 4]"), rank.getMessage());
        IllegalArgumentException channels = assertThrows(IllegalArgumentException.class, () -> net.getLayer(0)
                .activate(image(1, 3, 4, 4), false, LayerWorkspaceMgr.noWorkspaces()));
        assertTrue(channels.getMessage().contains("expects 2 channels"), channels.getMessage());
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class, () -> net.getLayer(0)
                .activate(image(1, 2, 1, 4), false, LayerWorkspaceMgr.noWorkspaces()));
        assertTrue(
                small.getMessage().contains("1×4") && small.getMessage().contains("2×2 patches"), small.getMessage());

        Recurrent2d layer = new Recurrent2d.Builder(new Rnn.Builder().nOut(2).build())
                .patchSize(3)
                .name("big")
                .build();
        IllegalArgumentException type = assertThrows(
                IllegalArgumentException.class, () -> layer.getOutputType(1, InputType.convolutional(2, 9, 1)));
        assertTrue(
                type.getMessage().contains("\"big\" (layer 1)")
                        && type.getMessage().contains("2×9"),
                type.getMessage());
        IllegalArgumentException recurrent =
                assertThrows(IllegalArgumentException.class, () -> layer.getOutputType(1, InputType.recurrent(3)));
        assertTrue(recurrent.getMessage().contains("InputType.convolutional"), recurrent.getMessage());

        assertThrows(IllegalArgumentException.class, () -> new Recurrent2d.Builder(
                        new Rnn.Builder().nOut(2).build())
                .patchSize(0)
                .build());
        assertThrows(IllegalArgumentException.class, () -> new Recurrent2d.Builder(
                        new Rnn.Builder().nOut(2).build())
                .inputConvolution(3, 0)
                .build());
        assertThrows(IllegalArgumentException.class, () -> new Recurrent2d.Builder(new Rnn.Builder().build()).build());
        IllegalStateException noChannels = assertThrows(IllegalStateException.class, () -> new Recurrent2d.Builder(
                        new Rnn.Builder().nOut(2).build())
                .build()
                .parts());
        assertTrue(noChannels.getMessage().contains("setInputType"), noChannels.getMessage());
    }
}
