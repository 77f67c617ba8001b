package org.recurrent4j.spark.data;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Files divided among a Spark job's partitions: whole files, in the given order, in contiguous
 * groups whose sizes differ by at most one file, so a partition's data is the same on every run.
 */
final class FilePartitions {

    private FilePartitions() {}

    /** The files in {@code min(partitions, files)} groups: one partition per group. */
    static JavaRDD<List<URI>> of(JavaSparkContext sc, List<URI> files, int partitions) {
        List<List<URI>> groups = groups(files, partitions);
        return sc.parallelize(groups, groups.size());
    }

    static List<List<URI>> groups(List<URI> files, int partitions) {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no files to read: give at least one file");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
        }
        int n = Math.min(partitions, files.size());
        List<List<URI>> groups = new ArrayList<>(n);
        int from = 0;
        for (int g = 0; g < n; g++) {
            int size = files.size() / n + (g < files.size() % n ? 1 : 0);
            groups.add(new ArrayList<>(files.subList(from, from + size)));
            from += size;
        }
        return groups;
    }
}
