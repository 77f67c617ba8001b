package org.recurrent4j.layer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bytedeco.javacpp.Pointer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.recurrent4j.arch.ImageClassifier;
import org.recurrent4j.arch.SequenceClassifier;
import org.recurrent4j.conf.CellTypes;

/**
 * Many epochs over batches of different lengths (each with its own padding mask) keep memory flat:
 * after the first epochs have sized DL4J's workspaces and the layers' buffer pools, neither the
 * heap nor the native memory grows. A leak of one step's arrays per batch would add megabytes. The
 * same for the 2-D RNN, measured by resident size.
 */
class MemoryStaysFlatTest {

    private static final int WARM_UP_EPOCHS = 4;
    private static final int EPOCHS = 24;
    private static final long ALLOWED_HEAP_GROWTH = 4L << 20;
    private static final long ALLOWED_NATIVE_GROWTH = 4L << 20;
    /** The process's resident size also grows as the JVM touches more of its heap: a generous bound. */
    private static final long ALLOWED_RESIDENT_GROWTH = 256L << 20;

    @Test
    void manyEpochsOfVariableLengthBatchesKeepMemoryFlat() throws Exception {
        ComputationGraph net = new ComputationGraph(new SequenceClassifier()
                .features(8)
                .cell(CellTypes.LSTM)
                .hidden(32, 32)
                .pooling(SequenceClassifier.Pooling.MEAN)
                .classes(2)
                .build());
        net.init();
        List<MultiDataSet> epoch = batches();
        long heapBefore = 0;
        long nativeBefore = 0;
        for (int e = 0; e < EPOCHS; e++) {
            for (MultiDataSet batch : epoch) {
                net.fit(batch);
            }
            if (e == WARM_UP_EPOCHS - 1) {
                heapBefore = settledHeap();
                nativeBefore = settledNative();
            }
        }
        long heapAfter = settledHeap();
        long nativeAfter = settledNative();
        System.out.printf(
                "memory over %d epochs of %d variable-length batches: heap %,d -> %,d bytes, native %,d ->"
                        + " %,d bytes%n",
                EPOCHS - WARM_UP_EPOCHS, epoch.size(), heapBefore, heapAfter, nativeBefore, nativeAfter);
        assertTrue(heapAfter - heapBefore < ALLOWED_HEAP_GROWTH, "heap grew by " + (heapAfter - heapBefore));
        assertTrue(
                nativeAfter - nativeBefore < ALLOWED_NATIVE_GROWTH,
                "native memory grew by " + (nativeAfter - nativeBefore));
    }

    /**
     * Training a 2-D RNN keeps the process's resident memory flat. It once grew by about 30 MB a
     * step, outside what ND4J and JavaCPP count (ND4J's {@code Reverse} op, which the backward
     * sweeps used, leaked native memory on every call): 40 steps would add over a gigabyte.
     */
    @Test
    void trainingATwoDimensionalRnnKeepsResidentMemoryFlat() throws Exception {
        ComputationGraph net = new ComputationGraph(new ImageClassifier()
                .image(16, 16, 3)
                .cell(CellTypes.GRU)
                .hidden(16)
                .classes(4)
                .seed(3)
                .build());
        net.init();
        INDArray images = Nd4j.rand(DataType.FLOAT, 32, 3, 16, 16);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, 32, 4);
        for (int i = 0; i < 32; i++) {
            labels.putScalar(i, i % 4, 1);
        }
        DataSet batch = new DataSet(images, labels);
        for (int i = 0; i < 10; i++) {
            net.fit(batch);
        }
        settle();
        long before = Pointer.physicalBytes();
        for (int i = 0; i < 40; i++) {
            net.fit(batch);
        }
        settle();
        long after = Pointer.physicalBytes();
        System.out.printf("resident memory over 40 steps of a 2-D GRU: %,d -> %,d bytes%n", before, after);
        assertTrue(after - before < ALLOWED_RESIDENT_GROWTH, "resident memory grew by " + (after - before));
    }

    /** Ten batches of 16 sequences, each batch with its own length (5 to 95 steps) and padding. */
    private static List<MultiDataSet> batches() {
        Random r = new Random(4);
        List<MultiDataSet> out = new ArrayList<>();
        for (int b = 0; b < 10; b++) {
            int steps = 5 + 10 * b;
            INDArray x = Nd4j.rand(DataType.FLOAT, 16, 8, steps);
            INDArray mask = Nd4j.ones(DataType.FLOAT, 16, steps);
            INDArray y = Nd4j.zeros(DataType.FLOAT, 16, 2);
            for (int i = 0; i < 16; i++) {
                int length = 1 + r.nextInt(steps);
                for (int t = length; t < steps; t++) {
                    mask.putScalar(i, t, 0);
                }
                y.putScalar(i, r.nextInt(2), 1);
            }
            out.add(new MultiDataSet(new INDArray[] {x}, new INDArray[] {y}, new INDArray[] {mask}, null));
        }
        return out;
    }

    private static long settledHeap() throws InterruptedException {
        settle();
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    /**
     * Native memory in use: what ND4J has allocated (arrays and workspaces) and what JavaCPP tracks
     * (the layers' own native buffers). The process's resident size is not used: it also grows as
     * the JVM touches more of its committed heap, with no leak.
     */
    private static long settledNative() throws InterruptedException {
        settle();
        return Nd4j.getMemoryManager().allocatedMemory(0) + Pointer.totalBytes();
    }

    private static void settle() throws InterruptedException {
        // Native buffers are freed when their Java owners are collected: collect, let the deallocator run, repeat.
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
    }
}
