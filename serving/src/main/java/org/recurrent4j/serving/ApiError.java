package org.recurrent4j.serving;

/**
 * A request the server answers with an error instead of a result: its HTTP status, the request
 * field at fault (or {@code null} when no one field is) and a message saying what was wrong and
 * what is accepted. The server writes it as JSON:
 *
 * <pre>{@code
 * HTTP/1.1 400 Bad Request
 * {"status": 400, "field": "temperature", "error": "temperature must be in (0, 10], got -1"}
 * }</pre>
 */
public final class ApiError extends Exception {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String field;

    public ApiError(int status, String field, String message) {
        super(message);
        this.status = status;
        this.field = field;
    }

    /** 400: a malformed request, or a value out of its range. */
    public static ApiError badRequest(String field, String message) {
        return new ApiError(400, field, message);
    }

    /** 413: a body over {@link ServerLimits#maxBodyBytes()}. */
    public static ApiError tooLarge(String field, String message) {
        return new ApiError(413, field, message);
    }

    /** 429: more requests in flight than {@link ServerLimits#maxConcurrent()}; the client should retry later. */
    public static ApiError tooManyRequests(String message) {
        return new ApiError(429, null, message);
    }

    /** 503: a model's queue is full, a request waited too long, or the server is shutting down. */
    public static ApiError unavailable(String message) {
        return new ApiError(503, null, message);
    }

    public int status() {
        return status;
    }

    /** The request field at fault, or {@code null}. */
    public String field() {
        return field;
    }
}
