package org.recurrent4j.serving;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * The OpenAPI 3.0 description of a server, at {@code GET /openapi.json}: its fixed paths (health,
 * metrics, the model list) and one {@code POST} path per endpoint of each model served, with the
 * endpoint's own request and response schemas, so the document describes exactly the server that
 * serves it.
 */
final class OpenApiDocument {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private OpenApiDocument() {}

    static ObjectNode of(Map<String, ServedModel> models, ServerLimits limits) {
        ObjectNode doc = NODES.objectNode();
        doc.put("openapi", "3.0.3");
        ObjectNode info = doc.putObject("info");
        info.put("title", "recurrent4j model server");
        info.put("version", "1");
        info.put(
                "description",
                "Trained recurrent4j models over HTTP. JSON in and out; errors are {status, field, error}. A request"
                        + " over a limit is answered 400 or 413 naming the field; 429 when " + limits.maxConcurrent()
                        + " requests are in flight, 503 when a model's queue of " + limits.queueLength()
                        + " is full or a request waited "
                        + limits.queueTimeout().toMillis() + " ms.");
        ObjectNode paths = doc.putObject("paths");
        paths.set(
                "/health",
                get(
                        "Whether the server is up (200) or shutting down (503), and its models",
                        json(object().put("description", "{status: up|draining, models: {name: kind}}"))));
        ObjectNode metrics = NODES.objectNode();
        metrics.putObject("text/plain").set("schema", object().put("type", "string"));
        paths.set("/metrics", get("Metrics in Prometheus' text exposition format", metrics));
        paths.set(
                "/v1/models",
                get(
                        "The models served: name, kind, description, endpoints",
                        json(NODES.objectNode().put("type", "array").set("items", object()))));
        for (Map.Entry<String, ServedModel> model : models.entrySet()) {
            for (Endpoint endpoint : model.getValue().endpoints()) {
                paths.set("/v1/models/" + model.getKey() + "/" + endpoint.action(), post(model.getKey(), endpoint));
            }
        }
        ObjectNode error = doc.putObject("components").putObject("schemas").putObject("Error");
        error.put("type", "object");
        error.putArray("required").add("status").add("error");
        ObjectNode properties = error.putObject("properties");
        properties.set("status", object().put("type", "integer"));
        properties.set("field", object().put("type", "string").put("description", "the request field at fault"));
        properties.set("error", object().put("type", "string").put("description", "what was wrong"));
        return doc;
    }

    private static ObjectNode post(String model, Endpoint endpoint) {
        ObjectNode operation = NODES.objectNode();
        operation.put("summary", endpoint.summary());
        operation.put("operationId", (model + "_" + endpoint.action()).replaceAll("[^A-Za-z0-9_]", "_"));
        operation.putArray("tags").add(model);
        ObjectNode body = operation.putObject("requestBody");
        body.put("required", true);
        body.putObject("content").putObject("application/json").set("schema", endpoint.requestSchema());
        ObjectNode responses = operation.putObject("responses");
        ObjectNode ok = responses.putObject("200");
        ok.put(
                "description",
                endpoint.streams()
                        ? "the answer; with \"stream\": true, server-sent events: 'token' events as they are"
                                + " made, then one 'done' (the answer) or 'error' event"
                        : "the answer");
        ObjectNode content = ok.putObject("content");
        content.putObject("application/json").set("schema", endpoint.responseSchema());
        if (endpoint.streams()) {
            content.putObject("text/event-stream").set("schema", object().put("type", "string"));
        }
        String[][] errors = {
            {"400", "a malformed request or a value out of range; 'field' names it"},
            {"413", "a body over the size limit"},
            {"429", "too many requests in flight; retry later"},
            {"503", "the model is busy (queue full or waited too long) or the server is shutting down"}
        };
        for (String[] e : errors) {
            ObjectNode response = responses.putObject(e[0]);
            response.put("description", e[1]);
            response.putObject("content")
                    .putObject("application/json")
                    .set("schema", object().put("$ref", "#/components/schemas/Error"));
        }
        ObjectNode path = NODES.objectNode();
        path.set("post", operation);
        return path;
    }

    private static ObjectNode get(String summary, ObjectNode content) {
        ObjectNode operation = NODES.objectNode();
        operation.put("summary", summary);
        ObjectNode ok = operation.putObject("responses").putObject("200");
        ok.put("description", summary);
        ok.set("content", content);
        ObjectNode path = NODES.objectNode();
        path.set("get", operation);
        return path;
    }

    private static ObjectNode json(ObjectNode schema) {
        ObjectNode content = NODES.objectNode();
        content.putObject("application/json").set("schema", schema);
        return content;
    }

    private static ObjectNode object() {
        return NODES.objectNode();
    }
}
