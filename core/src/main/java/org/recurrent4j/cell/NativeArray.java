package org.recurrent4j.cell;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Direct element access to the off-heap memory of a dense C-order ND4J array, for the per-step
 * loops of the cells.
 *
 * <p>Why: on the CPU backend every ND4J operation costs tens of microseconds of fixed overhead
 * (and creating a view about as much), which dwarfs the work of one recurrent step on a
 * mini-batch. The cells therefore do each step's element-wise math in one plain Java loop over the
 * memory, and call BLAS ({@link Blas}) at offsets into it, with no per-step ND4J objects.
 *
 * <p>Values are read and written as {@code double} for float32 and float64 arrays alike; the two
 * subclasses keep every call site at most bimorphic, so the JIT inlines them.
 */
public abstract sealed class NativeArray permits NativeArray.Floats, NativeArray.Doubles {

    private final INDArray array;

    private NativeArray(INDArray array) {
        this.array = array;
    }

    /** A new zero-filled array of the given shape, C order. */
    public static NativeArray zeros(DataType type, long... shape) {
        return of(Nd4j.create(type, shape, 'c'));
    }

    /**
     * Wraps a dense array that owns its memory from offset 0 in C order; any other array (a view,
     * F order) is copied first, so writes then go to the copy.
     */
    public static NativeArray of(INDArray array) {
        INDArray dense = array;
        if (array.isView()
                || array.ordering() != 'c'
                || array.offset() != 0
                || array.data().length() != array.length()) {
            dense = array.dup('c');
        }
        return switch (dense.dataType()) {
            case FLOAT -> new Floats(dense);
            case DOUBLE -> new Doubles(dense);
            default -> throw new IllegalArgumentException("recurrent4j cells compute in FLOAT or DOUBLE, got "
                    + dense.dataType() + ": set the network's dataType(DataType.FLOAT or DOUBLE)");
        };
    }

    /** The wrapped ND4J array (the same memory). */
    public INDArray array() {
        return array;
    }

    public DataType dataType() {
        return array.dataType();
    }

    public abstract double get(int i);

    public abstract void set(int i, double value);

    /** {@code this[i] += value}. */
    public abstract void add(int i, double value);

    /** Sets every element to zero. */
    public void clear() {
        array.assign(0);
    }

    static final class Floats extends NativeArray {
        private final FloatBuffer buffer;
        private final FloatPointer pointer;

        private Floats(INDArray array) {
            super(array);
            this.buffer = array.data().asNioFloat();
            this.pointer = (FloatPointer) array.data().addressPointer();
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

        FloatPointer at(long offset) {
            return new FloatPointer(pointer).position(pointer.position() + offset);
        }
    }

    static final class Doubles extends NativeArray {
        private final DoubleBuffer buffer;
        private final DoublePointer pointer;

        private Doubles(INDArray array) {
            super(array);
            this.buffer = array.data().asNioDouble();
            this.pointer = (DoublePointer) array.data().addressPointer();
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

        DoublePointer at(long offset) {
            return new DoublePointer(pointer).position(pointer.position() + offset);
        }
    }
}
