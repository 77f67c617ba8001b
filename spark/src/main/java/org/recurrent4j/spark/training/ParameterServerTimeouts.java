package org.recurrent4j.spark.training;

/**
 * The one Aeron setting that DL4J's parameter server needs and does not make itself.
 *
 * <p>{@code AeronUdpTransport} (nd4j-parameter-server-node 1.0.0-M2) sets the system property
 * {@code aeron.client.liveness.timeout} to 30 s and then launches an embedded Aeron media driver,
 * whose default publication unblock timeout is 15 s; Aeron requires the unblock timeout to exceed
 * the liveness timeout, so the driver refuses to start: {@code io.aeron.exceptions.ConfigurationException:
 * ERROR - publicationUnblockTimeoutNs=15000000000 <= clientLivenessTimeoutNs=30000000000}, thrown
 * from {@code SharedTrainingMaster.prepareNetworkAndStuff} on the driver (and from the workers'
 * transports on the executors). Setting {@value #PROPERTY} above 30 s, before the first transport
 * starts, lets it start.
 */
public final class ParameterServerTimeouts {

    /** Aeron's system property for the publication unblock timeout, in nanoseconds. */
    public static final String PROPERTY = "aeron.publication.unblock.timeout";

    /** 60 s: above the 30 s liveness timeout that DL4J's transport sets. */
    public static final String VALUE = "60000000000";

    /** The same as a JVM option, for executors ({@code spark.executor.extraJavaOptions}). */
    public static final String JAVA_OPTION = "-D" + PROPERTY + "=" + VALUE;

    private ParameterServerTimeouts() {}

    /** Sets {@value #PROPERTY} in this JVM unless it is set already. */
    public static void apply() {
        if (System.getProperty(PROPERTY) == null) {
            System.setProperty(PROPERTY, VALUE);
        }
    }
}
