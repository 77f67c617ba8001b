package org.recurrent4j.interop.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import onnx.Onnx;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.protobuf.CodedInputStream;
import org.nd4j.shade.protobuf.InvalidProtocolBufferException;
import org.recurrent4j.interop.ElementType;
import org.recurrent4j.interop.InteropException;

/**
 * ONNX {@code TensorProto}s as ND4J arrays, and {@code .onnx} / {@code .pb} files parsed with the
 * protobuf classes nd4j-api ships ({@code onnx.Onnx}). Element types float, double, float16,
 * bfloat16 and the integer types, from {@code raw_data} or the typed fields; tensors stored outside
 * the file ({@code data_location = EXTERNAL}) and segmented tensors are refused.
 */
public final class OnnxTensors {

    /** The largest file parsed (protobuf's own limit is 2 GiB). */
    private static final int MAX_FILE_BYTES = Integer.MAX_VALUE - 8;

    private OnnxTensors() {}

    /** Parses an {@code .onnx} model file. */
    public static Onnx.ModelProto readModel(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            CodedInputStream coded = CodedInputStream.newInstance(in);
            coded.setSizeLimit(MAX_FILE_BYTES);
            Onnx.ModelProto model = Onnx.ModelProto.parseFrom(coded);
            if (!model.hasGraph() || model.getGraph().getNodeCount() == 0) {
                throw InteropException.in(file, "not an ONNX model: no graph with nodes");
            }
            return model;
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            // The protobuf parser reports some damage as IllegalStateException.
            throw InteropException.in(file, "not an ONNX model (not a readable ModelProto: " + e.getMessage() + ")");
        }
    }

    /** Parses a {@code TensorProto} file (the {@code input_0.pb} files of ONNX's test data). */
    public static INDArray readTensor(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return toArray(Onnx.TensorProto.parseFrom(in), file, "tensor");
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            throw InteropException.in(file, "not an ONNX TensorProto (" + e.getMessage() + ")");
        }
    }

    /** The tensor's values, of its dims; {@code where} names it for messages. */
    public static INDArray toArray(Onnx.TensorProto t, Path file, String where) throws InteropException {
        long[] shape = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        long count = ElementType.count(shape);
        if (count < 0) {
            throw InteropException.at(file, where, "dims " + Arrays.toString(shape) + " are negative or too large");
        }
        if (t.getDataLocation() == Onnx.TensorProto.DataLocation.EXTERNAL) {
            throw InteropException.at(
                    file,
                    where,
                    "its data is stored outside the model file (external data): save the model with all tensors inside it");
        }
        if (t.hasSegment()) {
            throw InteropException.at(file, where, "a segmented tensor is not read");
        }
        ElementType type =
                switch (t.getDataType()) {
                    case 1 -> ElementType.FLOAT32;
                    case 11 -> ElementType.FLOAT64;
                    case 10 -> ElementType.FLOAT16;
                    case 16 -> ElementType.BFLOAT16;
                    case 7 -> ElementType.INT64;
                    case 6 -> ElementType.INT32;
                    case 5 -> ElementType.INT16;
                    case 3 -> ElementType.INT8;
                    case 2 -> ElementType.UINT8;
                    case 9 -> ElementType.BOOL;
                    default -> throw InteropException.at(
                            file, where, "data_type " + t.getDataType() + " is not a numeric type read here");
                };
        if (!t.getRawData().isEmpty()) {
            long bytes = count * type.bytes();
            if (t.getRawData().size() != bytes) {
                throw InteropException.at(
                        file,
                        where,
                        "raw_data has " + t.getRawData().size() + " bytes, dims " + Arrays.toString(shape) + " of "
                                + type + " need " + bytes);
            }
            return type.decode(t.getRawData().asReadOnlyByteBuffer(), ByteOrder.LITTLE_ENDIAN, shape, 'c');
        }
        List<? extends Number> values =
                switch (type) {
                    case FLOAT32 -> t.getFloatDataList();
                    case FLOAT64 -> t.getDoubleDataList();
                    case INT64 -> t.getInt64DataList();
                    default -> t.getInt32DataList();
                };
        if (values.size() != count) {
            throw InteropException.at(
                    file,
                    where,
                    values.size() + " values for dims " + Arrays.toString(shape) + " (" + count + " elements)");
        }
        INDArray flat;
        switch (type) {
            case FLOAT32 -> {
                float[] v = new float[(int) count];
                for (int i = 0; i < v.length; i++) {
                    v[i] = values.get(i).floatValue();
                }
                flat = Nd4j.createFromArray(v);
            }
            case FLOAT64 -> flat = Nd4j.createFromArray(
                    values.stream().mapToDouble(Number::doubleValue).toArray());
            case FLOAT16, BFLOAT16 -> {
                ByteBuffer b = ByteBuffer.allocate((int) count * 2).order(ByteOrder.LITTLE_ENDIAN);
                for (Number n : values) {
                    b.putShort((short) n.intValue());
                }
                b.flip();
                return type.decode(b, ByteOrder.LITTLE_ENDIAN, shape, 'c');
            }
            default -> flat = Nd4j.createFromArray(
                    values.stream().mapToLong(Number::longValue).toArray());
        }
        return shape.length == 0 ? flat.reshape(new long[0]) : flat.reshape('c', shape);
    }
}
