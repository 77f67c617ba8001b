package org.recurrent4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** The executor settings recurrent4j's training needs, as {@link SparkTrainingConf} writes them. */
class SparkTrainingConfTest {

    @Test
    void executorMemoryCountsNd4jsOffHeapAndKeepsTheOptionsAlreadyThere() {
        SparkConf conf = new SparkConf(false).set("spark.executor.extraJavaOptions", "-Dmine=1");
        SparkTrainingConf.executorMemory(conf, "2g", "3g");
        assertEquals("2048m", conf.get("spark.executor.memory"));
        assertEquals("4096m", conf.get("spark.executor.memoryOverhead"), "off-heap plus 1 GiB for native code");
        String options = conf.get("spark.executor.extraJavaOptions");
        assertTrue(options.startsWith("-Dmine=1 "), options);
        assertTrue(options.contains(" -Dorg.bytedeco.javacpp.maxbytes=3072m"), options);
        assertTrue(options.contains(" -Dorg.bytedeco.javacpp.maxphysicalbytes=6144m"), options);
        for (String option : SparkTrainingConf.JAVA_17_OPTIONS) {
            assertTrue(options.contains(option), option);
        }
    }

    @Test
    void kryoComesWithNd4jsRegistrator() {
        SparkConf conf = SparkTrainingConf.useKryo(new SparkConf(false));
        assertEquals("org.apache.spark.serializer.KryoSerializer", conf.get("spark.serializer"));
        assertEquals("org.nd4j.kryo.Nd4jRegistrator", conf.get("spark.kryo.registrator"));
    }
}
