package org.recurrent4j.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recurrent4j.images.IdxFile;
import org.recurrent4j.images.LabelledImages;

/** MNIST's four IDX files, written small by the test and served from 127.0.0.1. */
class MnistTest {

    @TempDir
    Path dir;

    private LocalServer server;

    @BeforeEach
    void start() throws IOException {
        server = new LocalServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** An IDX file of unsigned bytes, gzip-compressed. */
    static byte[] idx(int[] dims, byte[] values) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(bytes))) {
            out.writeInt(0x0800 | dims.length);
            for (int d : dims) {
                out.writeInt(d);
            }
            out.write(values);
        }
        return bytes.toByteArray();
    }

    /** {@code n} images whose pixel (i, j) of image k is (k + i + j) mod 256, labels k mod 10. */
    private static byte[][] part(int n) throws IOException {
        byte[] pixels = new byte[n * 28 * 28];
        byte[] labels = new byte[n];
        for (int k = 0; k < n; k++) {
            labels[k] = (byte) (k % 10);
            for (int p = 0; p < 28 * 28; p++) {
                pixels[k * 784 + p] = (byte) ((k + p / 28 + p % 28) % 256);
            }
        }
        return new byte[][] {idx(new int[] {n, 28, 28}, pixels), idx(new int[] {n}, labels)};
    }

    private URI serveAll(int train, int test) throws IOException {
        byte[][] tr = part(train);
        byte[][] te = part(test);
        server.serve("/mnist/" + Mnist.TRAIN_LABELS, tr[1]);
        server.serve("/mnist/" + Mnist.TEST_IMAGES, te[0]);
        server.serve("/mnist/" + Mnist.TEST_LABELS, te[1]);
        return server.serve("/mnist/" + Mnist.TRAIN_IMAGES, tr[0]).resolve("./");
    }

    @Test
    void filesAreDownloadedCheckedAndRead() throws IOException {
        URI folder = serveAll(12, 5);
        Mnist mnist = Mnist.unpublished(folder).cache(dir).progress(Download.Progress.NONE);
        LabelledImages train = mnist.train();
        assertArrayEquals(new long[] {12, 1, 28, 28}, train.images().shape());
        assertEquals(7, train.labels()[7]);
        assertEquals((3 + 4 + 5) / 255f, train.images().getFloat(3, 0, 4, 5), 1e-7);
        LabelledImages test = mnist.test();
        assertEquals(5, test.size());
        assertEquals(10, test.classes().size());
        // Pinned on first download: a later copy with other content is noticed.
        Files.write(dir.resolve("mnist").resolve(Mnist.TEST_LABELS), idx(new int[] {5}, new byte[] {1, 1, 1, 1, 1}));
        IOException changed = assertThrows(IOException.class, mnist::test);
        assertTrue(changed.getMessage().contains(Mnist.TEST_LABELS), changed.getMessage());
    }

    @Test
    void theRealDataSetRefusesOtherContentByItsPublishedMd5() throws IOException {
        URI folder = serveAll(3, 2);
        Mnist mnist = new Mnist().source(folder).cache(dir).progress(Download.Progress.NONE);
        IOException e = assertThrows(IOException.class, mnist::train);
        assertTrue(e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("md5"), e.getMessage());
        assertTrue(e.getMessage().contains(Mnist.MD5.get(Mnist.TRAIN_IMAGES)), e.getMessage());
    }

    @Test
    void malformedFilesAreRefusedWithWhatWasFound() throws IOException {
        byte[][] good = part(4);
        server.serve("/bad/" + Mnist.TRAIN_LABELS, good[1]);
        server.serve("/bad/" + Mnist.TEST_IMAGES, good[0]);
        server.serve("/bad/" + Mnist.TEST_LABELS, good[1]);
        // Images of 27×28 are not MNIST's.
        URI folder = server.serve("/bad/" + Mnist.TRAIN_IMAGES, idx(new int[] {4, 27, 28}, new byte[4 * 27 * 28]))
                .resolve("./");
        Mnist mnist = Mnist.unpublished(folder).cache(dir).progress(Download.Progress.NONE);
        IOException shape = assertThrows(IOException.class, mnist::train);
        assertTrue(shape.getMessage().contains("[4, 27, 28]"), shape.getMessage());

        Path truncated = dir.resolve("truncated-idx3-ubyte");
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(truncated))) {
            out.writeInt(0x0803);
            out.writeInt(2);
            out.writeInt(28);
            out.writeInt(28);
            out.write(new byte[100]);
        }
        IOException shortFile = assertThrows(IOException.class, () -> IdxFile.read(truncated, 1L << 20));
        assertTrue(shortFile.getMessage().contains("ends before its 1568 values"), shortFile.getMessage());
        IOException tooBig = assertThrows(IOException.class, () -> IdxFile.read(truncated, 1000));
        assertTrue(tooBig.getMessage().contains("more than the 1000 values"), tooBig.getMessage());
        Path text = dir.resolve("text");
        Files.writeString(text, "hello world");
        IOException magic = assertThrows(IOException.class, () -> IdxFile.read(text, 1000));
        assertTrue(magic.getMessage().contains("not an IDX file"), magic.getMessage());
    }
}
