package org.recurrent4j.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Arrays;
import java.util.Locale;
import org.bytedeco.javacpp.Pointer;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.recurrent4j.kernel.BufferPool;

/**
 * Training on one long sequence, in a JVM of its own: time per step and the memory it takes, for
 * full BPTT or truncated BPTT. The network is the benchmark's (one recurrent layer, nIn 128, a
 * 16-class softmax at every step, float32, Adam), batch 32.
 *
 * <p>Memory, sampled every 2 ms during the measured {@code fit} calls: the JVM's heap (the sum of
 * the heap pools' used bytes), the off-heap bytes ND4J and JavaCPP count ({@code
 * MemoryManager.allocatedMemory(0)}, {@code Pointer.totalBytes()}) with the recurrent layer's work
 * memory ({@code BufferPool}), and the process's resident memory ({@code Pointer.physicalBytes()});
 * each as its peak above the level before the first {@code fit} (the network and the data already
 * allocated), over an untimed first {@code fit} and three timed ones. Bytes per step divides the
 * off-heap peak by T.
 *
 * <pre>
 *   java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" -Xmx4g \
 *       -Dorg.bytedeco.javacpp.maxbytes=16g -Dorg.bytedeco.javacpp.maxphysicalbytes=20g \
 *       org.recurrent4j.benchmarks.LongSequenceMemory 10000 full [LSTM] [hidden]
 *   ... LongSequenceMemory 10000 truncated:100
 * </pre>
 *
 * <p>Prints one line: {@code T mode cell hidden ms/fit ms/step heapMB offHeapMB residentMB bytes/step dataMB}.
 */
public final class LongSequenceMemory {

    public static final int BATCH = 32;
    public static final int N_IN = 128;

    private static volatile boolean sampling;
    private static volatile long peakHeap;
    private static volatile long peakOffHeap;
    private static volatile long peakResident;

    private LongSequenceMemory() {}

    public static void main(String[] args) throws InterruptedException {
        if (args.length < 2) {
            System.err.println(
                    "usage: LongSequenceMemory STEPS full|truncated:LENGTH [LSTM|GRU|RNN|QRNN|SRU|ONLSTM] [HIDDEN]");
            System.exit(2);
        }
        int steps = Integer.parseInt(args[0]);
        String mode = args[1];
        String cell = args.length > 2 ? args[2].toUpperCase(Locale.ROOT) : "LSTM";
        int hidden = args.length > 3 ? Integer.parseInt(args[3]) : 256;
        int fits = 3;
        LayerKind kind = LayerKind.valueOf("RECURRENT4J_" + cell);
        NeuralNetConfiguration.ListBuilder conf = new NeuralNetConfiguration.Builder()
                .seed(42)
                .dataType(DataType.FLOAT)
                .updater(new Adam(1e-3))
                .list()
                .layer(kind.layer(N_IN, hidden))
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX)
                        .nIn(hidden)
                        .nOut(RecurrentLayerBenchmark.CLASSES)
                        .build());
        if (mode.startsWith("truncated:")) {
            int length = Integer.parseInt(mode.substring("truncated:".length()));
            conf.backpropType(BackpropType.TruncatedBPTT)
                    .tBPTTForwardLength(length)
                    .tBPTTBackwardLength(length);
        } else if (!mode.equals("full")) {
            System.err.println("mode must be full or truncated:LENGTH, got " + mode);
            System.exit(2);
        }
        MultiLayerNetwork net = new MultiLayerNetwork(conf.build());
        net.init();
        Nd4j.getRandom().setSeed(7);
        INDArray features = Nd4j.rand(DataType.FLOAT, BATCH, N_IN, steps).subi(0.5);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, BATCH, RecurrentLayerBenchmark.CLASSES, steps);
        for (int b = 0; b < BATCH; b++) {
            for (int t = 0; t < steps; t++) {
                labels.putScalar(b, (b * 7 + t) % RecurrentLayerBenchmark.CLASSES, t, 1f);
            }
        }
        DataSet data = new DataSet(features, labels);
        long dataBytes = (features.length() + labels.length()) * 4L;

        System.gc();
        long heap0 = heapUsed();
        long offHeap0 = offHeap();
        long resident0 = Pointer.physicalBytes();
        peakHeap = heap0;
        peakOffHeap = offHeap0;
        peakResident = resident0;
        sampling = true;
        Thread sampler = new Thread(() -> {
            while (sampling) {
                peakHeap = Math.max(peakHeap, heapUsed());
                peakOffHeap = Math.max(peakOffHeap, offHeap());
                peakResident = Math.max(peakResident, Pointer.physicalBytes());
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.setDaemon(true);
        sampler.start();
        // The first fit compiles and sizes DL4J's workspaces and the layer's buffers: sampled, not timed.
        net.fit(data);
        double[] ms = new double[fits];
        for (int i = 0; i < fits; i++) {
            long start = System.nanoTime();
            net.fit(data);
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        sampling = false;
        sampler.join();
        Arrays.sort(ms);
        double median = ms[fits / 2];
        double mb = 1024.0 * 1024.0;
        System.out.printf(
                Locale.ROOT,
                "%d %s %s %d %.1f %.4f %.1f %.1f %.1f %.0f %.1f%n",
                steps,
                mode,
                cell,
                hidden,
                median,
                median / steps,
                (peakHeap - heap0) / mb,
                (peakOffHeap - offHeap0) / mb,
                (peakResident - resident0) / mb,
                (double) (peakOffHeap - offHeap0) / steps,
                dataBytes / mb);
    }

    /**
     * Off-heap bytes as ND4J and JavaCPP count them (as {@code MemoryStaysFlatTest} does), and the
     * recurrent layer's work memory in its pool, in use or idle.
     */
    private static long offHeap() {
        return Nd4j.getMemoryManager().allocatedMemory(0)
                + Pointer.totalBytes()
                + BufferPool.SHARED.inUseBytes()
                + BufferPool.SHARED.idleBytes();
    }

    private static long heapUsed() {
        long used = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                used += pool.getUsage().getUsed();
            }
        }
        return used;
    }
}
