package org.recurrent4j.interop;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The element types tensor files store, with their width in bytes and the ND4J type they are read
 * into. Half and bfloat16 values are widened to float32 (every recurrent4j layer computes in float32
 * or float64); integers are read as int64, booleans as int64 0 or 1.
 */
public enum ElementType {
    FLOAT64(8, DataType.DOUBLE),
    FLOAT32(4, DataType.FLOAT),
    FLOAT16(2, DataType.FLOAT),
    BFLOAT16(2, DataType.FLOAT),
    INT64(8, DataType.INT64),
    INT32(4, DataType.INT64),
    INT16(2, DataType.INT64),
    INT8(1, DataType.INT64),
    UINT8(1, DataType.INT64),
    BOOL(1, DataType.INT64);

    private final int bytes;
    private final DataType readAs;

    ElementType(int bytes, DataType readAs) {
        this.bytes = bytes;
        this.readAs = readAs;
    }

    /** The width of one element in bytes. */
    public int bytes() {
        return bytes;
    }

    /** The ND4J type a tensor of this element type is read into. */
    public DataType readAs() {
        return readAs;
    }

    /** True for the floating-point types. */
    public boolean isFloatingPoint() {
        return readAs != DataType.INT64;
    }

    /**
     * The number of elements of {@code shape}, or -1 when a dimension is negative or the count
     * exceeds what one Java array holds.
     */
    public static long count(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                return -1;
            }
            if (d != 0 && n > Integer.MAX_VALUE / d) {
                return -1;
            }
            n *= d;
        }
        return n <= Integer.MAX_VALUE - 8 ? n : -1;
    }

    /**
     * Reads {@code count} elements of this type from {@code data} at its position, in row-major
     * ({@code c}) or column-major ({@code f}) order, into an array of {@code shape}.
     */
    public INDArray decode(ByteBuffer data, ByteOrder order, long[] shape, char ordering) {
        int n = Math.toIntExact(count(shape));
        ByteBuffer in = data.slice().order(order);
        INDArray flat;
        if (readAs == DataType.DOUBLE) {
            double[] v = new double[n];
            in.asDoubleBuffer().get(v);
            flat = Nd4j.createFromArray(v);
        } else if (readAs == DataType.FLOAT) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = switch (this) {
                    case FLOAT32 -> in.getFloat(4 * i);
                    case FLOAT16 -> halfToFloat(in.getShort(2 * i));
                    default -> Float.intBitsToFloat((in.getShort(2 * i) & 0xffff) << 16);
                };
            }
            flat = Nd4j.createFromArray(v);
        } else {
            long[] v = new long[n];
            for (int i = 0; i < n; i++) {
                v[i] = switch (this) {
                    case INT64 -> in.getLong(8 * i);
                    case INT32 -> in.getInt(4 * i);
                    case INT16 -> in.getShort(2 * i);
                    case INT8 -> in.get(i);
                    default -> in.get(i) & 0xff;
                };
            }
            flat = Nd4j.createFromArray(v);
        }
        if (shape.length == 0) {
            return flat.reshape(new long[0]);
        }
        return flat.reshape(ordering, shape).dup('c');
    }

    /** IEEE 754 binary16 to float (Java 17 has no {@code Float.float16ToFloat}). */
    static float halfToFloat(short half) {
        int bits = half & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }
}
