package org.recurrent4j.kernel;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The named work arrays of one layer, taken from the shared {@link BufferPool} and reused from one
 * pass to the next while their capacity suffices: a batch shorter or narrower than the last one
 * reuses its memory, a larger one takes a larger block. {@link #release()} gives everything back
 * to the pool (the layer does it on {@code clear()}).
 *
 * <p>One instance belongs to one layer and serves one pass at a time; its methods are
 * synchronized, so a cell's row chunks running on several threads may ask for the same array and
 * get the same one. Every array is checked
 * against the kernels' limit: {@link NativeArray} indexes with {@code int} and reads memory through
 * NIO buffers, so an array holds at most {@code 2^31 − 1} bytes; a larger request is an error that
 * names the layer, the array and its shape.
 */
public final class Buffers {

    private final BufferPool pool;
    private final String owner;
    private final Map<String, BufferPool.Block> held = new HashMap<>();
    /**
     * The block each name held before the last {@link #release()}, asked for again first: DL4J
     * clears a layer after every call, and a block keeps the view of the shape it last served
     * (creating one is an ND4J array), so a name that got another block from the pool at each call
     * paid a new view every time (a tenth of an ON-LSTM's batch-1 token).
     */
    private final Map<String, BufferPool.Block> previous = new HashMap<>();

    /**
     * @param owner how errors name the owner, e.g. {@code layer "lstm1" (index 0)}
     */
    public Buffers(BufferPool pool, String owner) {
        this.pool = pool;
        this.owner = owner;
    }

    /**
     * The array of that name, with unspecified contents, shaped {@code shape}.
     *
     * @param name what the array is for, unique within the layer
     * @throws IllegalArgumentException if the array would exceed {@code 2^31 − 1} bytes
     */
    public synchronized NativeArray get(String name, DataType type, long... shape) {
        long elements = 1;
        for (long s : shape) {
            elements = Math.multiplyExact(elements, s);
        }
        checkSize(name, type, shape, elements);
        BufferPool.Block block = held.get(name);
        if (block == null || block.type != type || block.capacity < elements) {
            if (block != null) {
                pool.release(block);
            }
            block = pool.acquire(type, elements, previous.get(name));
            held.put(name, block);
        }
        return block.view(shape);
    }

    /** Like {@link #get}, with every element set to zero. */
    public synchronized NativeArray zeros(String name, DataType type, long... shape) {
        NativeArray a = get(name, type, shape);
        a.clear();
        return a;
    }

    /** Gives every array back to the pool; arrays handed out before must not be used any more. */
    public synchronized void release() {
        for (BufferPool.Block block : held.values()) {
            pool.release(block);
        }
        previous.putAll(held);
        held.clear();
    }

    private void checkSize(String name, DataType type, long[] shape, long elements) {
        long bytes = elements * type.width();
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(String.format(
                    "%s: this pass needs a work array '%s' of shape %s (%,d %s values, %.1f GB), but recurrent4j's"
                            + " kernels address at most %,d bytes per array. Use smaller batches, truncated BPTT"
                            + " (tBPTTForwardLength) for long sequences, or a smaller layer.",
                    owner, name, Arrays.toString(shape), elements, type, bytes / 1e9, Integer.MAX_VALUE));
        }
    }
}
