package org.recurrent4j.datasets;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** An HTTP server on 127.0.0.1 serving fixture bytes, counting requests; never the network. */
final class LocalServer implements AutoCloseable {

    private final HttpServer server;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final Map<String, Integer> cutAfter = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();

    LocalServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            byte[] body = files.get(exchange.getRequestURI().getPath());
            try (exchange) {
                if (body == null) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                exchange.sendResponseHeaders(200, body.length);
                OutputStream out = exchange.getResponseBody();
                Integer cut = cutAfter.get(exchange.getRequestURI().getPath());
                out.write(body, 0, cut == null ? body.length : cut);
                out.flush();
                if (cut != null) {
                    // the whole length was announced; hang up after part of it
                    throw new IOException("connection dropped on purpose");
                }
            }
        });
        server.start();
    }

    /** Serves {@code body} at {@code path}. */
    URI serve(String path, byte[] body) {
        files.put(path, body);
        cutAfter.remove(path);
        return uri(path);
    }

    /** Serves {@code path} announcing {@code body}'s length but sending only {@code bytes} of it. */
    URI serveInterrupted(String path, byte[] body, int bytes) {
        files.put(path, body);
        cutAfter.put(path, bytes);
        return uri(path);
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
