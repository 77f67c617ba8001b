package org.recurrent4j.spark.data;

import java.io.Serializable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Count, mean and sum of squared deviations of each feature over the real steps of sequence
 * batches, computed in parts and merged: what a standardizer needs, gathered on a cluster.
 *
 * <p>For each feature f, over the values x of the unmasked steps (or rows):
 *
 * <pre>
 *   n_f = number of values,   μ_f = Σx / n_f,   M2_f = Σ(x − μ_f)²,   σ_f = √(M2_f / n_f)
 * </pre>
 *
 * Two parts merge exactly (Chan, Golub and LeVeque): with δ = μ_b − μ_a, {@code n = n_a + n_b},
 * {@code μ = μ_a + δ·n_b/n}, {@code M2 = M2_a + M2_b + δ²·n_a·n_b/n}. σ is the population standard
 * deviation, as ND4J's {@code NormalizerStandardize} computes it.
 */
final class FeatureMoments implements Serializable {

    private static final long serialVersionUID = 1L;

    private long[] count;
    private double[] mean;
    private double[] m2;

    /** Adds {@code [B, F]} rows or {@code [B, F, T]} sequences; {@code mask} {@code [B, T]} or null. */
    FeatureMoments add(INDArray data, INDArray mask) {
        int features = (int) data.size(1);
        if (count == null) {
            count = new long[features];
            mean = new double[features];
            m2 = new double[features];
        } else if (features != count.length) {
            throw new IllegalArgumentException(
                    "a batch has " + features + " features, the batches before it " + count.length);
        }
        int rows = (int) data.size(0);
        int steps = data.rank() == 3 ? (int) data.size(2) : 1;
        double[] values = data.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double[] weights = mask == null || data.rank() == 2
                ? null
                : mask.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        for (int b = 0; b < rows; b++) {
            for (int t = 0; t < steps; t++) {
                if (weights != null && weights[b * steps + t] == 0) {
                    continue;
                }
                for (int f = 0; f < features; f++) {
                    double x = values[(b * features + f) * steps + t];
                    count[f]++;
                    double delta = x - mean[f];
                    mean[f] += delta / count[f];
                    m2[f] += delta * (x - mean[f]);
                }
            }
        }
        return this;
    }

    /** This part and {@code other} as one; either may be empty. */
    FeatureMoments merge(FeatureMoments other) {
        if (other.count == null) {
            return this;
        }
        if (count == null) {
            return other;
        }
        if (other.count.length != count.length) {
            throw new IllegalArgumentException(
                    "parts with " + count.length + " and " + other.count.length + " features cannot be merged");
        }
        FeatureMoments sum = new FeatureMoments();
        int features = count.length;
        sum.count = new long[features];
        sum.mean = new double[features];
        sum.m2 = new double[features];
        for (int f = 0; f < features; f++) {
            long n = count[f] + other.count[f];
            double delta = other.mean[f] - mean[f];
            sum.count[f] = n;
            sum.mean[f] = n == 0 ? 0 : mean[f] + delta * other.count[f] / n;
            sum.m2[f] = m2[f] + other.m2[f] + (n == 0 ? 0 : delta * delta * count[f] * other.count[f] / n);
        }
        return sum;
    }

    boolean isEmpty() {
        return count == null;
    }

    /** μ as a row {@code [1, F]}. */
    INDArray mean(DataType type) {
        return Nd4j.createFromArray(mean).castTo(type).reshape(1, mean.length);
    }

    /** σ as a row {@code [1, F]}. */
    INDArray std(DataType type) {
        double[] std = new double[m2.length];
        for (int f = 0; f < std.length; f++) {
            std[f] = count[f] == 0 ? 0 : Math.sqrt(m2[f] / count[f]);
        }
        return Nd4j.createFromArray(std).castTo(type).reshape(1, std.length);
    }
}
