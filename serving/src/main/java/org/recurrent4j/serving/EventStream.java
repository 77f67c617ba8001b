package org.recurrent4j.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A stream of events from a model's worker (the producer: a generation emitting each token as it
 * is sampled) to the request thread that writes them to the client as server-sent events (the
 * consumer). The stream holds at most {@code capacity} events; a producer faster than the client
 * waits, and stops when the client has gone ({@link #emit} returns {@code false}).
 *
 * <p>It ends with one {@code done} event (the producer's summary) or one {@code error} event
 * ({@code {"status": ..., "error": ...}}).
 *
 * <pre>{@code
 * EventStream events = new EventStream(limits.maxTokens() + 2);
 * // worker:  if (!events.emit("token", token)) stop;   ...   events.finish(summary);
 * // server:  for (Event e = events.next(timeout); e != null && !e.last(); ...) write(e);
 * }</pre>
 */
public final class EventStream {

    /** An event: its name ({@code token}, {@code done}, {@code error}) and its JSON data. */
    public record Event(String name, JsonNode data) {
        /** Whether it ends the stream. */
        public boolean last() {
            return name.equals(DONE) || name.equals(ERROR);
        }
    }

    /** The name of the last event of a stream that finished. */
    public static final String DONE = "done";
    /** The name of the last event of a stream that failed. */
    public static final String ERROR = "error";

    /** How long a producer waits for a stalled client before it gives up. */
    private static final Duration STALL = Duration.ofSeconds(30);

    private final BlockingQueue<Event> events;
    private volatile boolean cancelled;

    public EventStream(int capacity) {
        this.events = new ArrayBlockingQueue<>(capacity);
    }

    /**
     * Emits an event; waits while the stream is full.
     *
     * @return {@code false} if the client has gone (or stalled longer than 30 s): stop producing
     */
    public boolean emit(String name, JsonNode data) {
        if (cancelled) {
            return false;
        }
        try {
            if (!events.offer(new Event(name, data), STALL.toMillis(), TimeUnit.MILLISECONDS)) {
                cancelled = true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancelled = true;
        }
        return !cancelled;
    }

    /** Ends the stream with a {@code done} event holding {@code summary}. */
    public void finish(JsonNode summary) {
        last(new Event(DONE, summary));
    }

    /** Ends the stream with an {@code error} event. */
    public void fail(ApiError error) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("status", error.status());
        data.put("error", error.getMessage());
        if (error.field() != null) {
            data.put("field", error.field());
        }
        last(new Event(ERROR, data));
    }

    /**
     * Ends the stream with an error event if {@code work} (the producer's job in a model's queue)
     * fails before it has finished the stream itself: it waited too long (503), or the model failed
     * (500).
     */
    public void follow(CompletableFuture<?> work) {
        work.whenComplete((result, failure) -> {
            if (failure instanceof ApiError error) {
                fail(error);
            } else if (failure != null) {
                fail(new ApiError(500, null, "the model failed: " + failure));
            }
        });
    }

    /** The next event, or {@code null} if none came within {@code timeout}. */
    public Event next(Duration timeout) throws InterruptedException {
        return events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The client has gone: the producer's next {@link #emit} returns {@code false}. */
    public void cancel() {
        cancelled = true;
        events.clear();
    }

    /** Whether the client has gone. */
    public boolean cancelled() {
        return cancelled;
    }

    private void last(Event event) {
        if (cancelled) {
            return;
        }
        // The last event always fits: the producer waits for room as for any other.
        try {
            if (!events.offer(event, STALL.toMillis(), TimeUnit.MILLISECONDS)) {
                cancelled = true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancelled = true;
        }
    }
}
