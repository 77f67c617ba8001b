package org.recurrent4j.serving;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * HTTP/1.1 on a bare socket, for the tests that must see what a client library hides: whether the
 * server keeps a connection open after a response, and what it says about it.
 */
final class RawExchange {

    /** A response: status, header block (lower-cased names) and body. */
    record Response(int status, String head, String body) {
        /** Whether the server said it closes the connection after this response. */
        boolean closes() {
            return head.lines().anyMatch(line -> line.equalsIgnoreCase("connection: close"));
        }
    }

    private final InputStream in;
    private final OutputStream out;

    RawExchange(Socket socket) throws IOException {
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Sends a POST to the letters model's classify endpoint, with a declared length or in one chunk. */
    void send(String json, boolean chunked) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        String head = "POST /v1/models/letters/classify HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/json\r\n"
                + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + body.length + "\r\n")
                + "\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        if (chunked) {
            out.write((Integer.toHexString(body.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.write("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        } else {
            out.write(body);
        }
        out.flush();
    }

    /**
     * Sends the head of a POST like {@link #send}'s, declaring {@code length} bytes and {@code Expect:
     * 100-continue}, and no body: the client waits to be asked for it.
     */
    void sendHeadExpectingContinue(int length) throws IOException {
        String head = "POST /v1/models/letters/classify HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + length + "\r\nExpect: 100-continue\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /**
     * Sends as {@link #send} on another thread, so that the response can be read while a large body
     * is still being written. A server that stops reading and closes makes the write fail; that is its
     * right, so the failure is not reported.
     */
    Thread sendInBackground(String json, boolean chunked) {
        Thread sender = new Thread(() -> {
            try {
                send(json, chunked);
            } catch (IOException refusedMidway) {
                // The server answered before the whole body arrived and closed the connection.
            }
        });
        sender.start();
        return sender;
    }

    /** Reads one response with a declared length; fails on a connection closed before its end. */
    Response read() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the connection closed after " + head.size() + " bytes of a response head");
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        int status = Integer.parseInt(text.substring(9, 12));
        int length = text.lines()
                .filter(line -> line.toLowerCase(Locale.ROOT).startsWith("content-length:"))
                .map(line -> Integer.parseInt(line.substring(15).trim()))
                .findFirst()
                .orElseThrow(() -> new IOException("no Content-Length in " + text));
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            throw new EOFException("the connection closed after " + body.length + " of " + length + " body bytes");
        }
        return new Response(status, text, new String(body, StandardCharsets.UTF_8));
    }
}
