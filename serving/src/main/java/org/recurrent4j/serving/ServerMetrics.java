package org.recurrent4j.serving;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.function.IntSupplier;

/**
 * The server's metrics, in Prometheus' text exposition format at {@code GET /metrics} (Micrometer's
 * Prometheus registry):
 *
 * <pre>
 *   recurrent4j_requests_total{model, action, status}        requests answered, by HTTP status
 *   recurrent4j_request_seconds{model, action, quantile}     latency: p50, p90, p99 (and _count, _sum)
 *   recurrent4j_queue_depth{model, queue}                    requests waiting for a worker
 *   recurrent4j_workers_busy{model, queue}                   workers computing
 *   recurrent4j_batch_size{model, queue}                     requests per forward pass (summary)
 *   recurrent4j_shed_total{model, reason}                    refused for load: queue_full, queue_timeout, concurrency
 *   recurrent4j_in_flight                                    requests being answered
 *   jvm_memory_used_bytes{area, id}, jvm_gc_*, jvm_threads_* the JVM's
 * </pre>
 */
public final class ServerMetrics implements AutoCloseable {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();

    public ServerMetrics(IntSupplier inFlight) {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        gc.bindTo(registry);
        Gauge.builder("recurrent4j.in.flight", inFlight::getAsInt)
                .description("requests being answered")
                .register(registry);
    }

    /** Records an answered request. */
    public void request(String model, String action, int status, Duration took) {
        Counter.builder("recurrent4j.requests")
                .description("requests answered")
                .tags("model", model, "action", action, "status", Integer.toString(status))
                .register(registry)
                .increment();
        Timer.builder("recurrent4j.request")
                .description("time to answer a request (a streamed one: to its last event)")
                .tags("model", model, "action", action)
                .publishPercentiles(0.5, 0.9, 0.99)
                .distributionStatisticExpiry(Duration.ofMinutes(1))
                .register(registry)
                .record(took);
    }

    /** Records a request refused for load. */
    public void shed(String model, String reason) {
        Counter.builder("recurrent4j.shed")
                .description("requests refused for load")
                .tags("model", model, "reason", reason)
                .register(registry)
                .increment();
    }

    /** Records the size of a batch a model computed. */
    public void batch(String model, String queue, int size) {
        DistributionSummary.builder("recurrent4j.batch.size")
                .description("requests per forward pass")
                .tags("model", model, "queue", queue)
                .register(registry)
                .record(size);
    }

    /** Registers a model queue's depth and busy workers. */
    public void queue(String model, String queue, IntSupplier depth, IntSupplier busy) {
        Gauge.builder("recurrent4j.queue.depth", depth::getAsInt)
                .description("requests waiting for a worker")
                .tags("model", model, "queue", queue)
                .register(registry);
        Gauge.builder("recurrent4j.workers.busy", busy::getAsInt)
                .description("workers computing")
                .tags("model", model, "queue", queue)
                .register(registry);
    }

    /** The metrics in Prometheus' text format. */
    public String scrape() {
        return registry.scrape();
    }

    /** Removes the JVM's garbage-collection listeners and closes the registry. */
    @Override
    public void close() {
        gc.close();
        registry.close();
    }

    /** Micrometer's registry, for metrics of one's own. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }
}
