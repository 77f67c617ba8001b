package org.recurrent4j.interop.keras;

import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.recurrent4j.interop.ElementType;
import org.recurrent4j.interop.InteropException;

/**
 * A Keras {@code .h5} file, read with jHDF (pure Java: a damaged file is an exception, where the
 * native HDF5 library DL4J ships can crash the JVM): the {@code model_config} and {@code
 * keras_version} attributes and the weights of each layer under {@code model_weights/LAYER}. The
 * HDF5 signature is checked and the end-of-file address the superblock declares is compared with
 * the file's size first, and every dataset's declared size against the file before it is read.
 */
final class KerasH5File implements AutoCloseable {

    private static final byte[] SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

    /** The most bytes a dataset may declare per byte of the file (compressed weights). */
    private static final long MAX_EXPANSION = 64;

    private final Path file;
    private final long size;
    private final HdfFile hdf;

    private KerasH5File(Path file, long size, HdfFile hdf) {
        this.file = file;
        this.size = size;
        this.hdf = hdf;
    }

    /** Opens {@code file} after checking that it is a whole HDF5 file. */
    static KerasH5File open(Path file) throws IOException {
        long size = Files.size(file);
        byte[] head = new byte[96];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        }
        if (n < SIGNATURE.length || !Arrays.equals(Arrays.copyOf(head, SIGNATURE.length), SIGNATURE)) {
            throw InteropException.in(file, "not a Keras .h5 file (no HDF5 signature)");
        }
        long end = declaredEnd(head, n, file);
        if (end > size) {
            throw InteropException.in(
                    file, "truncated: its HDF5 superblock declares " + end + " bytes, the file has " + size);
        }
        try {
            return new KerasH5File(file, size, new HdfFile(file));
        } catch (RuntimeException e) {
            throw InteropException.in(file, "not a readable HDF5 file (" + e.getMessage() + ")");
        }
    }

    /** The end-of-file address of the superblock (versions 0 to 3). */
    private static long declaredEnd(byte[] head, int n, Path file) throws InteropException {
        ByteBuffer b = ByteBuffer.wrap(head, 0, n).order(ByteOrder.LITTLE_ENDIAN);
        int version = n > 8 ? head[8] : -1;
        int offsets;
        int base;
        switch (version) {
            case 0, 1 -> {
                offsets = n > 13 ? head[13] : 0;
                base = version == 0 ? 24 : 28;
            }
            case 2, 3 -> {
                offsets = n > 9 ? head[9] : 0;
                base = 12;
            }
            default -> throw InteropException.in(file, "HDF5 superblock version " + version + " is not read");
        }
        if (offsets != 8 && offsets != 4) {
            throw InteropException.in(file, "HDF5 superblock with " + offsets + "-byte addresses is not read");
        }
        int at = base + 2 * offsets;
        if (at + offsets > n) {
            throw InteropException.in(file, "truncated in its HDF5 superblock");
        }
        long baseAddress = offsets == 8 ? b.getLong(base) : b.getInt(base) & 0xffffffffL;
        long end = offsets == 8 ? b.getLong(at) : b.getInt(at) & 0xffffffffL;
        return end < 0 || baseAddress < 0 ? Long.MAX_VALUE : baseAddress + end;
    }

    /** A root attribute as text (a JSON document for {@code model_config}), or null if absent. */
    String attribute(String name) throws InteropException {
        try {
            Attribute a = hdf.getAttribute(name);
            if (a == null) {
                return null;
            }
            Object data = a.getData();
            if (data instanceof String[] array && array.length > 0) {
                data = array[0];
            }
            if (data instanceof byte[] bytes) {
                data = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
            }
            if (!(data instanceof String text)) {
                throw InteropException.at(file, "attribute " + name, "is not text");
            }
            int end = text.indexOf('\0');
            return end < 0 ? text : text.substring(0, end);
        } catch (RuntimeException e) {
            throw InteropException.at(file, "attribute " + name, "unreadable (" + e.getMessage() + ")");
        }
    }

    /** The layers with a group under {@code model_weights}. */
    List<String> weightGroups() throws InteropException {
        Group weights = weightsGroup();
        return weights == null ? List.of() : groupChildren(weights, "model_weights");
    }

    /** True if the file holds a {@code model_weights} group. */
    boolean hasWeights() throws InteropException {
        return weightsGroup() != null;
    }

    private Group weightsGroup() throws InteropException {
        try {
            Node node = hdf.getChildren().get("model_weights");
            return node instanceof Group g ? g : null;
        } catch (RuntimeException e) {
            throw InteropException.at(file, "model_weights", "unreadable (" + e.getMessage() + ")");
        }
    }

    private List<String> groupChildren(Group group, String where) throws InteropException {
        try {
            List<String> names = new ArrayList<>();
            group.getChildren().forEach((name, node) -> {
                if (node instanceof Group) {
                    names.add(name);
                }
            });
            return names;
        } catch (RuntimeException e) {
            throw InteropException.at(file, where, "unreadable (" + e.getMessage() + ")");
        }
    }

    /**
     * The weights of layer {@code layer}: datasets anywhere under {@code model_weights/LAYER}, by
     * their path below it ({@code lstm/lstm_cell/kernel:0}); empty if the layer has none.
     */
    Map<String, INDArray> weights(String layer) throws InteropException {
        Map<String, INDArray> out = new LinkedHashMap<>();
        Group weights = weightsGroup();
        if (weights == null) {
            return out;
        }
        try {
            Node node = weights.getChildren().get(layer);
            if (node instanceof Group g) {
                collect(layer, g, "", 0, out);
            }
        } catch (RuntimeException e) {
            throw InteropException.at(file, "layer " + layer, "its weights are unreadable (" + e.getMessage() + ")");
        }
        return out;
    }

    private void collect(String layer, Group group, String prefix, int depth, Map<String, INDArray> out)
            throws InteropException {
        if (depth > 12) {
            throw InteropException.at(file, "layer " + layer, "weight groups nested too deep");
        }
        for (Map.Entry<String, Node> e : group.getChildren().entrySet()) {
            String path = prefix + e.getKey();
            if (e.getValue() instanceof Dataset d) {
                out.put(path, read(layer, path, d));
            } else if (e.getValue() instanceof Group g) {
                collect(layer, g, path + "/", depth + 1, out);
            }
        }
    }

    private INDArray read(String layer, String path, Dataset dataset) throws InteropException {
        String where = "layer " + layer + ", weight " + path;
        long[] dims = dataset.getDimensionsAsLong();
        long count = ElementType.count(dims);
        if (count < 0 || dataset.getSizeInBytes() > MAX_EXPANSION * size || dataset.getStorageInBytes() > size) {
            throw InteropException.at(
                    file,
                    where,
                    "shape " + Arrays.toString(dims) + " declares more data than the file's " + size + " bytes hold");
        }
        Class<?> type = dataset.getJavaType();
        Object flat = count == 0 ? null : dataset.getDataFlat();
        INDArray values;
        if (count == 0) {
            values = Nd4j.create(org.nd4j.linalg.api.buffer.DataType.FLOAT, dims);
        } else if (type == float.class && flat instanceof float[] f) {
            values = Nd4j.createFromArray(f);
        } else if (type == double.class && flat instanceof double[] d) {
            values = Nd4j.createFromArray(d);
        } else {
            throw InteropException.at(file, where, "element type " + type + " (float32 and float64 weights are read)");
        }
        if (values.length() != count) {
            throw InteropException.at(file, where, values.length() + " values for shape " + Arrays.toString(dims));
        }
        return dims.length == 0 ? values.reshape(new long[0]) : values.reshape('c', dims);
    }

    @Override
    public void close() {
        hdf.close();
    }
}
