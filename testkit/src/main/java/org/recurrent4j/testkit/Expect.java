package org.recurrent4j.testkit;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** The kit's assertions: each failure says what was compared, the cell and the size of the difference. */
final class Expect {

    private Expect() {}

    static void that(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }

    /** {@code max |actual − expected| ≤ tolerance}. */
    static void close(INDArray expected, INDArray actual, double tolerance, String what) {
        sameShape(expected, actual, what);
        double difference = KitNetworks.difference(expected, actual);
        that(difference <= tolerance, what + ": largest difference " + difference + " (allowed " + tolerance + ")");
    }

    /** {@code max |actual − expected| / max(|expected|, 1) ≤ tolerance}. */
    static void relativelyClose(INDArray expected, INDArray actual, double tolerance, String what) {
        sameShape(expected, actual, what);
        INDArray e = expected.castTo(DataType.DOUBLE);
        INDArray scale = Transforms.max(Transforms.abs(e), 1.0);
        double worst = Transforms.abs(actual.castTo(DataType.DOUBLE).sub(e))
                .div(scale)
                .maxNumber()
                .doubleValue();
        that(worst <= tolerance, what + ": largest relative difference " + worst + " (allowed " + tolerance + ")");
    }

    private static void sameShape(INDArray expected, INDArray actual, String what) {
        that(
                Arrays.equals(expected.shape(), actual.shape()),
                what + ": shape " + Arrays.toString(actual.shape()) + ", expected "
                        + Arrays.toString(expected.shape()));
    }
}
