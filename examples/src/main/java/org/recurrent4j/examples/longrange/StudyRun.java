package org.recurrent4j.examples.longrange;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.recurrent4j.checkpoint.CheckpointException;
import org.recurrent4j.conf.CellType;
import org.recurrent4j.examples.diagnostics.GradientFlowReport;
import org.recurrent4j.training.EarlyStopping;
import org.recurrent4j.training.GradientFlowListener;
import org.recurrent4j.training.GradientFlowRecord;
import org.recurrent4j.training.Interval;
import org.recurrent4j.training.Metric;
import org.recurrent4j.training.RunListener;
import org.recurrent4j.training.TrainingDivergedException;
import org.recurrent4j.training.TrainingRun;

/**
 * One run of the study: a network of one recurrent layer of the given cell and the task's output
 * layer, float32, Adam with the budget's learning rate and per-layer gradient-norm clipping,
 * trained with {@code fit} on fresh batches for the budget's steps; the test error on a fixed
 * held-out set every {@code evalEvery} steps; the gradient flow recorded at the same steps.
 */
public final class StudyRun {

    /** The held-out set is drawn from the budget's seed plus this, so it never repeats a training batch. */
    static final long TEST_SEED_OFFSET = 1_000_003L;

    private static final int EVALUATION_CHUNK = 250;

    private StudyRun() {}

    /** The network a run trains. */
    public static MultiLayerNetwork network(LongRangeTask task, CellType cell, StudyBudget budget) {
        var recurrent = cell.layer(task.inputSize(), budget.hidden());
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(budget.seed())
                .dataType(DataType.FLOAT)
                .updater(new Adam(budget.learningRate()))
                .gradientNormalization(GradientNormalization.ClipL2PerLayer)
                .gradientNormalizationThreshold(budget.clip())
                .list()
                .layer(task.lastStepOnly() ? new LastTimeStep(recurrent) : recurrent)
                .layer(task.outputLayer(budget.hidden()))
                .build());
        net.init();
        return net;
    }

    /**
     * Trains and measures; writes the run's gradient-flow diagnostics into {@code diagnostics}
     * (see {@link GradientFlowReport}) and hands every measurement to {@code progress} as it is
     * taken (a run at T = 200 lasts up to an hour).
     */
    public static RunResult run(
            LongRangeTask task,
            CellType cell,
            StudyBudget budget,
            Path diagnostics,
            Consumer<RunResult.CurvePoint> progress)
            throws IOException {
        long start = System.nanoTime();
        MultiLayerNetwork net = network(task, cell, budget);
        GradientFlowListener flow = new GradientFlowListener(budget.evalEvery());
        net.addListeners(flow);
        DataSetIterator training = task.training(budget.batch(), budget.seed());
        DataSet test = task.test(budget.testSize(), budget.seed() + TEST_SEED_OFFSET);

        List<RunResult.CurvePoint> curve = new ArrayList<>();
        double[] lastLoss = {Double.NaN};
        long[] solvedAt = {-1};
        Metric testError = Metric.of("test_error", Metric.Goal.MINIMIZE, model -> testError(net, task, test));
        EarlyStopping untilSolved = EarlyStopping.on("test_error")
                .patience(Integer.MAX_VALUE)
                .target(budget.untilSolved() ? Math.nextDown(task.solvedBelow()) : Double.NaN);
        TrainingRun run;
        try {
            run = TrainingRun.of(net)
                    .data(training)
                    .steps(budget.steps())
                    .evaluate(Interval.steps(budget.evalEvery()), testError)
                    .earlyStopping(untilSolved)
                    .listener(new RunListener() {
                        @Override
                        public void stepDone(Step step) {
                            lastLoss[0] = step.loss();
                        }

                        @Override
                        public void measured(Measurement m) {
                            double error = m.values().get("test_error");
                            RunResult.CurvePoint point = new RunResult.CurvePoint(m.step(), lastLoss[0], error);
                            curve.add(point);
                            progress.accept(point);
                            if (solvedAt[0] < 0 && error < task.solvedBelow()) {
                                solvedAt[0] = m.step();
                            }
                        }
                    })
                    .build();
        } catch (CheckpointException e) {
            throw new IllegalStateException("a fresh run has no checkpoint", e);
        }
        boolean diverged = false;
        long step;
        double error;
        try {
            step = run.train().steps();
            error = curve.get(curve.size() - 1).testError();
        } catch (TrainingDivergedException e) {
            diverged = true;
            step = e.step();
            error = Double.NaN;
            RunResult.CurvePoint point = new RunResult.CurvePoint(step, e.score(), Double.NaN);
            curve.add(point);
            progress.accept(point);
        }
        List<GradientFlowRecord> records = flow.records();
        GradientFlowReport.write(diagnostics, records);
        double[] initial =
                records.isEmpty() ? null : records.get(0).stateGradientNorms().get("0");
        return new RunResult(
                task.name(),
                cell.id(),
                task.errorName(),
                error,
                task.baseline(),
                task.solvedBelow(),
                solvedAt[0],
                step,
                diverged,
                (System.nanoTime() - start) / 1e9,
                curve,
                initial);
    }

    /** The task's test error of the network on {@code test}, evaluated in chunks to bound memory. */
    static double testError(MultiLayerNetwork net, LongRangeTask task, DataSet test) {
        long examples = test.getFeatures().size(0);
        List<INDArray> outputs = new ArrayList<>();
        for (long from = 0; from < examples; from += EVALUATION_CHUNK) {
            long to = Math.min(examples, from + EVALUATION_CHUNK);
            INDArray features = rows(test.getFeatures(), from, to);
            INDArray featuresMask =
                    test.getFeaturesMaskArray() == null ? null : rows(test.getFeaturesMaskArray(), from, to);
            INDArray labelsMask = test.getLabelsMaskArray() == null ? null : rows(test.getLabelsMaskArray(), from, to);
            outputs.add(net.output(features, false, featuresMask, labelsMask));
        }
        INDArray predictions = outputs.size() == 1 ? outputs.get(0) : Nd4j.concat(0, outputs.toArray(INDArray[]::new));
        return task.error(predictions, test);
    }

    private static INDArray rows(INDArray array, long from, long to) {
        INDArrayIndex[] index = new INDArrayIndex[array.rank()];
        index[0] = NDArrayIndex.interval(from, to);
        for (int i = 1; i < index.length; i++) {
            index[i] = NDArrayIndex.all();
        }
        return array.get(index).dup();
    }
}
