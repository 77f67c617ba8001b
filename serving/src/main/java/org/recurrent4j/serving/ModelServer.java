package org.recurrent4j.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP server of trained models (Javalin on Jetty): each {@link ServedModel}'s endpoints at
 * {@code POST /v1/models/{name}/{action}}, JSON in and out (server-sent events for a streamed
 * generation), and beside them:
 *
 * <pre>
 *   GET /                  the web page (try each model in a browser)
 *   GET /health            {"status": "up", "models": {...}}; 503 {"status": "draining"} while closing
 *   GET /metrics           Prometheus text format ({@link ServerMetrics})
 *   GET /openapi.json      the OpenAPI 3.0 description of exactly these models' endpoints
 *   GET /v1/models         the models: name, kind, description, endpoints, info
 * </pre>
 *
 * <p>Every request is bounded ({@link ServerLimits}): the body's size is checked before it is
 * parsed, each field against its range, the requests in flight against {@code maxConcurrent}
 * (beyond: 429 at once), each model's queue against {@code queueLength} (beyond: 503 at once).
 * Jetty's own thread pool and job queue are bounded too. {@link #close()} shuts down gracefully:
 * new requests get 503, requests in flight (streams included) finish, then the server and the
 * models' workers stop.
 *
 * <pre>{@code
 * ModelServer.Builder builder = ModelServer.builder(ServerLimits.defaults()).port(8080);
 * builder.model("sst", new MySentimentModel(builder.context("sst"), dir));
 * try (ModelServer server = builder.start()) {
 *     System.out.println("serving at " + server.uri());
 *     server.awaitClose();
 * }
 * }</pre>
 */
public final class ModelServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelServer.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String JSON_TYPE = "application/json";
    private static final String WEB = "/org/recurrent4j/serving/web";
    /** The most bytes of a body refused for its size that are read and dropped before the 413 (2 MiB). */
    private static final long SWALLOWED_BYTES = 2L << 20;

    private final Map<String, ServedModel> models;
    private final ServerLimits limits;
    private final ServerMetrics metrics;
    private final Semaphore permits;
    private final AtomicInteger inFlight;
    private final Javalin app;
    private final Object closing = new Object();
    private volatile boolean draining;
    private boolean closed;
    private URI uri;

    private ModelServer(Builder builder) {
        this.models = new LinkedHashMap<>(builder.models);
        this.limits = builder.limits;
        this.metrics = builder.metrics;
        this.inFlight = builder.inFlight;
        this.permits = new Semaphore(limits.maxConcurrent());
        ObjectNode openApi = OpenApiDocument.of(models, limits);
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jetty.host = builder.host;
            config.jetty.port = builder.port;
            // Threads for every admitted request and a margin for health, metrics and the page. Jetty's job
            // queue is bounded by the connections it holds open: at most 4 per admitted request, and 64 more.
            QueuedThreadPool threads = new QueuedThreadPool(limits.maxConcurrent() + 16, 8);
            threads.setName("model-server");
            config.jetty.threadPool = threads;
            config.jetty.modifyServer(server -> {
                // close() lets the requests in flight finish before it stops Jetty; Jetty's own graceful stop
                // would then wait for idle keep-alive connections too, until they time out.
                server.setStopTimeout(0);
                server.addBean(new NetworkConnectionLimit(4 * limits.maxConcurrent() + 64, server));
            });
            config.http.prefer405over404 = true;
            config.http.maxRequestSize = limits.maxBodyBytes();
            config.staticFiles.add(WEB, Location.CLASSPATH);
            config.routes.get("/health", this::health);
            config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                    .result(metrics.scrape()));
            config.routes.get("/openapi.json", ctx -> json(ctx, 200, openApi));
            config.routes.get("/v1/models", ctx -> json(ctx, 200, modelList()));
            for (Map.Entry<String, ServedModel> model : models.entrySet()) {
                for (Endpoint endpoint : model.getValue().endpoints()) {
                    String path = "/v1/models/" + model.getKey() + "/" + endpoint.action();
                    config.routes.post(path, ctx -> answer(ctx, model.getKey(), endpoint));
                }
            }
            config.routes.error(404, ctx -> {
                if (!ctx.path().startsWith(WEB)) {
                    error(
                            ctx,
                            new ApiError(
                                    404,
                                    null,
                                    "no such endpoint: " + ctx.method() + " " + ctx.path()
                                            + " (GET /openapi.json lists them)"));
                }
            });
            config.routes.error(
                    405,
                    ctx -> error(
                            ctx,
                            new ApiError(
                                    405,
                                    null,
                                    ctx.method() + " is not allowed on " + ctx.path()
                                            + " (GET /openapi.json lists the methods)")));
        });
    }

    /** A builder of a server with these limits. */
    public static Builder builder(ServerLimits limits) {
        return new Builder(limits);
    }

    /** Builds a server: its models (made with {@link #context}), address and limits. */
    public static final class Builder {
        private final ServerLimits limits;
        private final AtomicInteger inFlight = new AtomicInteger();
        private final ServerMetrics metrics;
        private final Map<String, ServedModel> models = new LinkedHashMap<>();
        private String host = "127.0.0.1";
        private int port = 8080;

        private Builder(ServerLimits limits) {
            this.limits = limits;
            this.metrics = new ServerMetrics(inFlight::get);
        }

        /** What a model named {@code name} gets from this server: limits and metrics. */
        public ModelContext context(String name) {
            return new ModelContext(name, limits, metrics);
        }

        /** Serves {@code model} under {@code name} (made with {@link #context(String)}). */
        public Builder model(String name, ServedModel model) {
            new ModelContext(name, limits, metrics);
            if (models.putIfAbsent(name, model) != null) {
                throw new IllegalArgumentException("two models are named '" + name + "'");
            }
            return this;
        }

        /** The address to listen on (default 127.0.0.1: this machine only; 0.0.0.0 for every interface). */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** The port (default 8080; 0 for any free port). */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("a port is in [0, 65535], got " + port);
            }
            this.port = port;
            return this;
        }

        /** Starts the server; its models are closed with it. */
        public ModelServer start() {
            if (models.isEmpty()) {
                throw new IllegalStateException("no model to serve");
            }
            ModelServer server = new ModelServer(this);
            server.app.start();
            ServerConnector connector =
                    (ServerConnector) server.app.jettyServer().server().getConnectors()[0];
            String address = connector.getHost() == null || connector.getHost().equals("0.0.0.0")
                    ? "127.0.0.1"
                    : connector.getHost();
            server.uri = URI.create("http://" + address + ":" + connector.getLocalPort() + "/");
            return server;
        }
    }

    /** The port listened on (the one chosen, for port 0). */
    public int port() {
        return uri.getPort();
    }

    /** The server's address, e.g. {@code http://127.0.0.1:8080/}. */
    public URI uri() {
        return uri;
    }

    /** The metrics, as served at {@code /metrics}. */
    public ServerMetrics metrics() {
        return metrics;
    }

    /** Requests being answered now. */
    public int inFlight() {
        return inFlight.get();
    }

    /** Waits until {@link #close()} has finished (from another thread, e.g. a shutdown hook). */
    public void awaitClose() throws InterruptedException {
        synchronized (closing) {
            while (!closed) {
                closing.wait();
            }
        }
    }

    /**
     * Shuts down gracefully: from now on model requests get 503 and {@code /health} says {@code
     * draining}; requests in flight finish (up to {@link ServerLimits#shutdownTimeout()}); then the
     * server stops and the models' workers with it.
     */
    @Override
    public void close() {
        synchronized (closing) {
            if (closed) {
                return;
            }
            draining = true;
            long deadline = System.nanoTime() + limits.shutdownTimeout().toNanos();
            while (inFlight.get() > 0 && System.nanoTime() < deadline) {
                try {
                    closing.wait(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (inFlight.get() > 0) {
                LOG.warn(
                        "{} requests still in flight after {}; stopping anyway",
                        inFlight.get(),
                        limits.shutdownTimeout());
            }
            try {
                app.stop();
            } finally {
                for (ServedModel model : models.values()) {
                    model.close();
                }
                metrics.close();
                closed = true;
                closing.notifyAll();
            }
        }
    }

    private void health(Context ctx) {
        ObjectNode body = NODES.objectNode();
        body.put("status", draining ? "draining" : "up");
        ObjectNode kinds = body.putObject("models");
        models.forEach((name, model) -> kinds.put(name, model.kind()));
        json(ctx, draining ? 503 : 200, body);
    }

    private ArrayNode modelList() {
        ArrayNode list = NODES.arrayNode();
        models.forEach((name, model) -> {
            ObjectNode entry = list.addObject();
            entry.put("name", name);
            entry.put("kind", model.kind());
            entry.put("description", model.description());
            entry.set("info", model.info());
            ArrayNode endpoints = entry.putArray("endpoints");
            for (Endpoint endpoint : model.endpoints()) {
                ObjectNode e = endpoints.addObject();
                e.put("action", endpoint.action());
                e.put("path", "/v1/models/" + name + "/" + endpoint.action());
                e.put("summary", endpoint.summary());
                e.put("form", endpoint.form().name());
                e.put("streams", endpoint.streams());
                e.set("request", endpoint.requestSchema());
            }
        });
        return list;
    }

    private void answer(Context ctx, String model, Endpoint endpoint) {
        long start = System.nanoTime();
        int status = 500;
        // Counted before draining is read, so that close() cannot miss a request admitted just as it begins.
        inFlight.incrementAndGet();
        if (draining) {
            closeUnread(ctx);
            status = error(ctx, ApiError.unavailable("the server is shutting down"));
            inFlight.decrementAndGet();
            metrics.request(model, endpoint.action(), status, Duration.ofNanos(System.nanoTime() - start));
            return;
        }
        if (!permits.tryAcquire()) {
            metrics.shed(model, "concurrency");
            closeUnread(ctx);
            ctx.header("Retry-After", "1");
            status = error(
                    ctx,
                    ApiError.tooManyRequests(
                            "too many requests in flight (" + limits.maxConcurrent() + "); retry later"));
            inFlight.decrementAndGet();
            metrics.request(model, endpoint.action(), status, Duration.ofNanos(System.nanoTime() - start));
            return;
        }
        try {
            JsonRequest request = JsonRequest.parse(body(ctx), limits, endpoint.fields());
            Reply reply = endpoint.handler().handle(request);
            if (reply instanceof Reply.Json answer) {
                status = json(ctx, 200, answer.body());
            } else {
                status = stream(ctx, ((Reply.Stream) reply).events());
            }
        } catch (ApiError e) {
            if (e.status() == 503) {
                ctx.header("Retry-After", "1");
            }
            status = error(ctx, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = error(ctx, ApiError.unavailable("the server is shutting down"));
        } catch (RuntimeException e) {
            LOG.error("{} {} failed", model, endpoint.action(), e);
            status = error(ctx, new ApiError(500, null, "the model failed to answer: " + e));
        } finally {
            inFlight.decrementAndGet();
            permits.release();
            metrics.request(model, endpoint.action(), status, Duration.ofNanos(System.nanoTime() - start));
        }
    }

    /**
     * Marks the answer to a request whose body is left unread as the connection's last. Jetty closes
     * such a connection once it has answered, unless the rest of the body had already arrived; a
     * client that was not told would send its next request on the closed connection and get nothing.
     */
    private static void closeUnread(Context ctx) {
        ctx.header("Connection", "close");
    }

    /** The body, read only up to the size limit. */
    private byte[] body(Context ctx) throws ApiError {
        long declared = ctx.req().getContentLengthLong();
        String overDeclared = "the body has " + declared + " bytes; at most " + limits.maxBodyBytes() + " are accepted";
        // A client that expects "100 Continue" has not sent the body: opening the input would ask it to.
        boolean unsent = "100-continue".equalsIgnoreCase(ctx.header("Expect"));
        if (declared > limits.maxBodyBytes() && (declared > SWALLOWED_BYTES || unsent)) {
            throw refuseTooLarge(ctx, null, overDeclared);
        }
        byte[] bytes;
        try (InputStream in = ctx.req().getInputStream()) {
            if (declared > limits.maxBodyBytes()) {
                throw refuseTooLarge(ctx, in, overDeclared);
            }
            bytes = in.readNBytes(limits.maxBodyBytes() + 1);
            if (bytes.length > limits.maxBodyBytes()) {
                throw refuseTooLarge(
                        ctx, in, "the body has more than " + limits.maxBodyBytes() + " bytes, the most accepted");
            }
        } catch (IOException e) {
            throw ApiError.badRequest("body", "the body could not be read: " + e.getMessage());
        }
        return bytes;
    }

    /**
     * The 413 for a body over the size limit, after reading and dropping the rest of it from {@code
     * in}, up to {@link #SWALLOWED_BYTES}. A connection closed with a body unread is reset, and the
     * reset can reach the client before the answer, which it then never reads. A body declared longer
     * than that, or not sent yet ({@code in} null), is left unread, and its connection closed.
     */
    private static ApiError refuseTooLarge(Context ctx, InputStream in, String message) {
        boolean drained = false;
        if (in != null) {
            try {
                long left = SWALLOWED_BYTES;
                while (left > 0 && in.read() >= 0) {
                    left -= 1 + in.skip(left - 1);
                }
                drained = left > 0;
            } catch (IOException e) {
                // The client stopped sending: the connection is closed below.
            }
        }
        if (!drained) {
            closeUnread(ctx);
        }
        return ApiError.tooLarge("body", message);
    }

    /**
     * Writes the events as they come. The status is sent with the first event: a stream whose first
     * event is an error (the request waited too long in the queue) is that error's HTTP status.
     */
    private int stream(Context ctx, EventStream events) throws InterruptedException {
        // Tokens come every few milliseconds once a worker has the request; the first may wait for the queue.
        Duration patience = limits.queueTimeout().plusSeconds(60);
        EventStream.Event event = events.next(patience);
        if (event == null) {
            events.cancel();
            return error(ctx, ApiError.unavailable("no answer from the model within " + patience.toSeconds() + " s"));
        }
        if (event.name().equals(EventStream.ERROR)) {
            return error(ctx, errorOf(event.data()));
        }
        ctx.status(200);
        ctx.res().setContentType("text/event-stream; charset=utf-8");
        ctx.res().setHeader("Cache-Control", "no-cache");
        int status = 200;
        try {
            OutputStream out = ctx.res().getOutputStream();
            while (true) {
                out.write(("event: " + event.name() + "\ndata: " + JsonRequest.JSON.writeValueAsString(event.data())
                                + "\n\n")
                        .getBytes(StandardCharsets.UTF_8));
                out.flush();
                if (event.last()) {
                    if (event.name().equals(EventStream.ERROR)) {
                        status = event.data().path("status").asInt(500);
                    }
                    return status;
                }
                event = events.next(patience);
                if (event == null) {
                    events.cancel();
                    return 503;
                }
            }
        } catch (IOException e) {
            // The client has gone: the producer stops at its next token.
            events.cancel();
            return 499;
        }
    }

    private static ApiError errorOf(JsonNode data) {
        return new ApiError(
                data.path("status").asInt(500),
                data.hasNonNull("field") ? data.get("field").asText() : null,
                data.path("error").asText("failed"));
    }

    /**
     * Writes a JSON answer at once instead of leaving it to Javalin for after the handler: {@link #close()}
     * stops Jetty as soon as no request is in flight, which would cut off an answer still waiting to be
     * written. Returns the status, or 499 when the client has gone.
     */
    private static int json(Context ctx, int status, JsonNode body) {
        byte[] bytes;
        try {
            bytes = JsonRequest.JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("a JSON answer could not be written", e);
        }
        ctx.status(status);
        ctx.res().setContentType(JSON_TYPE);
        ctx.res().setContentLength(bytes.length);
        try {
            OutputStream out = ctx.res().getOutputStream();
            out.write(bytes);
            out.flush();
            return status;
        } catch (IOException e) {
            return 499;
        }
    }

    private static int error(Context ctx, ApiError e) {
        ObjectNode body = NODES.objectNode();
        body.put("status", e.status());
        if (e.field() != null) {
            body.put("field", e.field());
        }
        body.put("error", e.getMessage());
        return json(ctx, e.status(), body);
    }
}
