package org.recurrent4j.interop.keras;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.hdf5.DataSet;
import org.bytedeco.hdf5.DataSpace;
import org.bytedeco.hdf5.DataType;
import org.bytedeco.hdf5.Group;
import org.bytedeco.hdf5.PredType;
import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.modelimport.keras.Hdf5Archive;
import org.deeplearning4j.nn.modelimport.keras.exceptions.UnsupportedKerasConfigurationException;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.recurrent4j.interop.InteropException;

/**
 * A Keras {@code .h5} file (HDF5, through DL4J's {@link Hdf5Archive} and the HDF5 library it
 * ships): the {@code model_config} and {@code keras_version} attributes and the weights of each
 * layer under {@code model_weights/LAYER}. Before the native library sees the file, its HDF5
 * signature and superblock are checked and the end-of-file address it declares is compared with
 * the file's size, so a truncated file or another format is refused here with the file named.
 * Every dataset's declared size is checked against the file before it is read.
 */
final class KerasH5File implements AutoCloseable {

    private static final byte[] SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

    private final Path file;
    private final long size;
    private final Hdf5Archive archive;

    private KerasH5File(Path file, long size, Hdf5Archive archive) {
        this.file = file;
        this.size = size;
        this.archive = archive;
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
            return new KerasH5File(file, size, new Hdf5Archive(file.toString()));
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
            if (!archive.hasAttribute(name)) {
                return null;
            }
            String text = name.equals("model_config")
                    ? archive.readAttributeAsJson(name)
                    : archive.readAttributeAsString(name);
            // DL4J reads string attributes into a fixed-size buffer: the rest is NULs.
            int end = text.indexOf('\0');
            return end < 0 ? text : text.substring(0, end);
        } catch (UnsupportedKerasConfigurationException | RuntimeException e) {
            throw InteropException.at(file, "attribute " + name, "unreadable (" + e.getMessage() + ")");
        }
    }

    /**
     * The weights of layer {@code layer}: datasets anywhere under {@code model_weights/LAYER}, by
     * their path below it ({@code lstm/lstm_cell/kernel:0}); empty if the layer has none.
     */
    Map<String, INDArray> weights(String layer) throws InteropException {
        Map<String, INDArray> out = new LinkedHashMap<>();
        try {
            if (!archive.getGroups("model_weights").contains(layer)) {
                return out;
            }
            collect(new String[] {"model_weights", layer}, "", out);
        } catch (UnsupportedKerasConfigurationException | RuntimeException e) {
            throw InteropException.at(file, "layer " + layer, "its weights are unreadable (" + e.getMessage() + ")");
        }
        return out;
    }

    /** True if the file holds a {@code model_weights} group. */
    boolean hasWeights() {
        try {
            return archive.getGroups().contains("model_weights");
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void collect(String[] groups, String prefix, Map<String, INDArray> out)
            throws InteropException, UnsupportedKerasConfigurationException {
        for (String dataset : archive.getDataSets(groups)) {
            out.put(prefix + dataset, read(groups, dataset, prefix + dataset));
        }
        if (groups.length > 12) {
            throw InteropException.at(file, String.join("/", groups), "groups nested too deep for layer weights");
        }
        for (String group : archive.getGroups(groups)) {
            String[] deeper = Arrays.copyOf(groups, groups.length + 1);
            deeper[groups.length] = group;
            collect(deeper, prefix + group + "/", out);
        }
    }

    private INDArray read(String[] groups, String name, String path) throws InteropException {
        synchronized (Hdf5Archive.LOCK_OBJECT) {
            Group[] opened = archive.openGroups(groups);
            try {
                DataSet dataset = opened[opened.length - 1].openDataSet(name);
                try {
                    DataSpace space = dataset.getSpace();
                    int rank = space.getSimpleExtentNdims();
                    if (rank < 0 || rank > 6) {
                        throw InteropException.at(file, "weight " + groups[1] + "/" + path, "rank " + rank);
                    }
                    long[] dims = new long[rank];
                    space.getSimpleExtentDims(dims);
                    space.deallocate();
                    long count = org.recurrent4j.interop.ElementType.count(dims);
                    if (count < 0 || count * 4 > size) {
                        throw InteropException.at(
                                file,
                                "weight " + groups[1] + "/" + path,
                                "shape " + Arrays.toString(dims) + " declares more float32 values than the file's "
                                        + size + " bytes hold");
                    }
                    float[] values = new float[(int) count];
                    FloatPointer pointer = new FloatPointer(count);
                    try {
                        dataset.read(pointer, new DataType(PredType.NATIVE_FLOAT()));
                        pointer.get(values);
                    } finally {
                        pointer.deallocate();
                    }
                    INDArray flat = Nd4j.createFromArray(values);
                    return rank == 0 ? flat.reshape(new long[0]) : flat.reshape('c', dims);
                } finally {
                    dataset.deallocate();
                }
            } finally {
                archive.closeGroups(opened);
            }
        }
    }

    /** The names of the layers with weights. */
    List<String> weightGroups() {
        return archive.getGroups("model_weights");
    }

    @Override
    public void close() {
        archive.close();
    }
}
