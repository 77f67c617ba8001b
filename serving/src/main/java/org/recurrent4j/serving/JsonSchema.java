package org.recurrent4j.serving;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Builds the OpenAPI schemas (JSON Schema objects) of endpoints' requests and answers.
 *
 * <pre>{@code
 * ObjectNode request = JsonSchema.object("A text to classify")
 *         .set("properties", ...);
 * JsonSchema.property(request, "text", JsonSchema.string("the sentence", 2000), true);
 * }</pre>
 */
public final class JsonSchema {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonSchema() {}

    /** An object schema with no properties yet. */
    public static ObjectNode object(String description) {
        ObjectNode schema = NODES.objectNode();
        schema.put("type", "object");
        schema.put("description", description);
        schema.putObject("properties");
        return schema;
    }

    /** Adds a property to an object schema (and to its required list); returns the object schema. */
    public static ObjectNode property(ObjectNode object, String name, ObjectNode schema, boolean required) {
        object.withObject("properties").set(name, schema);
        if (required) {
            object.withArray("required").add(name);
        }
        return object;
    }

    /** A text of at most {@code maxLength} characters. */
    public static ObjectNode string(String description, int maxLength) {
        ObjectNode schema = NODES.objectNode();
        schema.put("type", "string");
        schema.put("description", description);
        schema.put("minLength", 1);
        schema.put("maxLength", maxLength);
        return schema;
    }

    /** A text without a length limit (in an answer). */
    public static ObjectNode string(String description) {
        ObjectNode schema = NODES.objectNode();
        schema.put("type", "string");
        schema.put("description", description);
        return schema;
    }

    /** A whole number in {@code [min, max]}. */
    public static ObjectNode integer(String description, long min, long max) {
        ObjectNode schema = NODES.objectNode();
        schema.put("type", "integer");
        schema.put("description", description);
        schema.put("minimum", min);
        schema.put("maximum", max);
        return schema;
    }

    /** A number in {@code [min, max]}, or {@code (min, max]} if {@code minExclusive}. */
    public static ObjectNode number(String description, double min, boolean minExclusive, double max) {
        ObjectNode schema = NODES.objectNode();
        schema.put("type", "number");
        schema.put("description", description);
        schema.put("minimum", min);
        if (minExclusive) {
            schema.put("exclusiveMinimum", true);
        }
        schema.put("maximum", max);
        return schema;
    }

    /** A number (in an answer). */
    public static ObjectNode number(String description) {
        ObjectNode schema = NODES.objectNode();
        schema.put("type", "number");
        schema.put("description", description);
        return schema;
    }

    /** {@code true} or {@code false}. */
    public static ObjectNode bool(String description) {
        ObjectNode schema = NODES.objectNode();
        schema.put("type", "boolean");
        schema.put("description", description);
        return schema;
    }

    /** One of {@code values}. */
    public static ObjectNode choice(String description, String... values) {
        ObjectNode schema = NODES.objectNode();
        schema.put("type", "string");
        schema.put("description", description);
        for (String value : values) {
            schema.withArray("enum").add(value);
        }
        return schema;
    }

    /** An array of 1 to {@code maxItems} items. */
    public static ObjectNode array(String description, ObjectNode items, int maxItems) {
        ObjectNode schema = NODES.objectNode();
        schema.put("type", "array");
        schema.put("description", description);
        schema.set("items", items);
        schema.put("minItems", 1);
        schema.put("maxItems", maxItems);
        return schema;
    }

    /** An array (in an answer). */
    public static ObjectNode array(String description, ObjectNode items) {
        ObjectNode schema = NODES.objectNode();
        schema.put("type", "array");
        schema.put("description", description);
        schema.set("items", items);
        return schema;
    }

    /** An object whose values follow {@code values} (a map, in an answer). */
    public static ObjectNode map(String description, ObjectNode values) {
        ObjectNode schema = NODES.objectNode();
        schema.put("type", "object");
        schema.put("description", description);
        schema.set("additionalProperties", values);
        return schema;
    }
}
