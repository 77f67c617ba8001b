package org.recurrent4j.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.parallelism.ParallelInference;
import org.deeplearning4j.parallelism.inference.InferenceMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.recurrent4j.arch.SequenceClassifier;
import org.recurrent4j.conf.CellTypes;

/**
 * A project model served by DL4J's {@code ParallelInference} from 8 threads at once returns exactly
 * what the model returns to one thread, request by request: workers hold clones of the model, and
 * the project's layers keep no state between calls that one request could leak into another's.
 */
class ParallelInferenceTest {

    private static final int THREADS = 8;
    private static final int REQUESTS_PER_THREAD = 25;

    @ParameterizedTest
    @EnumSource(
            value = InferenceMode.class,
            names = {"SEQUENTIAL", "INPLACE"})
    void eightThreadsGetWhatOneThreadGets(InferenceMode mode) throws Exception {
        ComputationGraph net = new ComputationGraph(new SequenceClassifier()
                .features(5)
                .cell(CellTypes.GRU)
                .hidden(16, 16)
                .bidirectional(Bidirectional.Mode.CONCAT)
                .pooling(SequenceClassifier.Pooling.LAST)
                .classes(3)
                .build());
        net.init();
        List<INDArray> inputs = new ArrayList<>();
        List<INDArray> expected = new ArrayList<>();
        for (int i = 0; i < THREADS * REQUESTS_PER_THREAD; i++) {
            // Requests of different lengths and batch sizes, as a server sees them.
            INDArray x = Nd4j.rand(DataType.FLOAT, 1 + i % 4, 5, 3 + i % 11);
            inputs.add(x);
            expected.add(net.output(x)[0]);
        }
        ParallelInference served = new ParallelInference.Builder(net)
                .inferenceMode(mode)
                .workers(4)
                .build();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<List<INDArray>>> answers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                answers.add(pool.submit(() -> {
                    List<INDArray> mine = new ArrayList<>();
                    for (int r = 0; r < REQUESTS_PER_THREAD; r++) {
                        mine.add(served.output(inputs.get(thread * REQUESTS_PER_THREAD + r)));
                    }
                    return mine;
                }));
            }
            int compared = 0;
            for (int t = 0; t < THREADS; t++) {
                List<INDArray> mine = answers.get(t).get();
                for (int r = 0; r < REQUESTS_PER_THREAD; r++) {
                    INDArray want = expected.get(t * REQUESTS_PER_THREAD + r);
                    INDArray got = mine.get(r);
                    assertArrayEquals(want.shape(), got.shape());
                    assertArrayEquals(want.data().asFloat(), got.dup().data().asFloat(), "request " + r + " of " + t);
                    compared++;
                }
            }
            assertEquals(THREADS * REQUESTS_PER_THREAD, compared);
        } finally {
            pool.shutdownNow();
            served.shutdown();
        }
    }
}
