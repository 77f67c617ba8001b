package org.recurrent4j.kernel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A caching allocator of off-heap work memory, shared by every recurrent layer of the process.
 *
 * <p>Why: on the CPU backend, fresh off-heap memory is slow (allocating and first touching a 13 MB
 * array costs 8–15 ms on the reference machine, a tenth of a whole LSTM training step), and DL4J
 * calls a layer's {@code clear()} after every {@code fit} and {@code output}. So a layer gives its
 * buffers back here on {@code clear()} and takes them again on its next pass, with no allocation.
 *
 * <p>Policy: a request for {@code n} elements gets the smallest idle block of its data type whose
 * capacity is between {@code n} and {@code max(2n, n + 65536)}, else a new block of capacity
 * {@code 1.25 n} (so batches of slowly growing length do not reallocate every time). Idle memory is
 * bounded twice: the idle blocks never hold more bytes than the most the layers ever held in use at
 * once (the working set of the largest pass seen), and a block idle for longer than {@code
 * recurrent4j.buffers.idleSeconds} (system property, default 60) is freed at the next request or
 * release. {@link #releaseIdle()} frees every idle block at once.
 *
 * <p>Thread-safe: layers on different threads (e.g. DL4J's {@code ParallelInference} workers) share
 * it.
 */
public final class BufferPool {

    /** The pool every layer uses. */
    public static final BufferPool SHARED =
            new BufferPool(Long.getLong("recurrent4j.buffers.idleSeconds", 60L) * 1_000_000_000L);

    /** A block of off-heap memory handed out by the pool. */
    static final class Block {
        private final INDArray owner;
        final DataBuffer data;
        final long capacity;
        final DataType type;
        private long idleSince;
        /** The last view handed out, kept because creating one costs an ND4J array (tens of µs). */
        private NativeArray view;

        private Block(INDArray owner) {
            this.owner = owner;
            this.data = owner.data();
            this.capacity = owner.length();
            this.type = owner.dataType();
        }

        long bytes() {
            return capacity * type.width();
        }

        /** The block's first {@code prod(shape)} elements as a C-order array of that shape. */
        NativeArray view(long[] shape) {
            NativeArray last = view;
            if (last == null || !Arrays.equals(last.array().shape(), shape) || !last.accessFor(KernelPath.active())) {
                last = NativeArray.over(data, shape);
                view = last;
            }
            return last;
        }
    }

    private final long maxIdleNanos;
    private final List<Block> idle = new ArrayList<>();
    private long idleBytes;
    private long inUseBytes;
    private long peakInUseBytes;
    private long allocations;

    BufferPool(long maxIdleNanos) {
        this.maxIdleNanos = maxIdleNanos;
    }

    /** A block of at least {@code elements} values of that type, with unspecified contents. */
    synchronized Block acquire(DataType type, long elements) {
        return acquire(type, elements, null);
    }

    /**
     * As {@link #acquire(DataType, long)}, and {@code preferred} (may be null) if it is idle and
     * fits: the block the caller held for the same purpose before.
     */
    @SuppressWarnings("try") // the resource is a scope, opened for its effect on the code inside
    synchronized Block acquire(DataType type, long elements, Block preferred) {
        long now = System.nanoTime();
        freeExpired(now);
        long largestFit = Math.max(2 * elements, elements + 65536);
        Block best = fits(preferred, type, elements, largestFit) && idle.contains(preferred) ? preferred : null;
        if (best == null) {
            for (Block b : idle) {
                if (fits(b, type, elements, largestFit) && (best == null || b.capacity < best.capacity)) {
                    best = b;
                }
            }
        }
        if (best != null) {
            idle.remove(best);
            idleBytes -= best.bytes();
        } else {
            long capacity = Math.max(1, elements + elements / 4);
            try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                best = new Block(Nd4j.createUninitialized(type, new long[] {capacity}, 'c'));
            }
            allocations++;
        }
        inUseBytes += best.bytes();
        peakInUseBytes = Math.max(peakInUseBytes, inUseBytes);
        return best;
    }

    private static boolean fits(Block b, DataType type, long elements, long largestFit) {
        return b != null && b.type == type && b.capacity >= elements && b.capacity <= largestFit;
    }

    /** Takes a block back; its memory must not be used any more by the one who gave it. */
    synchronized void release(Block block) {
        long now = System.nanoTime();
        inUseBytes -= block.bytes();
        block.idleSince = now;
        idle.add(block);
        idleBytes += block.bytes();
        freeExpired(now);
        while (idleBytes > peakInUseBytes && !idle.isEmpty()) {
            free(idle.remove(0));
        }
    }

    /** Frees every idle block (memory in use by a layer's pass is not touched). */
    public synchronized void releaseIdle() {
        while (!idle.isEmpty()) {
            free(idle.remove(0));
        }
    }

    /** Bytes held by idle blocks, ready for reuse. */
    public synchronized long idleBytes() {
        return idleBytes;
    }

    /** How many blocks were allocated since the start (reuse does not count). */
    public synchronized long allocations() {
        return allocations;
    }

    /** Bytes held by layers' passes now. */
    public synchronized long inUseBytes() {
        return inUseBytes;
    }

    private void freeExpired(long now) {
        for (Iterator<Block> it = idle.iterator(); it.hasNext(); ) {
            Block b = it.next();
            if (now - b.idleSince > maxIdleNanos) {
                it.remove();
                free(b);
            }
        }
    }

    private void free(Block block) {
        idleBytes -= block.bytes();
        if (block.data.closeable()) {
            block.owner.close();
        }
    }
}
