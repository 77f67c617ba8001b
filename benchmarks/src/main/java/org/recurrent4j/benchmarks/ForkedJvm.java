package org.recurrent4j.benchmarks;

/**
 * The JVM options of every forked benchmark JVM that times something: the settings README.md
 * recommends to users, so that the figures are what a user who follows it gets.
 *
 * <ul>
 *   <li>{@code -Dorg.bytedeco.javacpp.maxPhysicalBytes=0}: JavaCPP otherwise reads the process's
 *       resident size on every native allocation (each ND4J array's shape), to call the garbage
 *       collector when it passes a limit. Without that read, a batch-1 step took about half the
 *       time (docs/benchmarks.md). The limit on JavaCPP's own tracked bytes ({@code maxbytes}) stays.
 *   <li>{@code OMP_WAIT_POLICY=PASSIVE} is an environment variable: {@code benchmarks/run} sets it,
 *       and the forks inherit it.
 * </ul>
 */
final class ForkedJvm {

    /** Heap, off-heap limit, JavaCPP's physical-memory check off, quiet logging. */
    static final String[] OPTIONS = {
        "-Xmx4g",
        "-Dorg.bytedeco.javacpp.maxbytes=8g",
        "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"
    };

    private ForkedJvm() {}
}
