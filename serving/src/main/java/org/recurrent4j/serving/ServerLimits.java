package org.recurrent4j.serving;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * What the server accepts and how much work it holds at once. Every limit has a default and is
 * checked before a request reaches a network: a request over a limit is answered {@code 400} or
 * {@code 413} with the field named ({@link ApiError}), and work beyond the server's capacity is
 * shed with {@code 429} or {@code 503} instead of waiting in an unbounded queue.
 *
 * <pre>
 *   request body            ≤ maxBodyBytes                     else 413, field "body"
 *   one text                ≤ maxTextLength characters          else 400, field "text"
 *   texts in one request    ≤ maxTexts                          else 400, field "texts"
 *   tokens to generate      ≤ maxTokens                         else 400, field "length"
 *   series values           ≤ maxSeriesLength                   else 400, field "values"
 *   beam width              ≤ maxBeam                           else 400, field "beam"
 *   requests in flight      ≤ maxConcurrent (all models)        else 429
 *   waiting for a model     ≤ queueLength (each model)          else 503
 *   time waiting in queue   ≤ queueTimeout                      else 503
 * </pre>
 *
 * <pre>{@code
 * ServerLimits limits = ServerLimits.defaults().withMaxConcurrent(32).withQueueLength(64);
 * }</pre>
 *
 * @param maxBodyBytes the largest request body, in bytes
 * @param maxTextLength the longest text (a sentence, a prime, a source), in characters
 * @param maxTexts the most texts one classification request may hold
 * @param maxTokens the most tokens one generation may ask for
 * @param maxSeriesLength the most values of one time series
 * @param maxBeam the widest beam of a beam-search decoding
 * @param maxConcurrent requests the server handles at once, across models (a streamed generation
 *     counts until its last token)
 * @param queueLength requests that may wait for each model's workers
 * @param queueTimeout the longest a request may wait for a worker before it is answered 503
 * @param maxBatch the most requests one forward pass of a batching model joins
 * @param workers the threads (each with its own copy of the network) of each model
 * @param shutdownTimeout how long closing the server waits for requests in flight to finish
 */
public record ServerLimits(
        int maxBodyBytes,
        int maxTextLength,
        int maxTexts,
        int maxTokens,
        int maxSeriesLength,
        int maxBeam,
        int maxConcurrent,
        int queueLength,
        Duration queueTimeout,
        int maxBatch,
        int workers,
        Duration shutdownTimeout) {

    public ServerLimits {
        positive("maxBodyBytes", maxBodyBytes);
        positive("maxTextLength", maxTextLength);
        positive("maxTexts", maxTexts);
        positive("maxTokens", maxTokens);
        positive("maxSeriesLength", maxSeriesLength);
        positive("maxBeam", maxBeam);
        positive("maxConcurrent", maxConcurrent);
        positive("queueLength", queueLength);
        positive("maxBatch", maxBatch);
        positive("workers", workers);
        if (queueTimeout.isNegative() || queueTimeout.isZero()) {
            throw new IllegalArgumentException("queueTimeout must be positive, got " + queueTimeout);
        }
        if (shutdownTimeout.isNegative()) {
            throw new IllegalArgumentException("shutdownTimeout must be 0 or more, got " + shutdownTimeout);
        }
    }

    /** The defaults: 64 KiB bodies, texts of 2,000 characters, 64 requests in flight, 128 waiting per model. */
    public static ServerLimits defaults() {
        return new ServerLimits(
                64 * 1024,
                2_000,
                64,
                2_000,
                10_000,
                16,
                64,
                128,
                Duration.ofSeconds(10),
                32,
                1,
                Duration.ofSeconds(30));
    }

    public ServerLimits withMaxBodyBytes(int value) {
        return changed(v -> v.maxBodyBytes = value);
    }

    public ServerLimits withMaxTextLength(int value) {
        return changed(v -> v.maxTextLength = value);
    }

    public ServerLimits withMaxTexts(int value) {
        return changed(v -> v.maxTexts = value);
    }

    public ServerLimits withMaxTokens(int value) {
        return changed(v -> v.maxTokens = value);
    }

    public ServerLimits withMaxSeriesLength(int value) {
        return changed(v -> v.maxSeriesLength = value);
    }

    public ServerLimits withMaxBeam(int value) {
        return changed(v -> v.maxBeam = value);
    }

    public ServerLimits withMaxConcurrent(int value) {
        return changed(v -> v.maxConcurrent = value);
    }

    public ServerLimits withQueueLength(int value) {
        return changed(v -> v.queueLength = value);
    }

    public ServerLimits withQueueTimeout(Duration value) {
        return changed(v -> v.queueTimeout = value);
    }

    public ServerLimits withMaxBatch(int value) {
        return changed(v -> v.maxBatch = value);
    }

    public ServerLimits withWorkers(int value) {
        return changed(v -> v.workers = value);
    }

    public ServerLimits withShutdownTimeout(Duration value) {
        return changed(v -> v.shutdownTimeout = value);
    }

    /** These limits with {@code change} applied to a copy of their values. */
    private ServerLimits changed(Consumer<Values> change) {
        Values values = new Values(this);
        change.accept(values);
        return values.limits();
    }

    /** The limits' values, to change one of them. */
    private static final class Values {
        int maxBodyBytes;
        int maxTextLength;
        int maxTexts;
        int maxTokens;
        int maxSeriesLength;
        int maxBeam;
        int maxConcurrent;
        int queueLength;
        Duration queueTimeout;
        int maxBatch;
        int workers;
        Duration shutdownTimeout;

        Values(ServerLimits limits) {
            maxBodyBytes = limits.maxBodyBytes;
            maxTextLength = limits.maxTextLength;
            maxTexts = limits.maxTexts;
            maxTokens = limits.maxTokens;
            maxSeriesLength = limits.maxSeriesLength;
            maxBeam = limits.maxBeam;
            maxConcurrent = limits.maxConcurrent;
            queueLength = limits.queueLength;
            queueTimeout = limits.queueTimeout;
            maxBatch = limits.maxBatch;
            workers = limits.workers;
            shutdownTimeout = limits.shutdownTimeout;
        }

        ServerLimits limits() {
            return new ServerLimits(
                    maxBodyBytes,
                    maxTextLength,
                    maxTexts,
                    maxTokens,
                    maxSeriesLength,
                    maxBeam,
                    maxConcurrent,
                    queueLength,
                    queueTimeout,
                    maxBatch,
                    workers,
                    shutdownTimeout);
        }
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + value);
        }
    }
}
