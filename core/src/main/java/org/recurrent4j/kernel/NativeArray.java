package org.recurrent4j.kernel;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Element access to the memory of a dense C-order ND4J array, for the per-step loops of the cells.
 *
 * <p>Why: on the CPU backend every ND4J operation costs tens of microseconds of fixed overhead
 * (and creating a view about as much), which dwarfs the work of one recurrent step on a
 * mini-batch. The cells therefore do each step's element-wise math in one plain Java loop over the
 * memory, and call {@link Blas} at offsets into it, with no per-step ND4J objects.
 *
 * <p>Values are read and written as {@code double} for float32 and float64 arrays alike. On the
 * {@linkplain KernelPath#DIRECT direct path} an array reads its host memory through an NIO view
 * (one subclass per data type, so every call site stays at most bimorphic and the JIT inlines it);
 * on the {@linkplain KernelPath#PORTABLE portable path} through ND4J's {@link DataBuffer} element
 * access, which every backend implements. Which one {@link #of} and the work buffers hand out
 * follows {@link KernelPath#active()}. Indices are {@code int}: an array holds at most {@code 2^31
 * − 1} bytes (see {@link Buffers}, which checks it).
 */
public abstract sealed class NativeArray permits NativeArray.Floats, NativeArray.Doubles, NativeArray.Portable {

    private final INDArray array;

    private NativeArray(INDArray array) {
        this.array = array;
    }

    /**
     * Wraps an array in C order: a dense array that owns its memory from offset 0, or, on the
     * direct path, a view of a contiguous run of memory (such as a layer's weights in the network's
     * flattened parameters), read and written in place. Any other array (F order, strided views) is
     * copied first, so writes then go to the copy.
     */
    public static NativeArray of(INDArray array) {
        NativeArray inPlace = inPlace(array);
        if (inPlace != null) {
            return inPlace;
        }
        INDArray dense = array.dup('c');
        return over(dense.data(), dense);
    }

    /**
     * The array itself, read and written in place, or null where {@link #of} would copy it (not C
     * order, or a view off the direct path).
     */
    public static NativeArray inPlace(INDArray array) {
        // The strides, not ordering(): ND4J can report 'c' for a permuted array over a whole buffer.
        if (!contiguous(array)) {
            return null;
        }
        if (!array.isView() && array.offset() == 0 && array.data().length() == array.length()) {
            return over(array.data(), array);
        }
        if (KernelPath.active() == KernelPath.DIRECT) {
            return switch (array.dataType()) {
                case FLOAT -> new Floats(array);
                case DOUBLE -> new Doubles(array);
                default -> over(array.data(), array);
            };
        }
        return null;
    }

    /**
     * The elements of an array in C order, as doubles: for a layer's parameters, read in place (on
     * the direct path) rather than through ND4J's {@code toDoubleVector}, which copies the array into
     * a new one first.
     */
    public static double[] values(INDArray array) {
        NativeArray a = of(array);
        int n = Math.toIntExact(a.length());
        double[] values = new double[n];
        if (a instanceof Floats) {
            float[] floats = new float[n];
            a.read(0, floats, 0, n);
            for (int i = 0; i < n; i++) {
                values[i] = floats[i];
            }
        } else {
            for (int i = 0; i < n; i++) {
                values[i] = a.get(i);
            }
        }
        return values;
    }

    /**
     * Whether the array's elements, read in C order, are one run of memory with no gaps. Judged by
     * the strides alone: a vector view (such as a bias in the network's parameters) qualifies
     * whatever order ND4J calls it.
     */
    private static boolean contiguous(INDArray array) {
        if (array.isEmpty() || array.length() > Integer.MAX_VALUE) {
            return false;
        }
        long[] shape = array.shape();
        long[] strides = array.stride();
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != expected) {
                return false;
            }
            expected *= shape[i];
        }
        return true;
    }

    /**
     * The first {@code prod(shape)} elements of a buffer, seen as a C-order array of that shape;
     * the buffer may be larger (a reused block, see {@link BufferPool}).
     */
    static NativeArray over(DataBuffer block, long... shape) {
        long[] strides = new long[shape.length];
        long stride = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = stride;
            stride *= shape[i];
        }
        INDArray shaped = Nd4j.create(block, shape, strides, 0, 'c', block.dataType());
        return over(block, shaped);
    }

    private static NativeArray over(DataBuffer data, INDArray shaped) {
        boolean direct = KernelPath.active() == KernelPath.DIRECT;
        return switch (data.dataType()) {
            case FLOAT -> direct ? new Floats(shaped, data) : new Portable(shaped, data);
            case DOUBLE -> direct ? new Doubles(shaped, data) : new Portable(shaped, data);
            default -> throw new IllegalArgumentException("recurrent4j cells compute in FLOAT or DOUBLE, got "
                    + data.dataType() + ": set the network's dataType(DataType.FLOAT or DOUBLE)");
        };
    }

    /** Whether this array's element access is the one of {@code path}. */
    boolean accessFor(KernelPath path) {
        return (this instanceof Portable) == (path == KernelPath.PORTABLE);
    }

    /**
     * An ND4J view of this array's memory with any C-order-compatible geometry (no copy), for the
     * work buffers (not for a view wrapped in place by {@link #of}), e.g. the
     * steps {@code 1..T} of a {@code [H, T+1, B]} state array. Built directly from the buffer,
     * because ND4J 1.0.0-M2.1's {@code get(interval(..), ...)} on some views returns an empty array.
     */
    public INDArray view(long offset, long[] shape, long[] strides) {
        return Nd4j.create(array.data(), shape, strides, offset, 'c', array.dataType());
    }

    /** The ND4J array over the same memory, with this array's shape. */
    public INDArray array() {
        return array;
    }

    public DataType dataType() {
        return array.dataType();
    }

    /** The number of elements. */
    public long length() {
        return array.length();
    }

    public abstract double get(int i);

    public abstract void set(int i, double value);

    /** {@code this[i] += value}. */
    public abstract void add(int i, double value);

    /** Sets {@code count} elements from {@code from} to {@code value}. */
    public void fill(long from, int count, double value) {
        int start = Math.toIntExact(from);
        for (int i = start; i < start + count; i++) {
            set(i, value);
        }
    }

    /**
     * Copies {@code count} elements from {@code from} into {@code values[at, at + count)}, as
     * floats: the float32 element-wise loops work on heap arrays, which HotSpot vectorizes.
     */
    public void read(int from, float[] values, int at, int count) {
        for (int i = 0; i < count; i++) {
            values[at + i] = (float) get(from + i);
        }
    }

    /** Copies {@code values[at, at + count)} to the {@code count} elements from {@code to}. */
    public void write(int to, float[] values, int at, int count) {
        for (int i = 0; i < count; i++) {
            set(to + i, values[at + i]);
        }
    }

    /** Copies {@code count} elements from {@code from} to {@code target}'s elements from {@code to}. */
    public void copyTo(int from, NativeArray target, int to, int count) {
        for (int i = 0; i < count; i++) {
            target.set(to + i, get(from + i));
        }
    }

    /** Sets every element to zero. */
    public void clear() {
        array.assign(0);
    }

    static final class Floats extends NativeArray {
        private final FloatBuffer buffer;
        /** The buffer whose address {@link #pointer} is, taken when a BLAS call first needs it. */
        private final DataBuffer data;
        /**
         * Taken on first use: each of the buffer and the pointer is a native call, and most arrays
         * wrapped per step (states, inputs, biases) are never handed to BLAS.
         */
        private volatile FloatPointer pointer;

        private Floats(INDArray array, DataBuffer data) {
            super(array);
            this.buffer = data.asNioFloat();
            this.data = data;
        }

        /**
         * A view in place. Its buffer's address pointer starts at the view (its NIO buffer does not,
         * for views of views): the elements are read through that pointer.
         */
        private Floats(INDArray view) {
            super(view);
            long n = view.length();
            this.data = null;
            this.pointer = new FloatPointer((FloatPointer) view.data().addressPointer());
            this.buffer = new FloatPointer(pointer).capacity(n).limit(n).asBuffer();
        }

        @Override
        public double get(int i) {
            return buffer.get(i);
        }

        @Override
        public void set(int i, double value) {
            buffer.put(i, (float) value);
        }

        @Override
        public void add(int i, double value) {
            buffer.put(i, (float) (buffer.get(i) + value));
        }

        @Override
        public void read(int from, float[] values, int at, int count) {
            buffer.get(from, values, at, count);
        }

        @Override
        public void write(int to, float[] values, int at, int count) {
            buffer.put(to, values, at, count);
        }

        /**
         * The value once, then the filled run copied onto the rest, doubling (bulk copies inside
         * the buffer): element-wise puts cost a bias fill of every step's rows more than the matrix
         * product after it.
         */
        @Override
        public void fill(long from, int count, double value) {
            if (count <= 0) {
                return;
            }
            int start = Math.toIntExact(from);
            buffer.put(start, (float) value);
            for (int filled = 1; filled < count; filled *= 2) {
                buffer.put(start + filled, buffer, start, Math.min(filled, count - filled));
            }
        }

        @Override
        public void clear() {
            fill(0, Math.toIntExact(length()), 0.0);
        }

        @Override
        public void copyTo(int from, NativeArray target, int to, int count) {
            if (target instanceof Floats floats) {
                floats.buffer.put(to, buffer, from, count);
            } else {
                super.copyTo(from, target, to, count);
            }
        }

        FloatPointer at(long offset) {
            FloatPointer p = pointer;
            if (p == null) {
                p = (FloatPointer) data.addressPointer();
                pointer = p;
            }
            return new FloatPointer(p).position(p.position() + offset);
        }
    }

    static final class Doubles extends NativeArray {
        private final DoubleBuffer buffer;
        /** As {@link Floats}: the pointer is taken on first use. */
        private final DataBuffer data;

        private volatile DoublePointer pointer;

        private Doubles(INDArray array, DataBuffer data) {
            super(array);
            this.buffer = data.asNioDouble();
            this.data = data;
        }

        /** A view in place, read through its buffer's address pointer (see {@link Floats}). */
        private Doubles(INDArray view) {
            super(view);
            long n = view.length();
            this.data = null;
            this.pointer = new DoublePointer((DoublePointer) view.data().addressPointer());
            this.buffer = new DoublePointer(pointer).capacity(n).limit(n).asBuffer();
        }

        @Override
        public double get(int i) {
            return buffer.get(i);
        }

        @Override
        public void set(int i, double value) {
            buffer.put(i, value);
        }

        @Override
        public void add(int i, double value) {
            buffer.put(i, buffer.get(i) + value);
        }

        @Override
        public void copyTo(int from, NativeArray target, int to, int count) {
            if (target instanceof Doubles doubles) {
                doubles.buffer.put(to, buffer, from, count);
            } else {
                super.copyTo(from, target, to, count);
            }
        }

        DoublePointer at(long offset) {
            DoublePointer p = pointer;
            if (p == null) {
                p = (DoublePointer) data.addressPointer();
                pointer = p;
            }
            return new DoublePointer(p).position(p.position() + offset);
        }
    }

    /**
     * The portable path's element access: ND4J's {@link DataBuffer#getDouble(long)} and {@link
     * DataBuffer#put(long, double)}, which every backend implements and keeps coherent with device
     * memory.
     */
    static final class Portable extends NativeArray {
        private final DataBuffer data;

        private Portable(INDArray array, DataBuffer data) {
            super(array);
            this.data = data;
        }

        @Override
        public double get(int i) {
            return data.getDouble(i);
        }

        @Override
        public void set(int i, double value) {
            data.put(i, value);
        }

        @Override
        public void add(int i, double value) {
            data.put(i, data.getDouble(i) + value);
        }
    }
}
