package org.recurrent4j.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.recurrent4j.conf.Gru;
import org.recurrent4j.conf.Lstm;
import org.recurrent4j.kernel.BufferPool;

/**
 * The layers' work memory: reused by capacity across batches of different lengths, given back on
 * {@code clear()} (which DL4J calls after every fit and output), usable after Java serialization,
 * and a clear error instead of misbehaviour past the kernels' 2 GiB-per-array limit.
 */
class WorkMemoryTest {

    private static MultiLayerNetwork network() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(1)
                .dataType(DataType.FLOAT)
                .list()
                .layer(new Gru.Builder().name("gru").nIn(3).nOut(16).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX)
                        .nIn(16)
                        .nOut(2)
                        .build())
                .build());
        net.init();
        return net;
    }

    private static INDArray[] batch(int steps) {
        INDArray x = Nd4j.rand(DataType.FLOAT, 8, 3, steps);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 8, 2, steps);
        y.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(0))
                .assign(1);
        return new INDArray[] {x, y};
    }

    @Test
    void batchesOfOtherLengthsReuseTheMemoryAndClearGivesItBack() {
        MultiLayerNetwork net = network();
        long inUse = BufferPool.SHARED.inUseBytes();
        INDArray[] longest = batch(40);
        net.fit(longest[0], longest[1]);
        assertEquals(inUse, BufferPool.SHARED.inUseBytes(), "fit clears the layer, which gives its memory back");
        long allocations = BufferPool.SHARED.allocations();
        for (int steps : new int[] {25, 33, 40, 21, 37}) {
            INDArray[] b = batch(steps);
            net.fit(b[0], b[1]);
            net.output(b[0]);
        }
        assertEquals(
                allocations,
                BufferPool.SHARED.allocations(),
                "batches no larger than the largest seen take no new memory");
        assertEquals(inUse, BufferPool.SHARED.inUseBytes());
        assertTrue(BufferPool.SHARED.idleBytes() > 0, "the memory waits in the pool for the next pass");
    }

    @Test
    void idleMemoryCanBeFreed() {
        MultiLayerNetwork net = network();
        net.output(batch(30)[0]);
        BufferPool.SHARED.releaseIdle();
        assertEquals(0, BufferPool.SHARED.idleBytes());
        long allocations = BufferPool.SHARED.allocations();
        net.output(batch(30)[0]);
        assertTrue(BufferPool.SHARED.allocations() > allocations, "after releaseIdle a pass allocates again");
    }

    /** A layer object copied by Java serialization (as Spark or a deep clone does) still runs. */
    @Test
    void aLayerCopiedByJavaSerializationRuns() throws Exception {
        MultiLayerNetwork net = network();
        INDArray x = batch(6)[0];
        LayerWorkspaceMgr ws = LayerWorkspaceMgr.noWorkspaces();
        CellLoopLayer original = (CellLoopLayer) net.getLayer(0);
        original.setInput(x, ws);
        INDArray expected = original.activate(false, ws).dup();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(original);
        }
        CellLoopLayer layer;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            layer = (CellLoopLayer) in.readObject();
        }
        layer.setInput(x, ws);
        assertEquals(0.0, layer.activate(false, ws).sub(expected).amaxNumber().doubleValue(), 0.0);
        layer.setBackpropGradientsViewArray(Nd4j.create(DataType.FLOAT, 1, layer.numParams()));
        layer.setInput(batch(9)[0], ws);
        layer.activate(true, ws);
        assertEquals(
                3,
                layer.backpropGradient(Nd4j.ones(DataType.FLOAT, 8, 16, 9), ws)
                        .getSecond()
                        .size(1));
    }

    @Test
    void anArrayPastTheKernelsLimitIsAClearError() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .dataType(DataType.FLOAT)
                .list()
                .layer(new Lstm.Builder().name("long-lstm").nIn(1).nOut(2048).build())
                .build());
        net.init();
        // 8192 pre-activation rows × 65,536 steps × 1 example = 2.1 GB of float32.
        INDArray x = Nd4j.zeros(DataType.FLOAT, 1, 1, 65_536);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.output(x));
        String m = e.getMessage();
        assertTrue(
                m.contains("long-lstm")
                        && m.contains("[8192, 65536, 1]")
                        && m.contains("2,147,483,647 bytes")
                        && m.contains("truncated BPTT"),
                m);
    }
}
