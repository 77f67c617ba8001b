package org.recurrent4j.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.recurrent4j.interop.npz.NpzFiles;

/** The committed fixture files (made by the scripts in src/test/fixtures-src) and output comparison. */
public final class Fixtures {

    private Fixtures() {}

    /** The fixture file at {@code fixtures/RELATIVE} of the test resources. */
    public static Path path(String relative) {
        URL url = Fixtures.class.getResource("/fixtures/" + relative);
        if (url == null) {
            throw new IllegalArgumentException("no fixture " + relative);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The arrays of the fixture {@code .npz} at {@code relative}. */
    public static NamedTensors npz(String relative) {
        try {
            return NpzFiles.read(path(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Asserts {@code actual} equals {@code expected} element by element within {@code tolerance}
     * relative to the expected value's magnitude, or absolute for values under 1 in magnitude:
     * {@code |a − e| ≤ tolerance · max(|e|, 1)}.
     */
    public static void assertClose(INDArray expected, INDArray actual, double tolerance, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        double[] e = expected.dup('c')
                .castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE)
                .data()
                .asDouble();
        double[] a = actual.dup('c')
                .castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE)
                .data()
                .asDouble();
        double worst = 0;
        int at = -1;
        for (int i = 0; i < e.length; i++) {
            double d = Math.abs(a[i] - e[i]) / Math.max(Math.abs(e[i]), 1);
            if (!(d <= worst)) {
                worst = d;
                at = i;
            }
        }
        int worstAt = at;
        double worstDifference = worst;
        assertTrue(
                worst <= tolerance,
                () -> what + ": element " + worstAt + " of " + Arrays.toString(expected.shape()) + " differs by "
                        + worstDifference + " (tolerance " + tolerance + "): expected " + e[worstAt] + ", got "
                        + a[worstAt]);
    }
}
