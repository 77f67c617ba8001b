package org.recurrent4j.spark.training;

import org.deeplearning4j.optimize.solvers.accumulation.encoding.threshold.AdaptiveThresholdAlgorithm;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.parameterserver.training.SharedTrainingMaster;
import org.nd4j.parameterserver.distributed.conf.VoidConfiguration;

/**
 * DL4J's two Spark training masters, set up for RDDs whose elements are already mini-batches (as
 * {@link org.recurrent4j.spark.data.SparkLabelledText} and {@link
 * org.recurrent4j.spark.data.SparkSeries} make them).
 *
 * <ul>
 *   <li><b>Parameter averaging</b>: each worker starts from the driver's parameters, fits {@code
 *       averagingFrequency} mini-batches of its partition, and the driver averages the workers'
 *       parameters and updater states: θ ← (1/P) Σ_p θ_p. A round is synchronous; the result is
 *       exactly that average ({@code ParameterAveragingProtocolTest}).
 *   <li><b>Shared gradients</b>: every worker fits its mini-batches and sends, after each one, the
 *       gradient entries above a threshold τ (sign only, ±τ, with the rest kept as a residual for
 *       later) to every other worker through DL4J's parameter server (Aeron over UDP), which apply
 *       them as they come: asynchronous, with much less traffic than whole parameter vectors. The
 *       threshold adapts so that about 1e-3 of the entries go out per step.
 * </ul>
 *
 * <p>Both read the RDD's elements directly ({@link RDDTrainingApproach#Direct}: no export to files
 * between the driver and the workers). Parameter averaging keeps the partitions as they are
 * ({@link Repartition#Never}): make as many partitions as workers, or a multiple of it.
 */
public final class TrainingMasters {

    private TrainingMasters() {}

    /**
     * Parameter averaging over {@code workers} executor threads in all, on mini-batches of {@code
     * batchSize} examples, averaging after every {@code averagingFrequency} mini-batches per
     * worker; the updater state (Adam's moments) is averaged too.
     */
    public static ParameterAveragingTrainingMaster parameterAveraging(
            int workers, int batchSize, int averagingFrequency) {
        positive("workers", workers);
        positive("batch size", batchSize);
        positive("averaging frequency", averagingFrequency);
        return new ParameterAveragingTrainingMaster.Builder(workers, batchSize)
                .batchSizePerWorker(batchSize)
                .averagingFrequency(averagingFrequency)
                .rddTrainingApproach(RDDTrainingApproach.Direct)
                .repartionData(Repartition.Never)
                .saveUpdater(true)
                .build();
    }

    /**
     * Gradient sharing on mini-batches of {@code batchSize}, one worker per executor, the
     * parameter server's controller on the driver at {@code driverAddress}:{@code port} (UDP; the
     * executors must reach it, and each other, on that network) and an adaptive threshold starting
     * at {@code threshold}.
     */
    public static SharedTrainingMaster sharedGradients(
            int batchSize, String driverAddress, int port, double threshold) {
        positive("batch size", batchSize);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be in [1, 65535], got " + port);
        }
        if (!(threshold > 0)) {
            throw new IllegalArgumentException("threshold must be positive, got " + threshold);
        }
        ParameterServerTimeouts.apply();
        VoidConfiguration network = VoidConfiguration.builder()
                .controllerAddress(driverAddress)
                .unicastPort(port)
                .build();
        return new SharedTrainingMaster.Builder(network, batchSize)
                .batchSizePerWorker(batchSize)
                .workersPerNode(1)
                .thresholdAlgorithm(new AdaptiveThresholdAlgorithm(threshold))
                .rddTrainingApproach(RDDTrainingApproach.Direct)
                .build();
    }

    private static void positive(String what, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(what + " must be at least 1, got " + value);
        }
    }
}
