package org.recurrent4j.datasets;

import java.nio.file.Path;

/**
 * Where downloaded data sets are kept: the system property {@value #PROPERTY} if set, else the
 * environment variable {@value #ENVIRONMENT}, else {@code ~/.recurrent4j/data}. Each data set has a
 * folder of its own inside.
 */
public final class DataCache {

    /** The system property naming the cache folder. */
    public static final String PROPERTY = "recurrent4j.data.dir";

    /** The environment variable naming the cache folder. */
    public static final String ENVIRONMENT = "RECURRENT4J_DATA_DIR";

    private DataCache() {}

    /** The cache folder in effect now. */
    public static Path directory() {
        String property = System.getProperty(PROPERTY);
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        String environment = System.getenv(ENVIRONMENT);
        if (environment != null && !environment.isBlank()) {
            return Path.of(environment);
        }
        return Path.of(System.getProperty("user.home"), ".recurrent4j", "data");
    }
}
