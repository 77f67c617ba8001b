package org.recurrent4j.interop;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.recurrent4j.interop.keras.KerasImport;
import org.recurrent4j.interop.npz.NpzFiles;
import org.recurrent4j.interop.onnx.OnnxRecurrentImport;
import org.recurrent4j.interop.safetensors.SafetensorsReader;
import org.recurrent4j.interop.torch.TorchCheckpointReader;

/**
 * Damaged files of each format, made from files the frameworks saved: truncated, another format
 * under the name, declared sizes far beyond the file. Each is one {@link InteropException} naming
 * the file and the place, before anything large is allocated.
 */
class BadFilesTest {

    @TempDir
    Path dir;

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private static byte[] fixture(String relative) throws IOException {
        return Files.readAllBytes(Fixtures.path(relative));
    }

    private static void assertRefused(Path file, Executable read, String... parts) {
        InteropException e = assertThrows(InteropException.class, read);
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + p + "' in: " + e.getMessage());
        }
    }

    @Test
    void safetensors() throws IOException {
        byte[] good = fixture("torch/rnn_relu_2layer.safetensors");
        Path truncated = write("truncated.safetensors", Arrays.copyOf(good, good.length - 10));
        assertRefused(truncated, () -> SafetensorsReader.read(truncated), "tensor ", "data_offsets", "outside the");
        byte[] huge = good.clone();
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << 40);
        Path header = write("header.safetensors", huge);
        assertRefused(header, () -> SafetensorsReader.read(header), "header length field says 1099511627776 bytes");
        String json = "{\"w\":{\"dtype\":\"F32\",\"shape\":[100000,100000],\"data_offsets\":[0,8]}}";
        ByteBuffer b = ByteBuffer.allocate(8 + json.length() + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length()).put(json.getBytes(StandardCharsets.US_ASCII)).putLong(0);
        Path declared = write("declared.safetensors", b.array());
        assertRefused(declared, () -> SafetensorsReader.read(declared), "tensor w", "shape [100000, 100000]");
        Path other = write("other.safetensors", fixture("torch/rnn_relu_2layer.pt"));
        assertRefused(other, () -> SafetensorsReader.read(other), "not a safetensors file");
    }

    @Test
    void npz() throws IOException {
        byte[] good = fixture("torch/gru_nobias_float64.npz");
        Path truncated = write("truncated.npz", Arrays.copyOf(good, good.length / 2));
        assertRefused(truncated, () -> NpzFiles.read(truncated), "not an .npz file");
        String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (3000, 3000), }";
        Path declared = dir.resolve("declared.npz");
        try (OutputStream out = Files.newOutputStream(declared);
                ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("w.npy"));
            zip.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) header.length(), 0});
            zip.write(header.getBytes(StandardCharsets.ISO_8859_1));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("o.npy"));
            zip.closeEntry();
        }
        assertRefused(
                declared,
                () -> NpzFiles.read(declared),
                "array w",
                "shape [3000, 3000] needs 36000000 bytes of data, more than the file can hold");
        String object = "{'descr': '|O', 'fortran_order': False, 'shape': (2,), }";
        Path pickled = dir.resolve("pickled.npz");
        try (OutputStream out = Files.newOutputStream(pickled);
                ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("w.npy"));
            zip.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) object.length(), 0});
            zip.write(object.getBytes(StandardCharsets.ISO_8859_1));
            zip.closeEntry();
        }
        assertRefused(pickled, () -> NpzFiles.read(pickled), "array w", "object arrays hold pickles and are refused");
    }

    @Test
    void torchSave() throws IOException {
        byte[] good = fixture("torch/rnn_relu_2layer.pt");
        Path truncated = write("truncated.pt", Arrays.copyOf(good, good.length - 100));
        assertRefused(truncated, () -> TorchCheckpointReader.read(truncated), "not a readable torch.save zip");
        Path other = write("other.pt", fixture("onnx/torch/rnn_relu_2layer_static.onnx"));
        assertRefused(other, () -> TorchCheckpointReader.read(other), "not a torch.save file");
        Path npz = write("npz.pt", fixture("torch/gru_nobias_float64.npz"));
        assertRefused(npz, () -> TorchCheckpointReader.read(npz), "a zip without data.pkl");
    }

    @Test
    void onnx() throws IOException {
        byte[] good = fixture("onnx/torch/rnn_relu_2layer_static.onnx");
        Path truncated = write("truncated.onnx", Arrays.copyOf(good, good.length - 7));
        assertRefused(truncated, () -> new OnnxRecurrentImport(truncated).build(), "not an ONNX model");
        Path other = write("other.onnx", fixture("torch/rnn_relu_2layer.safetensors"));
        assertRefused(other, () -> new OnnxRecurrentImport(other).build(), "not an ONNX model");
    }

    @Test
    void kerasH5() throws IOException {
        byte[] good = fixture("keras/seq_lstm_stack_dense.h5");
        Path truncated = write("truncated.h5", Arrays.copyOf(good, good.length - 100));
        assertRefused(truncated, () -> KerasImport.read(truncated), "truncated: its HDF5 superblock declares");
        Path other = write("other.h5", fixture("onnx/torch/rnn_relu_2layer_static.onnx"));
        assertRefused(other, () -> KerasImport.read(other), "not a Keras .h5 file (no HDF5 signature)");
    }
}
