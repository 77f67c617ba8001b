package org.recurrent4j.serving;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import java.util.Set;

/**
 * One action of a served model, answered at {@code POST /v1/models/{model}/{action}}: what it
 * reads (the fields of its JSON body and their schema), what it answers, how the web page shows
 * it, and the code that answers.
 *
 * <pre>{@code
 * new Endpoint("classify", "Sentiment of one text or a batch", PageForm.TEXT_CLASSIFICATION,
 *         requestSchema, responseSchema, request -> Reply.json(classify(request)));
 * }</pre>
 *
 * @param action the last segment of the path, e.g. {@code classify}
 * @param summary one line for the OpenAPI description and the page
 * @param form how the web page offers it
 * @param requestSchema the OpenAPI (JSON Schema) object of the request body; its {@code
 *     properties} are the fields the endpoint accepts (others are refused)
 * @param responseSchema the OpenAPI schema of a JSON answer
 * @param streams whether it can answer with a stream of server-sent events ({@code "stream":
 *     true} in the body)
 * @param handler the code that answers
 */
public record Endpoint(
        String action,
        String summary,
        PageForm form,
        ObjectNode requestSchema,
        ObjectNode responseSchema,
        boolean streams,
        Handler handler) {

    /** Answers one request; runs on the server's request thread. */
    @FunctionalInterface
    public interface Handler {
        /**
         * @throws ApiError for a request the endpoint refuses (bad field, over a limit, overloaded)
         * @throws InterruptedException if the server is stopping while the request waits
         */
        Reply handle(JsonRequest request) throws ApiError, InterruptedException;
    }

    public Endpoint {
        Objects.requireNonNull(action, "action");
        if (!action.matches("[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("an action is lower-case letters, digits and '-', got '" + action + "'");
        }
        Objects.requireNonNull(requestSchema, "requestSchema");
        Objects.requireNonNull(responseSchema, "responseSchema");
        Objects.requireNonNull(handler, "handler");
    }

    /** The fields the request schema declares: the only ones a request may hold. */
    public Set<String> fields() {
        ObjectNode properties = (ObjectNode) requestSchema.get("properties");
        java.util.Set<String> names = new java.util.TreeSet<>();
        if (properties != null) {
            properties.fieldNames().forEachRemaining(names::add);
        }
        return names;
    }
}
