package org.recurrent4j.serving;

import com.fasterxml.jackson.databind.JsonNode;

/** What an {@link Endpoint} answers: a JSON document, or a stream of server-sent events. */
public sealed interface Reply {

    /** A JSON answer, status 200. */
    record Json(JsonNode body) implements Reply {}

    /** Server-sent events ({@code text/event-stream}), written as the producer emits them. */
    record Stream(EventStream events) implements Reply {}

    static Reply json(JsonNode body) {
        return new Json(body);
    }

    static Reply stream(EventStream events) {
        return new Stream(events);
    }
}
