package org.recurrent4j.serving;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A trained model as the server offers it: its kind, a description, its endpoints (each reads and
 * checks its own JSON and answers through the model's workers), and its resources to release.
 * A kind of model (a sentence classifier, a character language model, ...) implements it once; the
 * server gives each a name and routes {@code POST /v1/models/{name}/{action}} to its endpoints.
 *
 * <p>How a model uses its networks is its own: a classifier joins concurrent requests into one
 * forward pass ({@link BatchQueue} with a batch of several), a generator gives each request a
 * network copy for as long as it samples ({@link BatchQueue} with a batch of one). Either way its
 * queue is bounded by the server's {@link ServerLimits}, and a request it cannot take is refused
 * with {@link ApiError#unavailable} (503), never queued without bound.
 *
 * <pre>{@code
 * ServedModel model = new SentimentModel(name, directory, context);
 * try (ModelServer server = ModelServer.builder().model(name, model).port(8080).build().start()) { ... }
 * }</pre>
 */
public interface ServedModel extends AutoCloseable {

    /** The kind of model, e.g. {@code sentiment}, {@code char-rnn}. */
    String kind();

    /** One line: what the model is and was trained for. */
    String description();

    /** What a client may want to know beyond the endpoints (labels, vocabulary size, task), as JSON. */
    ObjectNode info();

    /** Its endpoints; at least one. */
    List<Endpoint> endpoints();

    /**
     * Stops its workers once the requests they hold are answered; called by the server after
     * requests in flight have finished.
     */
    @Override
    void close();
}
