package org.recurrent4j.examples.serving;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.recurrent4j.serving.BatchQueue;

/**
 * One worker's function per copy of a network: DL4J's networks keep per-call state (layer inputs,
 * {@code rnnTimeStep} state), so each worker thread computes with a network of its own; the first
 * is the one loaded, the others its clones.
 */
final class Replicas {

    private Replicas() {}

    static <N, I, O> List<BatchQueue.Compute<I, O>> of(
            N net, int workers, UnaryOperator<N> copy, Function<N, BatchQueue.Compute<I, O>> worker) {
        List<BatchQueue.Compute<I, O>> computes = new ArrayList<>(workers);
        for (int k = 0; k < workers; k++) {
            computes.add(worker.apply(k == 0 ? net : copy.apply(net)));
        }
        return computes;
    }
}
