package org.recurrent4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link RowParallel#split} on {@link RowTeam}'s threads: every row exactly once, on more than one
 * thread where there are cores, failures thrown to the caller, nested and concurrent splits, a
 * team woken from its parked state, and chunks no worker started taken back by the caller.
 */
@Timeout(60)
class RowParallelTest {

    private static final boolean MULTICORE = Runtime.getRuntime().availableProcessors() > 1;

    @Test
    void everyRowRunsExactlyOnceOnMoreThanOneThread() {
        for (int rows : new int[] {1, 2, 3, 7, 1000}) {
            AtomicIntegerArray runs = new AtomicIntegerArray(rows);
            for (int repeat = 0; repeat < 200; repeat++) {
                RowParallel.split(rows, (from, to) -> {
                    for (int i = from; i < to; i++) {
                        runs.incrementAndGet(i);
                    }
                });
            }
            for (int i = 0; i < rows; i++) {
                assertEquals(200, runs.get(i), rows + " rows: row " + i);
            }
            if (MULTICORE && rows > 1) {
                // The caller's own chunk (the first) waits until a worker has started another: a
                // chunk that no worker has started when the caller's is done, the caller takes
                // back, so without the wait a worker kept off the cores (by the JIT's threads, say)
                // would never show.
                Set<Thread> threads = ConcurrentHashMap.newKeySet();
                AtomicBoolean otherStarted = new AtomicBoolean();
                RowParallel.split(rows, (from, to) -> {
                    threads.add(Thread.currentThread());
                    if (from > 0) {
                        otherStarted.set(true);
                        return;
                    }
                    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                    while (!otherStarted.get() && System.nanoTime() < until) {
                        Thread.onSpinWait();
                    }
                });
                assertTrue(threads.size() > 1, rows + " rows ran on " + threads);
            }
        }
    }

    @Test
    void aFailingChunkIsThrownToTheCallerAfterEveryChunkAndTheTeamCarriesOn() {
        int rows = 64;
        AtomicIntegerArray runs = new AtomicIntegerArray(rows);
        IllegalStateException thrown = assertThrows(
                IllegalStateException.class,
                () -> RowParallel.split(rows, (from, to) -> {
                    for (int i = from; i < to; i++) {
                        runs.incrementAndGet(i);
                    }
                    if (to == rows) {
                        throw new IllegalStateException("last chunk");
                    }
                }));
        assertEquals("last chunk", thrown.getMessage());
        for (int i = 0; i < rows; i++) {
            assertEquals(1, runs.get(i), "row " + i + " ran before the failure was thrown");
        }
        AtomicIntegerArray again = new AtomicIntegerArray(rows);
        RowParallel.split(rows, (from, to) -> {
            for (int i = from; i < to; i++) {
                again.incrementAndGet(i);
            }
        });
        for (int i = 0; i < rows; i++) {
            assertEquals(1, again.get(i), "after a failure, row " + i);
        }
    }

    @Test
    void aSplitInsideAChunkRunsOnThatChunksThread() {
        int rows = 8;
        int inner = 16;
        AtomicIntegerArray runs = new AtomicIntegerArray(rows * inner);
        RowParallel.split(rows, (from, to) -> {
            for (int i = from; i < to; i++) {
                int row = i;
                Thread outer = Thread.currentThread();
                RowParallel.split(inner, (a, b) -> {
                    assertSame(outer, Thread.currentThread());
                    for (int j = a; j < b; j++) {
                        runs.incrementAndGet(row * inner + j);
                    }
                });
            }
        });
        for (int i = 0; i < rows * inner; i++) {
            assertEquals(1, runs.get(i), "element " + i);
        }
    }

    @Test
    void concurrentCallersEachGetEveryRow() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            Future<?>[] done = new Future<?>[4];
            for (int c = 0; c < done.length; c++) {
                done[c] = callers.submit(() -> {
                    for (int repeat = 0; repeat < 500; repeat++) {
                        AtomicIntegerArray runs = new AtomicIntegerArray(33);
                        RowParallel.split(33, (from, to) -> {
                            for (int i = from; i < to; i++) {
                                runs.incrementAndGet(i);
                            }
                        });
                        for (int i = 0; i < 33; i++) {
                            assertEquals(1, runs.get(i));
                        }
                    }
                    return null;
                });
            }
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void theCallerTakesBackChunksNoWorkerStarted() {
        RowTeam idle = new RowTeam(3, false);
        for (int repeat = 0; repeat < 3; repeat++) {
            AtomicIntegerArray runs = new AtomicIntegerArray(10);
            Set<Thread> threads = ConcurrentHashMap.newKeySet();
            assertTrue(idle.claim());
            idle.run(10, 4, (from, to) -> {
                threads.add(Thread.currentThread());
                for (int i = from; i < to; i++) {
                    runs.incrementAndGet(i);
                }
            });
            for (int i = 0; i < 10; i++) {
                assertEquals(1, runs.get(i), "row " + i);
            }
            assertEquals(Set.of(Thread.currentThread()), threads);
        }
        assertTrue(idle.claim());
        IllegalStateException thrown = assertThrows(
                IllegalStateException.class,
                () -> idle.run(10, 4, (from, to) -> {
                    if (from > 0) {
                        throw new IllegalStateException("chunk from " + from);
                    }
                }));
        assertEquals("chunk from 2", thrown.getMessage());
        assertEquals(2, thrown.getSuppressed().length, "the other taken-back chunks' failures");
        assertTrue(idle.claim(), "a failed split releases the team");
    }

    @Test
    void aParkedTeamWakesForTheNextSplit() throws InterruptedException {
        for (int repeat = 0; repeat < 5; repeat++) {
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(RowTeam.SPIN_NANOS * 20) + 1);
            AtomicIntegerArray runs = new AtomicIntegerArray(10);
            RowParallel.split(10, (from, to) -> {
                for (int i = from; i < to; i++) {
                    runs.incrementAndGet(i);
                }
            });
            for (int i = 0; i < 10; i++) {
                assertEquals(1, runs.get(i), "row " + i);
            }
        }
    }
}
