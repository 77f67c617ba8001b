package org.recurrent4j.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.parallelism.ParallelWrapper;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.recurrent4j.arch.SequenceClassifier;
import org.recurrent4j.conf.CellTypes;
import org.recurrent4j.synthetic.SyntheticControlCharts;

/**
 * Training throughput on every core of one machine: one pass over 24 batches of 32 control charts
 * (60 steps) through a bidirectional GRU classifier (64 units per direction), by plain {@code fit}
 * on one thread ({@code ONE_WORKER}) and by DL4J's {@code ParallelWrapper} with {@code workers}
 * copies of the network, averaging parameters every 3 batches ({@code AVERAGING}) or sharing
 * thresholded gradients ({@code SHARED_GRADIENTS}). The score is the time of the pass; the
 * throughput ratio against one worker is the inverse ratio of the times.
 *
 * <pre>
 *   java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" org.openjdk.jmh.Main \
 *       ParallelWrapperBenchmark -f 1 -wi 2 -i 5
 * </pre>
 *
 * <p>Note that ND4J's matrix products are themselves multithreaded (OpenMP, as many threads as
 * cores), so one worker already uses the cores during its products; what more workers add is the
 * rest of a step (the cells' element-wise loops, the framework's overhead) done side by side.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ParallelWrapperBenchmark {

    /** How the pass is trained. */
    public enum Training {
        ONE_WORKER,
        AVERAGING,
        SHARED_GRADIENTS
    }

    @Param({"ONE_WORKER", "AVERAGING", "SHARED_GRADIENTS"})
    public Training training;

    @Param({"2"})
    public int workers;

    private ComputationGraph net;
    private List<DataSet> batches;
    private ParallelWrapper wrapper;

    @Setup(Level.Trial)
    public void setUp() {
        net = new ComputationGraph(new SequenceClassifier()
                .features(1)
                .cell(CellTypes.GRU)
                .hidden(64)
                .bidirectional(Bidirectional.Mode.CONCAT)
                .classes(6)
                .updater(new Adam(1e-3))
                .seed(42)
                .build());
        net.init();
        batches = new ArrayList<>();
        SyntheticControlCharts charts = new SyntheticControlCharts(60, 32, 24, 1);
        while (charts.hasNext()) {
            batches.add(charts.next());
        }
        if (training != Training.ONE_WORKER) {
            wrapper = new ParallelWrapper.Builder<>(net)
                    .workers(workers)
                    .prefetchBuffer(4)
                    .averagingFrequency(3)
                    .trainingMode(
                            training == Training.AVERAGING
                                    ? ParallelWrapper.TrainingMode.AVERAGING
                                    : ParallelWrapper.TrainingMode.SHARED_GRADIENTS)
                    .build();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (wrapper != null) {
            wrapper.shutdown();
        }
    }

    @Benchmark
    public double pass() {
        if (wrapper == null) {
            for (DataSet batch : batches) {
                net.fit(batch);
            }
        } else {
            wrapper.fit(new ListDataSetIterator<>(batches, 1));
        }
        return net.score();
    }
}
