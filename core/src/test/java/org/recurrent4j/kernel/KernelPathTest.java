package org.recurrent4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The two kernel paths: the portable GEMM computes what OpenBLAS computes for every transpose,
 * offset, leading dimension, alpha and beta the cells use; each path hands out its own element
 * access; and no class but the direct GEMM names OpenBLAS, so the portable path never loads it.
 */
class KernelPathTest {

    @AfterEach
    void backToTheAutomaticPath() {
        KernelPath.use(KernelPath.automatic());
    }

    @Test
    void onTheCpuBackendTheDirectPathIsChosen() {
        assertTrue(KernelPath.directAvailable());
        assertEquals(KernelPath.DIRECT, KernelPath.automatic());
    }

    @Test
    void eachPathHandsOutItsOwnElementAccess() {
        for (KernelPath path : KernelPath.values()) {
            KernelPath.use(path);
            for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
                NativeArray a =
                        NativeArray.of(Nd4j.createFromArray(1.0, 2.0, 3.0).castTo(type));
                assertTrue(a.accessFor(path), path + " " + type);
                a.add(1, 0.5);
                a.set(2, -1.0);
                assertEquals(2.5, a.get(1), 0.0);
                assertEquals(-1.0, a.array().getDouble(2), 0.0, "writes reach the ND4J array");
            }
        }
        KernelPath.use(KernelPath.PORTABLE);
        assertInstanceOf(NativeArray.Portable.class, NativeArray.of(Nd4j.zeros(DataType.FLOAT, 2)));
    }

    /** A buffer handed out on one path is re-wrapped for the other after a switch (same memory). */
    @Test
    void workBuffersFollowASwitch() {
        Buffers buffers = new Buffers(BufferPool.SHARED, "test");
        try {
            KernelPath.use(KernelPath.DIRECT);
            NativeArray direct = buffers.get("a", DataType.DOUBLE, 2, 3);
            direct.set(4, 7.0);
            KernelPath.use(KernelPath.PORTABLE);
            NativeArray portable = buffers.get("a", DataType.DOUBLE, 2, 3);
            assertTrue(portable.accessFor(KernelPath.PORTABLE));
            assertEquals(7.0, portable.get(4), 0.0);
        } finally {
            buffers.release();
        }
    }

    @Test
    void portableGemmEqualsOpenBlas() {
        Random random = new Random(1);
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (boolean transA : new boolean[] {false, true}) {
                for (boolean transB : new boolean[] {false, true}) {
                    for (double[] ab : new double[][] {{1.0, 0.0}, {1.0, 1.0}, {-0.5, 2.0}}) {
                        // Matrix by matrix, and the matrix–vector shapes the direct path hands to GEMV.
                        for (int[] vector : new int[][] {{0, 0}, {1, 0}, {0, 1}, {1, 1}}) {
                            int m = vector[0] == 1 ? 1 : 3 + random.nextInt(4);
                            int n = vector[1] == 1 ? 1 : 2 + random.nextInt(5);
                            int k = 1 + random.nextInt(6);
                            GemmCase product = GemmCase.random(random, transA, transB, m, n, k, ab[0], ab[1]);
                            double[][] results = new double[2][];
                            for (KernelPath path : KernelPath.values()) {
                                KernelPath.use(path);
                                results[path.ordinal()] = product.run(type);
                            }
                            String what = type + " " + product;
                            double tolerance = type == DataType.FLOAT ? 1e-5 : 1e-13;
                            for (int i = 0; i < product.c().length; i++) {
                                assertEquals(results[0][i], results[1][i], tolerance, what + " at " + i);
                                if (product.outside(i)) {
                                    assertEquals(
                                            (float) product.c()[i],
                                            (float) results[1][i],
                                            0.0,
                                            what + ": outside C at " + i);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * With beta 0, C's old values are not read (BLAS's contract), on both paths and for the GEMV
     * shapes too: a work array handed out uninitialised may hold NaN bit patterns.
     */
    @Test
    void betaZeroIgnoresWhatCHeld() {
        Random random = new Random(2);
        for (KernelPath path : KernelPath.values()) {
            KernelPath.use(path);
            for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
                for (int[] shape : new int[][] {{4, 3, 5}, {1, 3, 5}, {4, 1, 5}, {1, 1, 5}}) {
                    for (boolean transA : new boolean[] {false, true}) {
                        GemmCase product = GemmCase.random(
                                        random, transA, !transA, shape[0], shape[1], shape[2], 1.0, 0.0)
                                .withC(Double.NaN);
                        double[] c = product.run(type);
                        for (int i = 0; i < c.length; i++) {
                            assertEquals(
                                    product.outside(i),
                                    Double.isNaN(c[i]),
                                    path + " " + type + " " + product + " at " + i);
                        }
                    }
                }
            }
        }
    }

    /**
     * Only the direct GEMM (and its thread setting, a nested class) names OpenBLAS: every other class of recurrent4j, the
     * portable path's included, loads without it (the JVM loads a class named in a method only
     * when that code runs).
     */
    @Test
    void onlyTheDirectGemmNamesOpenBlas() throws IOException, URISyntaxException {
        Path classes = Path.of(KernelPath.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        List<String> naming = new ArrayList<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                try (InputStream in = Files.newInputStream(file)) {
                    String bytes = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                    if (bytes.contains("org/bytedeco/openblas")) {
                        naming.add(classes.relativize(file).toString());
                    }
                }
            }
        }
        naming.sort(null);
        assertEquals(
                List.of(
                        "org/recurrent4j/kernel/OpenBlasGemm$SetThreads.class",
                        "org/recurrent4j/kernel/OpenBlasGemm.class"),
                naming);
        assertFalse(naming.isEmpty());
    }
}
