package org.recurrent4j.training;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Counts the examples whose every real step is predicted right, for {@link Metrics#exactMatch}. */
final class ExactMatch {

    private ExactMatch() {}

    /**
     * @param output {@code [batch, classes, steps]} or {@code [batch, classes]}
     * @param labels one-hot, shaped as {@code output}
     * @param mask {@code [batch, steps]} (1 on real steps) or null
     */
    static long count(INDArray output, INDArray labels, INDArray mask) {
        if (output.rank() == 2) {
            output = output.reshape(output.size(0), output.size(1), 1);
            labels = labels.reshape(labels.size(0), labels.size(1), 1);
        }
        int batch = (int) output.size(0);
        int steps = (int) output.size(2);
        // Arg-max over the classes, read once as Java arrays: [batch, steps] each.
        long[] predicted =
                output.argMax(1).castTo(DataType.INT64).dup('c').data().asLong();
        long[] wanted = labels.argMax(1).castTo(DataType.INT64).dup('c').data().asLong();
        double[] real = mask == null
                ? null
                : mask.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        long right = 0;
        for (int b = 0; b < batch; b++) {
            boolean all = true;
            for (int t = 0; t < steps && all; t++) {
                int at = b * steps + t;
                if ((real == null || real[at] != 0) && predicted[at] != wanted[at]) {
                    all = false;
                }
            }
            if (all) {
                right++;
            }
        }
        return right;
    }
}
