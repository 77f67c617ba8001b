package org.recurrent4j.interop.onnx;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import onnx.Onnx;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.recurrent4j.interop.InteropException;

/**
 * Evaluates the operators exporters put around recurrent nodes to move tensors between layouts
 * and to build zero initial states ({@code Transpose}, {@code Reshape}, {@code Squeeze}, {@code
 * Unsqueeze}, {@code Concat}, {@code Slice}, {@code Gather}, {@code Shape}, {@code Constant},
 * {@code ConstantOfShape}, {@code Expand}, {@code Cast}, {@code Identity}), on small probe tensors
 * whose elements are distinct tags. What a path of these operators does to a tensor is then read
 * off the tags: a transposition of the input, the concatenation of a node's directions, zeros. Any
 * other operator on a path the import needs is refused, naming the node.
 *
 * <p>Values of graph inputs and of recurrent nodes' outputs are given ({@link #define}); others are
 * computed on demand from initializers and nodes.
 */
final class LayoutOps {

    private static final Set<String> OPS = Set.of(
            "Transpose",
            "Reshape",
            "Squeeze",
            "Unsqueeze",
            "Concat",
            "Slice",
            "Gather",
            "Shape",
            "Constant",
            "ConstantOfShape",
            "Expand",
            "Cast",
            "Identity");

    private final Path file;
    private final Map<String, Onnx.NodeProto> producers = new HashMap<>();
    private final Map<String, Onnx.TensorProto> initializers = new HashMap<>();
    private final Map<String, INDArray> values = new HashMap<>();
    private final Set<String> evaluating = new HashSet<>();

    LayoutOps(Path file, Onnx.GraphProto graph) {
        this.file = file;
        for (Onnx.NodeProto n : graph.getNodeList()) {
            for (String out : n.getOutputList()) {
                producers.put(out, n);
            }
        }
        for (Onnx.TensorProto t : graph.getInitializerList()) {
            initializers.put(t.getName(), t);
        }
    }

    /** Gives the value of a graph input or of a recurrent node's output. */
    void define(String name, INDArray value) {
        values.put(name, value);
    }

    /** The node that produces {@code name}, or null for graph inputs and initializers. */
    Onnx.NodeProto producer(String name) {
        return producers.get(name);
    }

    boolean isInitializer(String name) {
        return initializers.containsKey(name) && producers.get(name) == null;
    }

    /** The value of {@code name}, computing what it depends on. */
    INDArray value(String name) throws InteropException {
        INDArray known = values.get(name);
        if (known != null) {
            return known;
        }
        Onnx.NodeProto node = producers.get(name);
        if (node == null) {
            Onnx.TensorProto init = initializers.get(name);
            if (init == null) {
                throw InteropException.at(
                        file, "value " + name, "has no value: a graph input without data, or a missing tensor");
            }
            INDArray v = OnnxTensors.toArray(init, file, "initializer " + name);
            values.put(name, v);
            return v;
        }
        if (!OPS.contains(node.getOpType())) {
            throw InteropException.at(
                    file,
                    "node " + nodeName(node) + " (" + node.getOpType() + ")",
                    "operator " + node.getOpType()
                            + " is not imported (around RNN, LSTM and GRU nodes only layout operators "
                            + new java.util.TreeSet<>(OPS) + " are)");
        }
        if (!evaluating.add(name) || evaluating.size() > 10_000) {
            throw InteropException.at(file, "node " + nodeName(node), "the graph has a cycle");
        }
        INDArray v = evaluate(node);
        evaluating.remove(name);
        if (node.getOutputCount() != 1 || !node.getOutput(0).equals(name)) {
            throw InteropException.at(
                    file, "node " + nodeName(node), "a layout operator with several outputs is not read");
        }
        values.put(name, v);
        return v;
    }

    static String nodeName(Onnx.NodeProto node) {
        return node.getName().isEmpty()
                ? node.getOpType() + "→"
                        + String.join(
                                ",",
                                node.getOutputList().stream()
                                        .filter(o -> !o.isEmpty())
                                        .toList())
                : node.getName();
    }

    private INDArray input(Onnx.NodeProto node, int i) throws InteropException {
        if (i >= node.getInputCount() || node.getInput(i).isEmpty()) {
            return null;
        }
        return value(node.getInput(i));
    }

    private INDArray evaluate(Onnx.NodeProto node) throws InteropException {
        String where = "node " + nodeName(node) + " (" + node.getOpType() + ")";
        Map<String, Onnx.AttributeProto> attrs = new HashMap<>();
        for (Onnx.AttributeProto a : node.getAttributeList()) {
            attrs.put(a.getName(), a);
        }
        try {
            return switch (node.getOpType()) {
                case "Identity", "Cast" -> cast(required(node, 0, where), attrs.get("to"));
                case "Transpose" -> transpose(required(node, 0, where), attrs.get("perm"));
                case "Reshape" -> reshape(
                        required(node, 0, where),
                        longs(required(node, 1, where)),
                        attrs.containsKey("allowzero") && attrs.get("allowzero").getI() != 0,
                        where);
                case "Squeeze" -> squeeze(required(node, 0, where), axes(node, attrs, 1), where);
                case "Unsqueeze" -> unsqueeze(required(node, 0, where), axes(node, attrs, 1), where);
                case "Concat" -> concat(node, attrs, where);
                case "Slice" -> slice(node, attrs, where);
                case "Gather" -> gather(
                        required(node, 0, where),
                        required(node, 1, where),
                        attrs.containsKey("axis") ? attrs.get("axis").getI() : 0,
                        where);
                case "Shape" -> shape(required(node, 0, where), attrs);
                case "Constant" -> constant(attrs, where);
                case "ConstantOfShape" -> constantOfShape(longs(required(node, 0, where)), attrs.get("value"), where);
                case "Expand" -> expand(required(node, 0, where), longs(required(node, 1, where)), where);
                default -> throw new IllegalStateException(node.getOpType());
            };
        } catch (IllegalArgumentException | IllegalStateException | IndexOutOfBoundsException | ArithmeticException e) {
            throw InteropException.at(file, where, "cannot be evaluated: " + e.getMessage());
        }
    }

    private INDArray required(Onnx.NodeProto node, int i, String where) throws InteropException {
        INDArray v = input(node, i);
        if (v == null) {
            throw InteropException.at(file, where, "input " + i + " is missing");
        }
        return v;
    }

    private INDArray cast(INDArray in, Onnx.AttributeProto to) {
        if (to == null) {
            return in;
        }
        int t = (int) to.getI();
        boolean floating = t == 1 || t == 10 || t == 11 || t == 16;
        return floating ? in.castTo(DataType.DOUBLE) : in.castTo(DataType.INT64);
    }

    private static INDArray transpose(INDArray in, Onnx.AttributeProto perm) {
        int rank = in.rank();
        int[] p = new int[rank];
        if (perm == null) {
            for (int i = 0; i < rank; i++) {
                p[i] = rank - 1 - i;
            }
        } else {
            if (perm.getIntsCount() != rank) {
                throw new IllegalArgumentException("perm " + perm.getIntsList() + " for a tensor of rank " + rank);
            }
            for (int i = 0; i < rank; i++) {
                p[i] = (int) perm.getInts(i);
            }
        }
        return in.permute(p).dup('c');
    }

    private static INDArray reshape(INDArray in, long[] shape, boolean allowZero, String where) {
        long[] out = shape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == 0 && !allowZero) {
                if (i >= in.rank()) {
                    throw new IllegalArgumentException(
                            "shape " + Arrays.toString(shape) + " copies a dimension the input lacks");
                }
                out[i] = in.size(i);
            }
            if (out[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has two -1");
                }
                infer = i;
            } else if (out[i] < 0) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has a negative size");
            } else {
                known *= out[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || in.length() % known != 0) {
                throw new IllegalArgumentException(
                        "shape " + Arrays.toString(shape) + " does not divide " + in.length() + " elements");
            }
            out[infer] = in.length() / known;
        } else if (known != in.length()) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " for " + in.length() + " elements");
        }
        return in.dup('c').reshape('c', out);
    }

    private long[] axes(Onnx.NodeProto node, Map<String, Onnx.AttributeProto> attrs, int inputIndex)
            throws InteropException {
        INDArray fromInput = input(node, inputIndex);
        if (fromInput != null) {
            return longs(fromInput);
        }
        Onnx.AttributeProto a = attrs.get("axes");
        return a == null
                ? null
                : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
    }

    private static int axis(long axis, int rank) {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException("axis " + axis + " for rank " + rank);
        }
        return (int) a;
    }

    private static INDArray squeeze(INDArray in, long[] axes, String where) {
        List<Long> shape = new ArrayList<>();
        Set<Integer> drop = new HashSet<>();
        if (axes != null) {
            for (long a : axes) {
                int ax = axis(a, in.rank());
                if (in.size(ax) != 1) {
                    throw new IllegalArgumentException("squeezes axis " + a + " of size " + in.size(ax));
                }
                drop.add(ax);
            }
        }
        for (int i = 0; i < in.rank(); i++) {
            if (axes == null ? in.size(i) != 1 : !drop.contains(i)) {
                shape.add(in.size(i));
            }
        }
        return in.dup('c')
                .reshape('c', shape.stream().mapToLong(Long::longValue).toArray());
    }

    private static INDArray unsqueeze(INDArray in, long[] axes, String where) {
        if (axes == null) {
            throw new IllegalArgumentException("no axes");
        }
        int rank = in.rank() + axes.length;
        Set<Integer> added = new HashSet<>();
        for (long a : axes) {
            added.add(axis(a, rank));
        }
        long[] shape = new long[rank];
        int j = 0;
        for (int i = 0; i < rank; i++) {
            shape[i] = added.contains(i) ? 1 : in.size(j++);
        }
        return in.dup('c').reshape('c', shape);
    }

    private INDArray concat(Onnx.NodeProto node, Map<String, Onnx.AttributeProto> attrs, String where)
            throws InteropException {
        List<INDArray> parts = new ArrayList<>();
        for (int i = 0; i < node.getInputCount(); i++) {
            parts.add(required(node, i, where));
        }
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("no inputs");
        }
        int rank = parts.get(0).rank();
        int axis = axis(attrs.containsKey("axis") ? attrs.get("axis").getI() : 0, Math.max(rank, 1));
        DataType type = parts.stream().anyMatch(p -> p.dataType() == DataType.DOUBLE)
                ? DataType.DOUBLE
                : parts.get(0).dataType();
        INDArray[] cast = parts.stream().map(p -> p.castTo(type)).toArray(INDArray[]::new);
        if (rank == 1) {
            return Nd4j.concat(0, cast);
        }
        return Nd4j.concat(axis, cast);
    }

    private INDArray slice(Onnx.NodeProto node, Map<String, Onnx.AttributeProto> attrs, String where)
            throws InteropException {
        INDArray data = required(node, 0, where);
        long[] starts = node.getInputCount() > 1 ? longs(required(node, 1, where)) : attrLongs(attrs, "starts");
        long[] ends = node.getInputCount() > 2 ? longs(required(node, 2, where)) : attrLongs(attrs, "ends");
        long[] axes = input(node, 3) != null
                ? longs(input(node, 3))
                : attrs.containsKey("axes") ? attrLongs(attrs, "axes") : null;
        long[] steps = input(node, 4) != null ? longs(input(node, 4)) : null;
        INDArrayIndex[] index = new INDArrayIndex[data.rank()];
        Arrays.fill(index, NDArrayIndex.all());
        for (int i = 0; i < starts.length; i++) {
            int ax = axis(axes == null ? i : axes[i], data.rank());
            long size = data.size(ax);
            long step = steps == null ? 1 : steps[i];
            if (step <= 0) {
                throw new IllegalArgumentException("a Slice step of " + step + " is not read");
            }
            long s = clamp(starts[i] < 0 ? starts[i] + size : starts[i], size);
            long e = clamp(ends[i] < 0 ? ends[i] + size : ends[i], size);
            if (e <= s) {
                throw new IllegalArgumentException("an empty Slice");
            }
            index[ax] = NDArrayIndex.interval(s, step, e);
        }
        return data.get(index).dup('c');
    }

    private static long clamp(long v, long size) {
        return Math.max(0, Math.min(v, size));
    }

    private static long[] attrLongs(Map<String, Onnx.AttributeProto> attrs, String name) {
        Onnx.AttributeProto a = attrs.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no " + name);
        }
        return a.getIntsList().stream().mapToLong(Long::longValue).toArray();
    }

    private static INDArray gather(INDArray data, INDArray indices, long axisAttr, String where) {
        int axis = axis(axisAttr, data.rank());
        long[] idx = longs(indices);
        long size = data.size(axis);
        INDArrayIndex[] index = new INDArrayIndex[data.rank()];
        Arrays.fill(index, NDArrayIndex.all());
        List<INDArray> picked = new ArrayList<>();
        for (long i : idx) {
            long at = i < 0 ? i + size : i;
            if (at < 0 || at >= size) {
                throw new IllegalArgumentException("index " + i + " outside " + size);
            }
            index[axis] = NDArrayIndex.interval(at, at + 1);
            picked.add(data.get(index).dup('c'));
        }
        INDArray stacked = Nd4j.concat(axis, picked.toArray(INDArray[]::new));
        if (indices.rank() == 0) {
            long[] shape = new long[data.rank() - 1];
            for (int i = 0, j = 0; i < data.rank(); i++) {
                if (i != axis) {
                    shape[j++] = data.size(i);
                }
            }
            return stacked.reshape('c', shape);
        }
        if (indices.rank() != 1) {
            throw new IllegalArgumentException("Gather indices of rank " + indices.rank() + " are not read");
        }
        return stacked;
    }

    private static INDArray shape(INDArray in, Map<String, Onnx.AttributeProto> attrs) {
        long[] s = in.shape();
        int start = attrs.containsKey("start") ? (int) attrs.get("start").getI() : 0;
        int end = attrs.containsKey("end") ? (int) attrs.get("end").getI() : s.length;
        start = start < 0 ? start + s.length : start;
        end = end < 0 ? end + s.length : end;
        return Nd4j.createFromArray(Arrays.copyOfRange(s, Math.max(0, start), Math.min(s.length, end)));
    }

    private INDArray constant(Map<String, Onnx.AttributeProto> attrs, String where) throws InteropException {
        if (attrs.containsKey("value")) {
            return OnnxTensors.toArray(attrs.get("value").getT(), file, where + " value");
        }
        if (attrs.containsKey("value_int")) {
            return Nd4j.scalar(attrs.get("value_int").getI());
        }
        if (attrs.containsKey("value_ints")) {
            return Nd4j.createFromArray(attrLongs(attrs, "value_ints"));
        }
        if (attrs.containsKey("value_float")) {
            return Nd4j.scalar((double) attrs.get("value_float").getF());
        }
        if (attrs.containsKey("value_floats")) {
            return Nd4j.createFromArray(attrs.get("value_floats").getFloatsList().stream()
                    .mapToDouble(Float::doubleValue)
                    .toArray());
        }
        throw new IllegalArgumentException("a Constant without a numeric value");
    }

    private INDArray constantOfShape(long[] shape, Onnx.AttributeProto value, String where) throws InteropException {
        double v = 0;
        if (value != null) {
            INDArray t = OnnxTensors.toArray(value.getT(), file, where + " value");
            v = t.getDouble(0);
        }
        long count = org.recurrent4j.interop.ElementType.count(shape);
        if (count < 0 || count > 1 << 24) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " is too large");
        }
        return Nd4j.valueArrayOf(shape, v, DataType.DOUBLE);
    }

    private static INDArray expand(INDArray in, long[] shape, String where) {
        int rank = Math.max(in.rank(), shape.length);
        long[] a = new long[rank];
        long[] out = new long[rank];
        for (int i = 0; i < rank; i++) {
            int ia = i - (rank - in.rank());
            int is = i - (rank - shape.length);
            a[i] = ia >= 0 ? in.size(ia) : 1;
            long s = is >= 0 ? shape[is] : 1;
            if (a[i] != 1 && s != 1 && a[i] != s) {
                throw new IllegalArgumentException(
                        "cannot broadcast " + Arrays.toString(in.shape()) + " to " + Arrays.toString(shape));
            }
            out[i] = Math.max(a[i], s);
        }
        return in.dup('c').reshape('c', a).broadcast(out).dup('c');
    }

    /** The values of a small integer tensor (a shape, axes, indices). */
    static long[] longs(INDArray v) {
        if (v.length() > 64) {
            throw new IllegalArgumentException("a shape or index list of " + v.length() + " values");
        }
        return v.dup('c').castTo(DataType.INT64).reshape(v.length()).toLongVector();
    }
}
