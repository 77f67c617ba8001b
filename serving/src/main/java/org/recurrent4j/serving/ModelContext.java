package org.recurrent4j.serving;

/**
 * What a model gets from the server it is served by: its name, the server's limits (to size its
 * queues and check requests) and the metrics its queues report to.
 *
 * @param name the model's name, the path segment of its endpoints
 * @param limits the server's limits
 * @param metrics where queue depth and batch sizes are recorded
 */
public record ModelContext(String name, ServerLimits limits, ServerMetrics metrics) {

    /** Checks a model's name: a path segment of lower-case letters, digits, '.', '_' and '-'. */
    public ModelContext {
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            throw new IllegalArgumentException("a model name is 1 to 64 letters, digits, '.', '_' or '-', starting"
                    + " with a letter or digit; got '" + name + "'");
        }
    }
}
