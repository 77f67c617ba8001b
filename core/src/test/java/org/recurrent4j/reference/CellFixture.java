package org.recurrent4j.reference;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/**
 * One reference case written by {@code core/src/test/python/generate_cell_fixtures.py}: PyTorch
 * parameters, an input, initial states and the float64 outputs of the reference implementation.
 * Arrays are float64; sequences are NCW {@code [batch, features, steps]}.
 */
record CellFixture(
        String name,
        Map<String, INDArray> params,
        INDArray input,
        INDArray h0,
        INDArray c0,
        INDArray output,
        INDArray hN,
        INDArray cN,
        INDArray outputZeroState) {

    static CellFixture load(String name) throws IOException {
        String resource = "/fixtures/cells/" + name + ".json";
        try (InputStream in = CellFixture.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException(
                        "missing test resource " + resource + ": run core/src/test/python/generate_cell_fixtures.py");
            }
            JsonNode root = new ObjectMapper().readTree(in);
            Map<String, INDArray> params = new TreeMap<>();
            root.get("params").fields().forEachRemaining(e -> params.put(e.getKey(), array(e.getValue())));
            return new CellFixture(
                    name,
                    params,
                    array(root.get("input")),
                    array(root.get("h0")),
                    root.has("c0") ? array(root.get("c0")) : null,
                    array(root.get("output")),
                    array(root.get("h_n")),
                    root.has("c_n") ? array(root.get("c_n")) : null,
                    array(root.get("output_zero_state")));
        }
    }

    /** A nested JSON array of numbers, of any depth, as a float64 array of that shape. */
    static INDArray array(JsonNode node) {
        java.util.List<Long> shape = new java.util.ArrayList<>();
        JsonNode n = node;
        while (n.isArray()) {
            shape.add((long) n.size());
            n = n.get(0);
        }
        double[] values = new double[shape.stream().mapToInt(Long::intValue).reduce(1, (a, b) -> a * b)];
        int[] next = {0};
        flatten(node, values, next);
        return Nd4j.create(values, shape.stream().mapToLong(Long::longValue).toArray(), 'c')
                .castTo(DataType.DOUBLE);
    }

    private static void flatten(JsonNode node, double[] values, int[] next) {
        if (node.isArray()) {
            for (JsonNode child : node) {
                flatten(child, values, next);
            }
        } else {
            values[next[0]++] = node.asDouble();
        }
    }
}
