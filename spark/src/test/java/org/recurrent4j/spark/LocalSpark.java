package org.recurrent4j.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * One Spark {@code local[2]} context for every test of the module (starting one costs seconds):
 * two executor threads in this JVM, loopback only, no web UI, Kryo with ND4J's registrator. It
 * stops when the test JVM exits.
 */
public final class LocalSpark {

    private static JavaSparkContext context;

    private LocalSpark() {}

    public static synchronized JavaSparkContext context() {
        if (context == null) {
            SparkConf conf = new SparkConf()
                    .setMaster("local[2]")
                    .setAppName("recurrent4j-spark-tests")
                    .set("spark.driver.host", "127.0.0.1")
                    .set("spark.driver.bindAddress", "127.0.0.1")
                    .set("spark.ui.enabled", "false")
                    .set("spark.ui.showConsoleProgress", "false");
            SparkTrainingConf.useKryo(conf);
            context = new JavaSparkContext(conf);
            JavaSparkContext started = context;
            Runtime.getRuntime().addShutdownHook(new Thread(started::stop));
        }
        return context;
    }
}
