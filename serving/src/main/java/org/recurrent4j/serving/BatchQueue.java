package org.recurrent4j.serving;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model's bounded queue of work and the threads that take it in batches: each worker owns what it
 * computes with (a copy of the network), takes the oldest waiting input and every other one
 * waiting then, up to {@code maxBatch}, and answers them with one call. Nothing waits to fill a
 * batch: under light load a request is computed alone at once, under heavy load the inputs that
 * queued while the workers were busy go through in one forward pass.
 *
 * <pre>
 *   submit(x) ─▶ [ bounded queue: queueLength ] ─▶ worker k: batch = take 1 + drain up to maxBatch − 1
 *                  full ⇒ 503                                 waited &gt; queueTimeout ⇒ 503
 *                                                             outputs = compute_k(batch)
 * </pre>
 *
 * <pre>{@code
 * BatchQueue<int[], double[]> queue = new BatchQueue<>(context, "classify", 32, List.of(batch -> classify(net, batch)));
 * double[] p = queue.submit(tokens).get();
 * }</pre>
 *
 * @param <I> an input
 * @param <O> its output
 */
public final class BatchQueue<I, O> implements AutoCloseable {

    /** Computes the outputs of a batch, in order; one per worker, used by that worker's thread only. */
    @FunctionalInterface
    public interface Compute<I, O> {
        List<O> apply(List<I> inputs) throws Exception;
    }

    private static final Logger LOG = LoggerFactory.getLogger(BatchQueue.class);

    private record Item<I, O>(I input, CompletableFuture<O> result, long enqueued) {}

    private final String model;
    private final String name;
    private final BlockingQueue<Item<I, O>> queue;
    private final int capacity;
    private final int maxBatch;
    private final long timeoutNanos;
    private final ServerMetrics metrics;
    private final List<Thread> workers = new ArrayList<>();
    private final AtomicInteger busy = new AtomicInteger();
    private volatile boolean closed;

    /**
     * Starts one thread per {@code compute}.
     *
     * @param name the queue's name among the model's (its action), in the metrics
     * @param maxBatch the most inputs one call computes (1 for work that is not batched)
     */
    public BatchQueue(ModelContext context, String name, int maxBatch, List<? extends Compute<I, O>> computes) {
        if (computes.isEmpty()) {
            throw new IllegalArgumentException("a queue needs at least one worker");
        }
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1, got " + maxBatch);
        }
        this.model = context.name();
        this.name = name;
        this.capacity = context.limits().queueLength();
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.maxBatch = maxBatch;
        this.timeoutNanos = context.limits().queueTimeout().toNanos();
        this.metrics = context.metrics();
        metrics.queue(model, name, queue::size, busy::get);
        for (int k = 0; k < computes.size(); k++) {
            Compute<I, O> compute = computes.get(k);
            Thread worker = new Thread(() -> work(compute), "model-" + model + "-" + name + "-" + k);
            worker.setDaemon(true);
            workers.add(worker);
            worker.start();
        }
    }

    /**
     * Queues an input.
     *
     * @return its output, when a worker has computed it (or failed: with {@link ApiError} 503 if
     *     it waited longer than the queue timeout)
     * @throws ApiError 503 if the queue is full or closed
     */
    public CompletableFuture<O> submit(I input) throws ApiError {
        if (closed) {
            throw ApiError.unavailable("model " + model + " is shutting down");
        }
        CompletableFuture<O> result = new CompletableFuture<>();
        if (!queue.offer(new Item<>(input, result, System.nanoTime()))) {
            metrics.shed(model, "queue_full");
            throw ApiError.unavailable(
                    "model " + model + " is busy: its queue of " + capacity + " requests is full; retry later");
        }
        return result;
    }

    /**
     * Queues an input and waits for its output.
     *
     * @throws ApiError 503 if the queue is full or the input waited too long; the model's own
     *     failure is rethrown as it was
     */
    public O compute(I input) throws ApiError, InterruptedException {
        return await(submit(input));
    }

    /**
     * Queues every input (they may share a batch, or go to several workers) and waits for their
     * outputs, in order.
     *
     * @throws ApiError 503 if the queue cannot take them all or one waited too long
     */
    public List<O> computeAll(List<I> inputs) throws ApiError, InterruptedException {
        List<CompletableFuture<O>> results = new ArrayList<>(inputs.size());
        try {
            for (I input : inputs) {
                results.add(submit(input));
            }
            List<O> outputs = new ArrayList<>(inputs.size());
            for (CompletableFuture<O> result : results) {
                outputs.add(await(result));
            }
            return outputs;
        } finally {
            // Those not computed yet are skipped by the workers.
            results.forEach(r -> r.cancel(false));
        }
    }

    private O await(CompletableFuture<O> result) throws ApiError, InterruptedException {
        try {
            return result.get();
        } catch (InterruptedException e) {
            result.cancel(false);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ApiError error) {
                throw error;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("model " + model + " failed: " + cause, cause);
        }
    }

    /** Inputs waiting for a worker. */
    public int depth() {
        return queue.size();
    }

    /** Stops taking inputs, lets the workers finish what is queued, then stops them (waiting up to {@code timeout}). */
    public void close(Duration timeout) {
        closed = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread worker : workers) {
            try {
                worker.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Thread worker : workers) {
            worker.interrupt();
        }
        for (Item<I, O> left = queue.poll(); left != null; left = queue.poll()) {
            left.result().completeExceptionally(ApiError.unavailable("model " + model + " is shutting down"));
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }

    private void work(Compute<I, O> compute) {
        List<Item<I, O>> batch = new ArrayList<>(maxBatch);
        while (true) {
            Item<I, O> first;
            try {
                first = queue.poll(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (first == null) {
                if (closed) {
                    return;
                }
                continue;
            }
            batch.clear();
            batch.add(first);
            queue.drainTo(batch, maxBatch - 1);
            List<Item<I, O>> live = new ArrayList<>(batch.size());
            long now = System.nanoTime();
            for (Item<I, O> item : batch) {
                if (item.result().isDone()) {
                    continue; // the client gave up while it waited
                }
                if (now - item.enqueued() > timeoutNanos) {
                    metrics.shed(model, "queue_timeout");
                    item.result()
                            .completeExceptionally(ApiError.unavailable("model " + model + " is busy: the request"
                                    + " waited longer than "
                                    + Duration.ofNanos(timeoutNanos).toMillis()
                                    + " ms for it; retry later"));
                } else {
                    live.add(item);
                }
            }
            if (live.isEmpty()) {
                continue;
            }
            metrics.batch(model, name, live.size());
            busy.incrementAndGet();
            try {
                List<O> outputs = compute.apply(live.stream().map(Item::input).toList());
                if (outputs.size() != live.size()) {
                    throw new IllegalStateException(
                            "a batch of " + live.size() + " inputs gave " + outputs.size() + " outputs");
                }
                for (int i = 0; i < live.size(); i++) {
                    live.get(i).result().complete(outputs.get(i));
                }
            } catch (Exception | OutOfMemoryError | StackOverflowError e) {
                // The worker lives on: one failed batch must not leave the model's queue without a reader.
                LOG.error("model {}: a batch of {} failed", model, live.size(), e);
                for (Item<I, O> item : live) {
                    item.result().completeExceptionally(e);
                }
            } finally {
                busy.decrementAndGet();
            }
        }
    }
}
