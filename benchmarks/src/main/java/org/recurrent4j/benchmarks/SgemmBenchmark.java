package org.recurrent4j.benchmarks;

import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The machine's float32 GEMM rate through ND4J, on the shape of an LSTM's input projection
 * ({@code [1024, 128] × [128, 3200]}): the reference for the layers' achieved GFLOP/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SgemmBenchmark {

    public static final int M = 1024;
    public static final int K = 128;
    public static final int N = 3200;

    private INDArray a;
    private INDArray b;
    private INDArray c;

    @Setup
    public void setUp() {
        a = Nd4j.rand(DataType.FLOAT, M, K);
        b = Nd4j.rand(DataType.FLOAT, K, N);
        c = Nd4j.create(DataType.FLOAT, M, N);
    }

    @Benchmark
    public INDArray sgemm() {
        return Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
    }

    public static double flops() {
        return 2.0 * M * K * N;
    }
}
