package org.recurrent4j.datasets;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** An HTTP server on 127.0.0.1 serving fixture bytes, counting requests; never the network. */
final class LocalServer implements AutoCloseable {

    /** How a path is answered. */
    private record Answer(byte[] body, int cutAfter, boolean chunked, long pauseMillis, boolean stall) {}

    private static final int PIECES = 20;

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "local-server");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger started = new AtomicInteger();
    private final CountDownLatch closed = new CountDownLatch(1);

    LocalServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(threads);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            Answer answer = answers.get(exchange.getRequestURI().getPath());
            try (exchange) {
                if (answer == null) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                byte[] body = answer.body;
                exchange.sendResponseHeaders(200, answer.chunked ? 0 : body.length);
                started.incrementAndGet();
                OutputStream out = exchange.getResponseBody();
                int end = answer.cutAfter >= 0 ? answer.cutAfter : body.length;
                int piece = Math.max(1, (end + PIECES - 1) / PIECES);
                for (int at = 0; at < end; at += piece) {
                    out.write(body, at, Math.min(piece, end - at));
                    out.flush();
                    pause(answer.pauseMillis);
                }
                if (answer.stall) {
                    closed.await();
                }
                if (answer.cutAfter >= 0) {
                    // the whole length was announced; hang up after part of it
                    throw new IOException("connection dropped on purpose");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
    }

    private static void pause(long millis) throws InterruptedException {
        if (millis > 0) {
            Thread.sleep(millis);
        }
    }

    /** Serves {@code body} at {@code path}. */
    URI serve(String path, byte[] body) {
        answers.put(path, new Answer(body, -1, false, 0, false));
        return uri(path);
    }

    /** Serves {@code path} announcing {@code body}'s length but sending only {@code bytes} of it. */
    URI serveInterrupted(String path, byte[] body, int bytes) {
        answers.put(path, new Answer(body, bytes, false, 0, false));
        return uri(path);
    }

    /** Serves {@code body} in chunked encoding, without announcing its length. */
    URI serveChunked(String path, byte[] body) {
        answers.put(path, new Answer(body, -1, true, 0, false));
        return uri(path);
    }

    /** Serves {@code body} in {@value #PIECES} pieces spread over about {@code time}. */
    URI serveSlowly(String path, byte[] body, Duration time) {
        answers.put(path, new Answer(body, -1, false, time.toMillis() / PIECES, false));
        return uri(path);
    }

    /** Sends {@code bytes} of {@code body} (announcing all of it), then nothing until the server closes. */
    URI serveStalling(String path, byte[] body, int bytes) {
        answers.put(path, new Answer(body, bytes, false, 0, true));
        return uri(path);
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    int requests() {
        return requests.get();
    }

    /** Waits until {@code n} answers have started sending their body. */
    void awaitBodiesStarted(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (started.get() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + started.get() + " of " + n + " downloads started in " + timeout);
            }
            Thread.sleep(10);
        }
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
