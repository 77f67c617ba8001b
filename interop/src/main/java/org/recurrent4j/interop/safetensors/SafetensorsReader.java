package org.recurrent4j.interop.safetensors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.core.JsonProcessingException;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.recurrent4j.interop.ElementType;
import org.recurrent4j.interop.InteropException;
import org.recurrent4j.interop.NamedTensors;

/**
 * Reads a safetensors file: an 8-byte little-endian header length {@code N}, a JSON header of
 * {@code N} bytes, then the tensors' raw little-endian data.
 *
 * <pre>
 * {"__metadata__": {...}, "weight_ih_l0": {"dtype": "F32", "shape": [128, 10], "data_offsets": [0, 5120]}, ...}
 * </pre>
 *
 * Element types F64, F32, F16, BF16 (the last two widened to float32) and I64, I32, I16, I8, U8,
 * BOOL. Every declared size is checked against the file before anything is allocated: a header
 * longer than the file, offsets outside the data, or a byte range that does not match the shape
 * and type is an error naming the file and the tensor.
 *
 * <pre>{@code
 * NamedTensors t = SafetensorsReader.read(Path.of("gru.safetensors"));
 * }</pre>
 */
public final class SafetensorsReader {

    /** A header longer than this is not a tensor file's header. */
    static final long MAX_HEADER_BYTES = 100L << 20;

    private static final ObjectMapper JSON = new ObjectMapper();

    private SafetensorsReader() {}

    /** Reads every tensor of {@code file}. */
    public static NamedTensors read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < 8) {
                throw InteropException.in(
                        file, "not a safetensors file: " + size + " bytes, shorter than its 8-byte header length");
            }
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, lengthBytes, 0, file);
            long headerLength = lengthBytes.getLong(0);
            if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || headerLength > size - 8) {
                throw InteropException.in(
                        file,
                        "not a safetensors file: its header length field says " + Long.toUnsignedString(headerLength)
                                + " bytes, the file has " + (size - 8) + " after it");
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
            readFully(channel, headerBytes, 8, file);
            String headerText = new String(headerBytes.array(), StandardCharsets.UTF_8);
            JsonNode header;
            try {
                header = JSON.readTree(headerText);
            } catch (JsonProcessingException e) {
                throw InteropException.in(
                        file, "not a safetensors file: its header is not JSON (" + e.getOriginalMessage() + ")");
            }
            if (header == null || !header.isObject()) {
                throw InteropException.in(file, "not a safetensors file: its header is not a JSON object");
            }
            long dataStart = 8 + headerLength;
            long dataLength = size - dataStart;
            Map<String, INDArray> tensors = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    continue;
                }
                tensors.put(e.getKey(), tensor(file, channel, e.getKey(), e.getValue(), dataStart, dataLength));
            }
            return new NamedTensors(file, tensors);
        }
    }

    private static INDArray tensor(
            Path file, FileChannel channel, String name, JsonNode entry, long dataStart, long dataLength)
            throws IOException {
        String where = "tensor " + name;
        if (!entry.isObject()) {
            throw InteropException.at(file, where, "its header entry is not an object");
        }
        ElementType type = elementType(file, where, entry.get("dtype"));
        long[] shape = longs(file, where, "shape", entry.get("shape"), -1);
        long[] offsets = longs(file, where, "data_offsets", entry.get("data_offsets"), 2);
        long count = ElementType.count(shape);
        if (count < 0) {
            throw InteropException.at(
                    file, where, "shape " + java.util.Arrays.toString(shape) + " is negative or too large");
        }
        long begin = offsets[0];
        long end = offsets[1];
        if (begin < 0 || end < begin || end > dataLength) {
            throw InteropException.at(
                    file,
                    where,
                    "data_offsets [" + begin + ", " + end + "] lie outside the " + dataLength + " bytes of data");
        }
        if (end - begin != count * type.bytes()) {
            throw InteropException.at(
                    file,
                    where,
                    "data_offsets cover " + (end - begin) + " bytes, shape " + java.util.Arrays.toString(shape) + " of "
                            + type + " needs " + count * type.bytes());
        }
        ByteBuffer data = ByteBuffer.allocate((int) (end - begin));
        readFully(channel, data, dataStart + begin, file);
        data.flip();
        return type.decode(data, ByteOrder.LITTLE_ENDIAN, shape, 'c');
    }

    private static ElementType elementType(Path file, String where, JsonNode dtype) throws InteropException {
        String name = dtype == null || !dtype.isTextual() ? String.valueOf(dtype) : dtype.asText();
        return switch (name) {
            case "F64" -> ElementType.FLOAT64;
            case "F32" -> ElementType.FLOAT32;
            case "F16" -> ElementType.FLOAT16;
            case "BF16" -> ElementType.BFLOAT16;
            case "I64" -> ElementType.INT64;
            case "I32" -> ElementType.INT32;
            case "I16" -> ElementType.INT16;
            case "I8" -> ElementType.INT8;
            case "U8" -> ElementType.UINT8;
            case "BOOL" -> ElementType.BOOL;
            default -> throw InteropException.at(
                    file, where, "dtype " + name + " is not one of F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL");
        };
    }

    private static long[] longs(Path file, String where, String field, JsonNode node, int length)
            throws InteropException {
        if (node == null || !node.isArray() || (length >= 0 && node.size() != length)) {
            throw InteropException.at(
                    file,
                    where,
                    field + " is " + node + ", expected " + (length >= 0 ? length + " " : "") + "integers");
        }
        long[] out = new long[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = node.get(i);
            if (!v.canConvertToLong() || !v.isIntegralNumber()) {
                throw InteropException.at(file, where, field + " has " + v + ", not an integer");
            }
            out[i] = v.asLong();
        }
        return out;
    }

    private static void readFully(FileChannel channel, ByteBuffer into, long position, Path file) throws IOException {
        long at = position;
        while (into.hasRemaining()) {
            int n = channel.read(into, at);
            if (n < 0) {
                throw InteropException.in(file, "truncated: ends at byte " + at);
            }
            at += n;
        }
    }
}
