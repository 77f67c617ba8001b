package org.recurrent4j.interop;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Tensors by name and the file they came from (for messages):
 * what a PyTorch {@code state_dict}, an {@code .npz} or a safetensors file holds.
 *
 * <pre>{@code
 * NamedTensors weights = TensorFiles.read(Path.of("lstm.safetensors"));
 * INDArray wih = weights.require("weight_ih_l0", 4 * 32, 10);
 * }</pre>
 */
public final class NamedTensors {

    private final Path source;
    private final Map<String, INDArray> tensors;

    public NamedTensors(Path source, Map<String, INDArray> tensors) {
        this.source = source;
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    /** The file the tensors were read from. */
    public Path source() {
        return source;
    }

    /** The names, in the order the reader found them. */
    public Set<String> names() {
        return tensors.keySet();
    }

    /** Every tensor by name. */
    public Map<String, INDArray> asMap() {
        return tensors;
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /** The tensor called {@code name}, or null. */
    public INDArray get(String name) {
        return tensors.get(name);
    }

    /**
     * The tensor called {@code name}, of exactly {@code shape}.
     *
     * @throws InteropException naming the file and the tensor when it is missing or has another shape
     */
    public INDArray require(String name, long... shape) throws InteropException {
        INDArray t = tensors.get(name);
        if (t == null) {
            throw InteropException.at(source, "tensor " + name, "missing (the file has " + names() + ")");
        }
        if (!Arrays.equals(t.shape(), shape)) {
            throw InteropException.at(
                    source,
                    "tensor " + name,
                    "shape " + Arrays.toString(t.shape()) + ", expected " + Arrays.toString(shape));
        }
        return t;
    }
}
