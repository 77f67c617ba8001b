package org.recurrent4j.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * A layer's {@link Buffers} across the {@code release()} DL4J causes after every call: each name
 * gets back the block it held, and with it the view it was last given (a new view is an ND4J
 * array, a cost at every batch-1 token), also where the pool's best fit would hand it another.
 */
class BuffersTest {

    @Test
    void eachNameGetsItsOwnBlockAndViewBackAfterRelease() {
        BufferPool pool = new BufferPool(60_000_000_000L);
        Buffers buffers = new Buffers(pool, "test");
        NativeArray a = buffers.get("a", DataType.FLOAT, 100, 10); // a block of 1,250
        NativeArray b = buffers.get("b", DataType.FLOAT, 900); // a block of 1,125
        buffers.release();
        assertEquals(0, pool.inUseBytes());

        // "a" asks first: the smallest idle block that fits it is the one "b" had.
        assertSame(a, buffers.get("a", DataType.FLOAT, 100, 10));
        assertSame(b, buffers.get("b", DataType.FLOAT, 900));
        assertEquals(2, pool.allocations());
        assertEquals((1250 + 1125) * 4L, pool.inUseBytes());
        buffers.release();
    }

    @Test
    void aNameWhoseBlockWasTakenGetsAnother() {
        BufferPool pool = new BufferPool(60_000_000_000L);
        Buffers first = new Buffers(pool, "first");
        Buffers second = new Buffers(pool, "second");
        NativeArray mine = first.get("x", DataType.FLOAT, 1000);
        first.release();
        NativeArray taken = second.get("y", DataType.FLOAT, 1000);
        assertSame(mine.array().data(), taken.array().data(), "the idle block goes to whoever asks");

        NativeArray again = first.get("x", DataType.FLOAT, 1000);
        assertArrayEquals(new long[] {1000}, again.array().shape());
        assertEquals(2, pool.allocations());
        first.release();
        second.release();
        assertEquals(0, pool.inUseBytes());
    }
}
