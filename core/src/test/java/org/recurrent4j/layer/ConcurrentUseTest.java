package org.recurrent4j.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.recurrent4j.cell.Cell;
import org.recurrent4j.cell.CellParameter;
import org.recurrent4j.cell.InputProjection;
import org.recurrent4j.cell.RnnCell;
import org.recurrent4j.cell.StateEntry;
import org.recurrent4j.cell.WorkArrays;
import org.recurrent4j.conf.RecurrentCellLayer;

/** One layer instance used by two threads at once is detected, with a message that says what to do. */
class ConcurrentUseTest {

    /** Held open by the first thread's pass until the second thread has tried its own. */
    private static volatile CountDownLatch entered;

    private static volatile CountDownLatch release;

    /** An RNN cell whose passes wait on the latches when they start. */
    private static final class WaitingCell implements Cell {
        private static final long serialVersionUID = 1L;

        private final RnnCell rnn = new RnnCell(new ActivationTanH());

        @Override
        public InputProjection projection(int nIn, int hidden) {
            return rnn.projection(nIn, hidden);
        }

        @Override
        public List<StateEntry> state(int hidden) {
            return rnn.state(hidden);
        }

        @Override
        public List<CellParameter> parameters(int nIn, int hidden) {
            return rnn.parameters(nIn, hidden);
        }

        @Override
        public Steps begin(Map<String, INDArray> params, WorkArrays arrays) {
            entered.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return rnn.begin(params, arrays);
        }
    }

    private static final class WaitingLayer extends RecurrentCellLayer {
        private static final long serialVersionUID = 1L;

        WaitingLayer() {
            setNIn(2);
            setNOut(3);
            setActivationFn(new ActivationTanH());
        }

        @Override
        public Cell cell() {
            return new WaitingCell();
        }
    }

    @Test
    void aSecondThreadInAPassIsAnError() throws Exception {
        entered = new CountDownLatch(1);
        release = new CountDownLatch(1);
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .dataType(DataType.FLOAT)
                .list()
                .layer(new WaitingLayer())
                .build());
        net.init();
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 2, 4);
        ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "first"));
        try {
            Future<INDArray> first = pool.submit(() -> net.output(x));
            assertTrue(entered.await(30, TimeUnit.SECONDS));
            entered = new CountDownLatch(1);
            // MultiLayerNetwork's own methods are synchronized; a layer used directly, or shared by two
            // networks, is not.
            CellLoopLayer layer = (CellLoopLayer) net.getLayer(0);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
                layer.setInput(x, LayerWorkspaceMgr.noWorkspaces());
                layer.activate(false, LayerWorkspaceMgr.noWorkspaces());
            });
            String m = e.getMessage();
            assertTrue(m.contains("\"first\"") && m.contains("ParallelInference"), m);
            release.countDown();
            assertEquals(3, first.get(30, TimeUnit.SECONDS).size(1), "the first pass completes normally");
            assertEquals(3, net.output(x).size(1), "and the layer serves the next pass");
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }
}
