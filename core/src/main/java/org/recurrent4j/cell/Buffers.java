package org.recurrent4j.cell;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Named work arrays kept from one pass to the next, reallocated only when a shape or type
 * changes.
 *
 * <p>Why: fresh off-heap memory is expensive on the CPU backend (allocating and first touching a
 * 13 MB array costs tens of milliseconds on the reference machine, more than the arithmetic of a
 * whole LSTM pass over it), so a layer keeps its sequence-sized arrays and overwrites them. One
 * instance belongs to one layer and is used by one pass at a time.
 */
public final class Buffers {

    private final Map<String, NativeArray> arrays = new HashMap<>();

    /**
     * The array of that name, with unspecified contents, shaped {@code shape}.
     *
     * @param name what the array is for, unique within the layer
     */
    public NativeArray get(String name, DataType type, long... shape) {
        NativeArray a = arrays.get(name);
        if (a == null || a.dataType() != type || !Arrays.equals(a.array().shape(), shape)) {
            try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                a = NativeArray.of(Nd4j.createUninitialized(type, shape, 'c'));
            }
            arrays.put(name, a);
        }
        return a;
    }

    /** Like {@link #get}, with every element set to zero. */
    public NativeArray zeros(String name, DataType type, long... shape) {
        NativeArray a = get(name, type, shape);
        a.clear();
        return a;
    }

    /** Forgets every array (the memory is freed when no pass uses it any more). */
    public void clear() {
        arrays.clear();
    }
}
