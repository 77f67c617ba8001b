package org.recurrent4j.kernel;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The threads that run {@link RowParallel#split}'s chunks besides the caller's own: one per core
 * but one, started on first use, daemons. A worker waits for its next chunk spinning for {@value
 * #SPIN_NANOS} ns (yielding the core on each turn) before it parks, and so does the caller for the
 * workers' chunks.
 *
 * <p>Why not the common {@code ForkJoinPool}: a recurrent pass splits each step (its product, its
 * element-wise loop), so a pass of 100 steps hands work to another core hundreds of times, each a
 * few tens of µs apart. The pool parks its idle workers at once, and waking one cost about 30 µs
 * per hand-off here (a split of 2 × 50 µs of work took 80 µs); a worker still waiting takes the
 * next chunk in a few µs (53 µs). The wait is bounded, so an idle team costs nothing once a pass
 * is over. It is long enough to span a batch-1 token of {@code rnnTimeStep} (40–300 µs, one split
 * or more): with a 50 µs wait the worker had parked by the next token, and waking it (a futex call,
 * 15–20 µs on the calling thread here) cost more than the split saved. It yields the core on each
 * turn rather than spinning on it: with a pure spin, a training step at times took 1.4× as long
 * (the spinning thread held a core that another thread of the process, DL4J's or the JVM's, was
 * waiting for). Measured alternately against the pool
 * (docs/benchmarks.md): an LSTM inference at batch 32, T 100, H 256 went from about 47 to 36 ms,
 * GRU training from 107 to 87 ms.
 *
 * <p>A chunk that no worker has started by the time the caller has finished its own, the caller
 * takes back and runs itself: a worker still waking from its park, or descheduled for another
 * thread, then does not hold the caller up. A worker that wakes to find its chunk taken spins again
 * for the full wait before it parks, so the next split finds it ready.
 *
 * <p>One caller at a time: {@link #claim} fails while another thread's split runs (or when a chunk
 * itself splits), and that caller runs its loop alone, on cores that are busy anyway.
 */
final class RowTeam {

    /** How long a worker, or a caller waiting for the workers, keeps polling before it parks. */
    static final long SPIN_NANOS = 200_000;

    private final Worker[] workers;
    private final AtomicBoolean claimed = new AtomicBoolean();

    RowTeam(int size) {
        this(size, true);
    }

    /** A team whose workers are started, or (for tests) never run, so that the caller takes every chunk back. */
    RowTeam(int size, boolean start) {
        workers = new Worker[size];
        for (int i = 0; i < size; i++) {
            workers[i] = new Worker(i + 1);
            if (start) {
                workers[i].start();
            }
        }
    }

    /** Takes the team for one split; false while another split holds it. */
    boolean claim() {
        return claimed.compareAndSet(false, true);
    }

    /**
     * Runs {@code body} over {@code [0, rows)} in {@code chunks} contiguous chunks (at most one more
     * than the workers): the first on the calling thread, the others on the workers. Returns when all
     * are done, and releases the claim; a failure in any chunk is thrown here, after every chunk
     * has finished.
     */
    void run(int rows, int chunks, RowParallel.Rows body) {
        try {
            for (int c = 1; c < chunks; c++) {
                workers[c - 1].hand(body, bound(rows, chunks, c), bound(rows, chunks, c + 1));
            }
            Throwable failure = null;
            try {
                body.run(0, bound(rows, chunks, 1));
            } catch (RuntimeException | Error e) {
                failure = e;
            }
            for (int c = 1; c < chunks; c++) {
                Throwable other = workers[c - 1].await();
                if (failure == null) {
                    failure = other;
                } else if (other != null) {
                    failure.addSuppressed(other);
                }
            }
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            if (failure instanceof Error e) {
                throw e;
            }
        } finally {
            claimed.set(false);
        }
    }

    private static int bound(int rows, int chunks, int c) {
        return (int) ((long) rows * c / chunks);
    }

    private static final class Worker extends Thread {
        private static final VarHandle BODY;

        static {
            try {
                BODY = MethodHandles.lookup().findVarHandle(Worker.class, "body", RowParallel.Rows.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private volatile RowParallel.Rows body;
        private volatile boolean done = true;
        private volatile Thread waiter;
        private volatile Throwable failure;
        private int from;
        private int to;

        Worker(int index) {
            super("recurrent4j-rows-" + index);
            setDaemon(true);
        }

        /** Gives the worker rows {@code [from, to)} of {@code work}. */
        void hand(RowParallel.Rows work, int from, int to) {
            this.from = from;
            this.to = to;
            failure = null;
            done = false;
            body = work; // the volatile write that publishes the fields above
            LockSupport.unpark(this);
        }

        /**
         * Waits for the chunk handed last, or runs it on the calling thread if the worker has not
         * taken it yet; returns what it threw, if anything.
         */
        Throwable await() {
            RowParallel.Rows untaken = body;
            if (untaken != null && BODY.compareAndSet(this, untaken, null)) {
                try {
                    untaken.run(from, to);
                } catch (RuntimeException | Error e) {
                    failure = e;
                }
                done = true;
                return failure;
            }
            long until = System.nanoTime() + SPIN_NANOS;
            while (!done) {
                if (System.nanoTime() < until) {
                    Thread.yield();
                } else {
                    waiter = Thread.currentThread();
                    if (!done) {
                        LockSupport.park(this);
                    }
                }
            }
            waiter = null;
            return failure;
        }

        @Override
        public void run() {
            while (true) {
                long until = System.nanoTime() + SPIN_NANOS;
                RowParallel.Rows work;
                while ((work = body) == null) {
                    if (System.nanoTime() < until) {
                        Thread.yield();
                    } else {
                        LockSupport.park(this);
                        until = System.nanoTime() + SPIN_NANOS;
                    }
                }
                if (!BODY.compareAndSet(this, work, null)) {
                    continue; // the caller took the chunk back
                }
                try {
                    work.run(from, to);
                } catch (RuntimeException | Error e) {
                    failure = e;
                }
                done = true;
                Thread caller = waiter;
                if (caller != null) {
                    LockSupport.unpark(caller);
                }
            }
        }
    }
}
