package org.recurrent4j.testkit;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A layer's parameters as plain Java arrays, for a {@link ReferenceStep}: keys and shapes as the
 * cell declares them ({@code Wih [rows, k·nIn]}, {@code bih [rows]}, your own), row-major.
 */
public final class ReferenceParameters {

    private final Map<String, INDArray> params;

    ReferenceParameters(Map<String, INDArray> params) {
        this.params = params;
    }

    /** The parameter keys. */
    public Set<String> keys() {
        return params.keySet();
    }

    /** A matrix parameter, {@code [rows][columns]}. */
    public double[][] matrix(String key) {
        INDArray p = get(key);
        if (p.rank() != 2) {
            throw new IllegalArgumentException(
                    "parameter '" + key + "' has shape " + Arrays.toString(p.shape()) + ": use vector()");
        }
        return p.toDoubleMatrix();
    }

    /** A vector parameter (a bias, {@code u}, ...), {@code [length]}; a matrix is read row by row. */
    public double[] vector(String key) {
        return get(key).toDoubleVector();
    }

    private INDArray get(String key) {
        INDArray p = params.get(key);
        if (p == null) {
            throw new IllegalArgumentException("no parameter '" + key + "'; the layer has " + params.keySet());
        }
        return p;
    }
}
