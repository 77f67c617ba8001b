package org.recurrent4j.spark;

import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.network.util.JavaUtils;

/**
 * The Spark settings that recurrent4j's networks train with: Kryo with ND4J's registrator for the
 * arrays Spark moves, and the JVM options every executor needs (Java 17's {@code --add-opens} and
 * ND4J's off-heap limits).
 *
 * <p>ND4J keeps its arrays outside the Java heap, so an executor's memory is its heap ({@code
 * spark.executor.memory}) plus ND4J's off-heap buffers, which JavaCPP caps with {@code
 * -Dorg.bytedeco.javacpp.maxbytes} (ND4J's buffers) and {@code maxphysicalbytes} (the whole
 * process). Spark does not count off-heap buffers it did not allocate: give the executor's
 * container room for them with {@code spark.executor.memoryOverhead}.
 *
 * <pre>{@code
 * SparkConf conf = new SparkConf().setAppName("sentiment");
 * SparkTrainingConf.useKryo(conf);
 * SparkTrainingConf.executorMemory(conf, "2g", "3g");   // heap, ND4J off-heap
 * }</pre>
 */
public final class SparkTrainingConf {

    /**
     * What Spark 3.5's own launcher ({@code org.apache.spark.launcher.JavaModuleOptions}) gives a
     * Java 17 driver and executor: Spark's serializers, memory accounting and network layer reach
     * into these packages. {@code spark-submit} adds them to the processes it starts; a JVM started
     * otherwise (a test, an IDE, a standalone master or worker started with {@code java}) needs them
     * on its command line.
     */
    public static final List<String> JAVA_17_OPTIONS = List.of(
            "-XX:+IgnoreUnrecognizedVMOptions",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
            "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
            "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
            "-Djdk.reflect.useDirectMethodHandle=false");

    /** ND4J's Kryo registrator (module nd4j-kryo), which serializes ND4J's arrays. */
    public static final String ND4J_KRYO_REGISTRATOR = "org.nd4j.kryo.Nd4jRegistrator";

    /** Native libraries and thread stacks, beyond ND4J's buffers and the heap. */
    private static final long NATIVE_MARGIN_MB = 1024;

    private SparkTrainingConf() {}

    /**
     * Spark's Kryo serializer with ND4J's registrator: smaller and faster than Java serialization
     * for the data sets and parameters that training moves. (Without it Spark uses Java
     * serialization, which works too.)
     */
    public static SparkConf useKryo(SparkConf conf) {
        return conf.set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .set("spark.kryo.registrator", ND4J_KRYO_REGISTRATOR);
    }

    /**
     * Sizes each executor: its Java heap and ND4J's off-heap buffers. JavaCPP caps the buffers at
     * {@code offHeap} ({@code -Dorg.bytedeco.javacpp.maxbytes}) and the whole process at heap plus
     * off-heap plus 1 GiB for native libraries and thread stacks ({@code maxphysicalbytes}); Spark is
     * asked for that off-heap part as {@code spark.executor.memoryOverhead}, so that a cluster
     * manager that enforces container sizes leaves room for it. The {@link #JAVA_17_OPTIONS} go with
     * them into {@code spark.executor.extraJavaOptions}, after any options already there.
     *
     * @param heap the executor's Java heap, in Spark's size syntax ({@code "2g"}, {@code "1536m"})
     * @param offHeap ND4J's buffers, e.g. {@code "3g"}
     */
    public static SparkConf executorMemory(SparkConf conf, String heap, String offHeap) {
        long heapMb = JavaUtils.byteStringAsMb(heap);
        long offHeapMb = JavaUtils.byteStringAsMb(offHeap);
        long overheadMb = offHeapMb + NATIVE_MARGIN_MB;
        String options = String.join(" ", JAVA_17_OPTIONS) + " -Dorg.bytedeco.javacpp.maxbytes=" + offHeapMb + "m"
                + " -Dorg.bytedeco.javacpp.maxphysicalbytes=" + (heapMb + overheadMb) + "m";
        String before = conf.get("spark.executor.extraJavaOptions", "").trim();
        return conf.set("spark.executor.memory", heapMb + "m")
                .set("spark.executor.memoryOverhead", overheadMb + "m")
                .set("spark.executor.extraJavaOptions", before.isEmpty() ? options : before + " " + options);
    }
}
