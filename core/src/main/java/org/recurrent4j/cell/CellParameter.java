package org.recurrent4j.cell;

import java.util.Arrays;

/**
 * One parameter of a recurrent cell layer: its key, shape, role and initializer.
 *
 * @param key the parameter key as DL4J sees it ({@code net.getParam("0_" + key)}); no underscore,
 *     because DL4J splits gradient keys at their last one
 * @param shape {@code [rows, columns]} or {@code [length]}
 * @param bias whether DL4J treats it as a bias (no L1/L2 regularization, no weight noise)
 * @param init how it is initialized
 */
public record CellParameter(String key, long[] shape, boolean bias, ParameterInit init) {

    public CellParameter {
        if (key.contains("_")) {
            throw new IllegalArgumentException("parameter key '" + key + "' must not contain '_'");
        }
        shape = shape.clone();
    }

    /** A weight matrix {@code [rows, columns]}. */
    public static CellParameter weight(String key, long rows, long columns, ParameterInit init) {
        return new CellParameter(key, new long[] {rows, columns}, false, init);
    }

    /** A weight vector (e.g. peepholes), regularized like weights. */
    public static CellParameter weightVector(String key, long length, ParameterInit init) {
        return new CellParameter(key, new long[] {length}, false, init);
    }

    /** A bias vector. */
    public static CellParameter bias(String key, long length, ParameterInit init) {
        return new CellParameter(key, new long[] {length}, true, init);
    }

    /** The number of values. */
    public long length() {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        return n;
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CellParameter p
                && p.key.equals(key)
                && Arrays.equals(p.shape, shape)
                && p.bias == bias
                && p.init == init;
    }

    @Override
    public int hashCode() {
        return key.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return key + Arrays.toString(shape) + (bias ? " (bias)" : "");
    }
}
