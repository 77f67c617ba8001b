package org.recurrent4j.layer;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The state {@code rnnTimeStep} carries from one call to the next, in arrays of the layer's own
 * that no caller ever holds: each entry {@code [B, size]} by name, as in the state map.
 *
 * <p>DL4J's layers put new arrays into their state map at every step, so that a map a caller took
 * with {@code rnnGetPreviousState} never changes. Each new detached array costs a native
 * allocation, a shape descriptor and a deallocator: at batch 1 that was the largest single cost of
 * a token (a seventh of a vanilla RNN's, twice that for an LSTM's two states). Here a step writes
 * its final state over arrays kept from step to step, and {@link #copies()} makes the caller's own
 * arrays only when the state is asked for.
 *
 * <p>Two sets of arrays alternate: a step reads its initial state from {@link #current()} and
 * writes its final state into {@link #next()}, so the arrays a pass started from stay intact until
 * the following step (a backward pass that redoes the forward pass reads them).
 */
final class SteppedState implements Serializable {
    private static final long serialVersionUID = 1L;

    private Map<String, INDArray> current = new LinkedHashMap<>();
    private Map<String, INDArray> next = new LinkedHashMap<>();
    private boolean held;

    /** Whether a step's final state is held here (and the layer's state map is out of date). */
    boolean held() {
        return held;
    }

    /** The state the next step starts from: valid while {@link #held()}. */
    Map<String, INDArray> current() {
        return current;
    }

    /**
     * The arrays a step writes its final state into: an entry's array may be reused (overwritten)
     * when its shape and type fit, or replaced. Call {@link #advance()} once it is written.
     */
    Map<String, INDArray> next() {
        return next;
    }

    /** Makes the state written into {@link #next()} the current one. */
    void advance() {
        Map<String, INDArray> written = next;
        next = current;
        current = written;
        held = true;
    }

    /** Forgets the held state (the layer's state map is the state again); keeps the arrays for reuse. */
    void release() {
        held = false;
    }

    /** Detached copies of the held state, for a caller to keep. */
    @SuppressWarnings("try") // the resource is a scope, opened for its effect on the code inside
    Map<String, INDArray> copies() {
        Map<String, INDArray> copies = new LinkedHashMap<>();
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            for (Map.Entry<String, INDArray> e : current.entrySet()) {
                copies.put(e.getKey(), e.getValue().dup());
            }
        }
        return copies;
    }
}
