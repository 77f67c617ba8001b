package org.recurrent4j.serving;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * A request's JSON body, read field by field against the server's limits: each accessor either
 * returns a value in its range or throws {@link ApiError} (400) naming the field, what it holds
 * and what is accepted.
 *
 * <pre>{@code
 * JsonRequest request = JsonRequest.parse(body, limits, Set.of("prime", "length", "temperature"));
 * String prime = request.text("prime");
 * int length = request.integer("length", 200, 1, limits.maxTokens());
 * double temperature = request.number("temperature", 0.8, 0.01, 10);
 * }</pre>
 */
public final class JsonRequest {

    /** The server's JSON reader and writer: numbers and strings bounded in size, duplicate keys refused. */
    public static final ObjectMapper JSON = JsonMapper.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    static {
        JSON.getFactory()
                .setStreamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(32)
                        .maxNumberLength(64)
                        .build());
    }

    private final ObjectNode body;
    private final ServerLimits limits;

    private JsonRequest(ObjectNode body, ServerLimits limits) {
        this.body = body;
        this.limits = limits;
    }

    /**
     * Reads a body: a JSON object whose fields are among {@code fields}.
     *
     * @throws ApiError 400 with field {@code body} for what is not a JSON object, or naming a field
     *     the endpoint does not know
     */
    public static JsonRequest parse(byte[] bytes, ServerLimits limits, Set<String> fields) throws ApiError {
        JsonNode node;
        try {
            node = JSON.readTree(bytes);
        } catch (JacksonException e) {
            throw ApiError.badRequest("body", "the body is not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw ApiError.badRequest("body", "the body could not be read: " + e.getMessage());
        }
        if (node == null || node.isMissingNode()) {
            throw ApiError.badRequest("body", "the body is empty; expected a JSON object");
        }
        if (!(node instanceof ObjectNode object)) {
            throw ApiError.badRequest("body", "the body is a JSON " + type(node) + "; expected a JSON object");
        }
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!fields.contains(name)) {
                throw ApiError.badRequest(
                        name,
                        "unknown field '" + name + "'; this endpoint reads "
                                + String.join(", ", new TreeSet<>(fields)));
            }
        }
        return new JsonRequest(object, limits);
    }

    /** Whether the body has this field (and it is not null). */
    public boolean has(String field) {
        JsonNode value = body.get(field);
        return value != null && !value.isNull();
    }

    /** A required non-empty text of at most {@link ServerLimits#maxTextLength()} characters. */
    public String text(String field) throws ApiError {
        if (!has(field)) {
            throw ApiError.badRequest(field, "missing field '" + field + "': a text");
        }
        return checkedText(field, body.get(field));
    }

    /** A required array of 1 to {@link ServerLimits#maxTexts()} texts, each as {@link #text}. */
    public List<String> texts(String field) throws ApiError {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            throw ApiError.badRequest(field, "missing field '" + field + "': an array of texts");
        }
        if (!value.isArray()) {
            throw ApiError.badRequest(field, field + " is a " + type(value) + "; expected an array of texts");
        }
        if (value.isEmpty() || value.size() > limits.maxTexts()) {
            throw ApiError.badRequest(
                    field, field + " holds " + value.size() + " texts; expected 1 to " + limits.maxTexts());
        }
        List<String> texts = new ArrayList<>(value.size());
        for (int i = 0; i < value.size(); i++) {
            texts.add(checkedText(field + "[" + i + "]", value.get(i)));
        }
        return texts;
    }

    /** A whole number in {@code [min, max]}, or {@code fallback} when absent. */
    public int integer(String field, int fallback, int min, int max) throws ApiError {
        if (!has(field)) {
            return fallback;
        }
        JsonNode value = body.get(field);
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw ApiError.badRequest(
                    field, field + " is " + shown(value) + "; expected a whole number in [" + min + ", " + max + "]");
        }
        int n = value.intValue();
        if (n < min || n > max) {
            throw ApiError.badRequest(
                    field, field + " is " + n + "; expected a whole number in [" + min + ", " + max + "]");
        }
        return n;
    }

    /** A whole number (a seed), or {@code fallback} when absent. */
    public long longInteger(String field, long fallback) throws ApiError {
        if (!has(field)) {
            return fallback;
        }
        JsonNode value = body.get(field);
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw ApiError.badRequest(field, field + " is " + shown(value) + "; expected a whole number");
        }
        return value.longValue();
    }

    /**
     * A finite number with {@code min < x ≤ max} ({@code minInclusive} false) or {@code min ≤ x ≤
     * max}, or {@code fallback} when absent.
     */
    public double number(String field, double fallback, double min, boolean minInclusive, double max) throws ApiError {
        if (!has(field)) {
            return fallback;
        }
        JsonNode value = body.get(field);
        String range = (minInclusive ? "[" : "(") + plain(min) + ", " + plain(max) + "]";
        if (!value.isNumber()) {
            throw ApiError.badRequest(field, field + " is " + shown(value) + "; expected a number in " + range);
        }
        double x = value.doubleValue();
        if (!Double.isFinite(x) || (minInclusive ? x < min : x <= min) || x > max) {
            throw ApiError.badRequest(field, field + " is " + value.asText() + "; expected a number in " + range);
        }
        return x;
    }

    /** {@code true} or {@code false}, or {@code fallback} when absent. */
    public boolean bool(String field, boolean fallback) throws ApiError {
        if (!has(field)) {
            return fallback;
        }
        JsonNode value = body.get(field);
        if (!value.isBoolean()) {
            throw ApiError.badRequest(field, field + " is " + shown(value) + "; expected true or false");
        }
        return value.booleanValue();
    }

    /** One of {@code choices}, or {@code fallback} when absent. */
    public String choice(String field, String fallback, List<String> choices) throws ApiError {
        if (!has(field)) {
            return fallback;
        }
        JsonNode value = body.get(field);
        if (!value.isTextual() || !choices.contains(value.textValue())) {
            throw ApiError.badRequest(field, field + " is " + shown(value) + "; expected one of " + choices);
        }
        return value.textValue();
    }

    /** A required array of 1 to {@link ServerLimits#maxSeriesLength()} finite numbers. */
    public double[] numbers(String field) throws ApiError {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            throw ApiError.badRequest(field, "missing field '" + field + "': an array of numbers");
        }
        if (!value.isArray()) {
            throw ApiError.badRequest(field, field + " is a " + type(value) + "; expected an array of numbers");
        }
        if (value.isEmpty() || value.size() > limits.maxSeriesLength()) {
            throw ApiError.badRequest(
                    field, field + " holds " + value.size() + " values; expected 1 to " + limits.maxSeriesLength());
        }
        double[] xs = new double[value.size()];
        for (int i = 0; i < xs.length; i++) {
            JsonNode x = value.get(i);
            if (!x.isNumber() || !Double.isFinite(x.doubleValue())) {
                throw ApiError.badRequest(
                        field + "[" + i + "]", field + "[" + i + "] is " + shown(x) + "; expected a finite number");
            }
            xs[i] = x.doubleValue();
        }
        return xs;
    }

    /** The server's limits, for checks an endpoint makes itself. */
    public ServerLimits limits() {
        return limits;
    }

    private String checkedText(String field, JsonNode value) throws ApiError {
        if (!value.isTextual()) {
            throw ApiError.badRequest(field, field + " is " + shown(value) + "; expected a text");
        }
        String text = value.textValue();
        if (text.isEmpty()) {
            throw ApiError.badRequest(field, field + " is empty; expected at least one character");
        }
        int length = text.codePointCount(0, text.length());
        if (length > limits.maxTextLength()) {
            throw ApiError.badRequest(
                    field,
                    field + " has " + length + " characters; at most " + limits.maxTextLength() + " are accepted");
        }
        return text;
    }

    /** A value as an error message shows it: short, with its JSON type. */
    private static String shown(JsonNode value) {
        String text = value.toString();
        return "a " + type(value) + " (" + (text.length() > 40 ? text.substring(0, 37) + "..." : text) + ")";
    }

    private static String type(JsonNode value) {
        return value.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static String plain(double x) {
        return x == Math.rint(x) && Math.abs(x) < 1e15 ? Long.toString((long) x) : Double.toString(x);
    }
}
