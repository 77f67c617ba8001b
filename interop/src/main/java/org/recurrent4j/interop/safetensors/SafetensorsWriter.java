package org.recurrent4j.interop.safetensors;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.nd4j.shade.jackson.databind.node.ArrayNode;
import org.nd4j.shade.jackson.databind.node.ObjectNode;
import org.recurrent4j.io.AtomicFile;

/**
 * Writes tensors to a safetensors file, in the given order, float32 as F32 and float64 as F64; the
 * header is padded with spaces to a multiple of 8 bytes (so the data is aligned), and the file is
 * written atomically.
 *
 * <pre>{@code
 * SafetensorsWriter.write(Path.of("lstm.safetensors"), PyTorchExport.stateDict(net));
 * }</pre>
 * In Python: {@code safetensors.torch.load_file("lstm.safetensors")} or the reader of the fixture script.
 */
public final class SafetensorsWriter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SafetensorsWriter() {}

    /** Writes {@code tensors} (float32 or float64) to {@code file}. */
    public static void write(Path file, Map<String, INDArray> tensors) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        long offset = 0;
        for (Map.Entry<String, INDArray> e : tensors.entrySet()) {
            INDArray t = e.getValue();
            ObjectNode entry = header.putObject(e.getKey());
            entry.put("dtype", dtype(e.getKey(), t.dataType()));
            ArrayNode shape = entry.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            long bytes = t.length() * t.dataType().width();
            entry.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        AtomicFile.writeStream(file, out -> {
            ByteBuffer length =
                    ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
            out.write(length.array());
            out.write(json);
            out.write(" ".repeat(padded - json.length).getBytes(StandardCharsets.US_ASCII));
            for (INDArray t : tensors.values()) {
                writeData(out, t);
            }
        });
    }

    private static String dtype(String name, DataType type) {
        return switch (type) {
            case FLOAT -> "F32";
            case DOUBLE -> "F64";
            default -> throw new IllegalArgumentException(
                    "tensor " + name + ": type " + type + " cannot be written (float32 and float64 only)");
        };
    }

    static void writeData(OutputStream out, INDArray t) throws IOException {
        INDArray c = t.dup('c');
        ByteBuffer b =
                ByteBuffer.allocate((int) (c.length() * c.dataType().width())).order(ByteOrder.LITTLE_ENDIAN);
        if (c.dataType() == DataType.DOUBLE) {
            for (double v : c.data().asDouble()) {
                b.putDouble(v);
            }
        } else {
            for (float v : c.data().asFloat()) {
                b.putFloat(v);
            }
        }
        out.write(b.array());
    }
}
