package org.recurrent4j.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One reference case written by {@code testkit/src/test/python/generate_cell_fixtures.py}: a NumPy
 * {@code .npz} archive of float64 arrays (see the script for what each holds).
 */
record Fixture(String name, Map<String, INDArray> arrays) {

    static Fixture load(String name) throws IOException {
        String resource = "/fixtures/cells/" + name + ".npz";
        Map<String, INDArray> arrays = new TreeMap<>();
        try (InputStream in = Fixture.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("missing test resource " + resource
                        + ": run testkit/src/test/python/generate_cell_fixtures.py");
            }
            try (ZipInputStream zip = new ZipInputStream(in)) {
                for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    zip.transferTo(bytes);
                    String key = e.getName().replaceAll("\\.npy$", "");
                    byte[] npy = bytes.toByteArray();
                    // ND4J's .npy reader ignores the order flag: refuse what it would read transposed.
                    String header = new String(npy, 0, Math.min(npy.length, 256), StandardCharsets.ISO_8859_1);
                    if (header.contains("'fortran_order': True")) {
                        throw new IOException(resource + ": array '" + key + "' is in Fortran order; the"
                                + " generator must write C order (np.ascontiguousarray)");
                    }
                    arrays.put(key, Nd4j.createNpyFromByteArray(npy).castTo(DataType.DOUBLE));
                }
            }
        }
        return new Fixture(name, arrays);
    }

    INDArray get(String key) {
        INDArray a = arrays.get(key);
        if (a == null) {
            throw new IllegalArgumentException(name + " has no array '" + key + "'; it has " + arrays.keySet());
        }
        return a;
    }

    boolean has(String key) {
        return arrays.containsKey(key);
    }

    /** The loss weights {@code R [B, H, T]}: {@code R[b][j][t] = cos(0.37 b + 1.13 j + 0.71 t + 1)}. */
    static INDArray lossWeights(long batch, long hidden, long steps) {
        INDArray r = Nd4j.create(DataType.DOUBLE, batch, hidden, steps);
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < hidden; j++) {
                for (int t = 0; t < steps; t++) {
                    r.putScalar(b, j, t, Math.cos(0.37 * b + 1.13 * j + 0.71 * t + 1.0));
                }
            }
        }
        return r;
    }
}
