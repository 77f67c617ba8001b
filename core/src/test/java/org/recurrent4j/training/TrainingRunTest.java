package org.recurrent4j.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.recurrent4j.checkpoint.Checkpoint;
import org.recurrent4j.checkpoint.CheckpointException;
import org.recurrent4j.checkpoint.CheckpointStore;

/**
 * The library's training run: a run killed in the middle of an epoch and resumed from its last
 * checkpoint ends bit for bit where an uninterrupted run ends (dropout, a decaying rate, curves and
 * all; for an iterator of {@code DataSet}s, a graph fed {@code MultiDataSet}s, and an endless batch
 * source); a diverging run names the last good checkpoint; early stopping keeps the best network;
 * DL4J's own listeners hear the epochs; and every misconfiguration is refused with its reason.
 */
class TrainingRunTest {

    private static final int EPOCHS = 3;
    private static final int BATCHES = 5;
    private static final DataSet TEST = GeneratedBatches.batch(new Random(99));

    private static NeuralNetConfiguration.Builder base() {
        return new NeuralNetConfiguration.Builder()
                .seed(7)
                .dataType(DataType.FLOAT)
                .updater(new Adam(0.01));
    }

    static MultiLayerNetwork network() {
        MultiLayerNetwork net = new MultiLayerNetwork(base().list()
                .layer(new DenseLayer.Builder()
                        .nIn(4)
                        .nOut(16)
                        .activation(Activation.TANH)
                        .dropOut(0.8)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
                        .nIn(16)
                        .nOut(1)
                        .activation(Activation.IDENTITY)
                        .build())
                .build());
        net.init();
        return net;
    }

    private static ComputationGraph graph() {
        ComputationGraph net = new ComputationGraph(base().graphBuilder()
                .addInputs("in")
                .addLayer(
                        "hidden",
                        new DenseLayer.Builder()
                                .nIn(4)
                                .nOut(16)
                                .activation(Activation.TANH)
                                .dropOut(0.8)
                                .build(),
                        "in")
                .addLayer(
                        "out",
                        new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
                                .nIn(16)
                                .nOut(1)
                                .activation(Activation.IDENTITY)
                                .build(),
                        "hidden")
                .setOutputs("out")
                .build());
        net.init();
        return net;
    }

    private static Metric testLoss() {
        return Metric.of(
                "test_loss",
                Metric.Goal.MINIMIZE,
                net -> net instanceof MultiLayerNetwork m ? m.score(TEST) : ((ComputationGraph) net).score(TEST));
    }

    private static TrainingRun.Builder configured(TrainingRun.Builder b, GeneratedBatches data) {
        return b.data(data)
                .epochs(EPOCHS)
                .batchesPerEpoch(BATCHES)
                .evaluate(Interval.epochs(1), testLoss())
                .lossEvery(2)
                .dataFingerprint("generated-1000");
    }

    @Test
    void aRunKilledMidEpochResumesBitForBit(@TempDir Path dir) throws Exception {
        RateSchedule linear = RateSchedule.linear(0.01, 0.001);
        MultiLayerNetwork whole = network();
        float[][] atStep = new float[20][];
        RunResult uninterrupted = configured(TrainingRun.of(whole), new GeneratedBatches(BATCHES, -1))
                .learningRate(linear)
                .listener(new RunListener() {
                    @Override
                    public void stepDone(Step step) {
                        atStep[(int) step.step()] = whole.params().toFloatVector();
                    }
                })
                .build()
                .train();

        MultiLayerNetwork killed = network();
        CheckpointStore store = new CheckpointStore(dir, 2);
        TrainingRun first = configured(TrainingRun.of(killed), new GeneratedBatches(BATCHES, 8))
                .learningRate(linear)
                .checkpoints(store, Interval.steps(1))
                .properties(Map.of("settings", "test"))
                .build();
        // The 8th batch handed out is the 3rd of epoch 2: a checkpoint followed each of the 7 before it.
        assertThrows(IllegalStateException.class, first::train);

        Checkpoint newest = store.newest().orElseThrow();
        assertEquals(7, newest.step());
        assertEquals("test", newest.property("settings"), "the caller's properties");
        assertArrayEquals(atStep[7], newest.multiLayerNetwork().params().toFloatVector(), "the checkpoint's network");
        TrainingRun resumed = configured(TrainingRun.resuming(newest), new GeneratedBatches(BATCHES, -1))
                .checkpoints(store, Interval.steps(1))
                .properties(Map.of("settings", "test"))
                .build();
        assertEquals(linear, resumed.schedule(), "the checkpoint's schedule, when none is given");
        RunResult result = resumed.train();
        MultiLayerNetwork net = resumed.multiLayerNetwork();

        assertArrayEquals(whole.params().toFloatVector(), net.params().toFloatVector(), "parameters");
        assertArrayEquals(
                whole.getUpdater().getStateViewArray().toFloatVector(),
                net.getUpdater().getStateViewArray().toFloatVector(),
                "Adam's moments");
        assertEquals(EPOCHS * BATCHES, net.getIterationCount());
        assertEquals(EPOCHS, net.getEpochCount(), "the network counts the run's epochs");
        assertEquals(withoutSeconds(uninterrupted.curves()), withoutSeconds(result.curves()), "the curves");
        assertEquals(EPOCHS * BATCHES, result.steps());
        assertEquals(EPOCHS * BATCHES, store.newest().orElseThrow().step(), "a checkpoint at the end");
        // set before each step from the share used: before the last, (steps - 1) / steps of the budget
        int steps = EPOCHS * BATCHES;
        assertEquals(0.01 + (0.001 - 0.01) * (steps - 1) / steps, adamRate(net), 1e-9);
    }

    @Test
    void theCurvesStartAtTheUntrainedNetworkAndTheFirstStep() throws Exception {
        RunResult result = configured(TrainingRun.of(network()), new GeneratedBatches(BATCHES, -1))
                .build()
                .train();
        LearningCurves curves = result.curves();
        long[] steps = curves.steps();
        assertEquals(0, steps[0], "the untrained network measured");
        assertTrue(Double.isNaN(curves.rows().get(0).trainLoss()));
        assertEquals(1, steps[1], "the first step's training loss");
        assertTrue(Double.isFinite(curves.rows().get(1).trainLoss()));
        // training-loss rows every 2 steps, a measurement after each epoch (steps 5, 10, 15)
        assertEquals(List.of(0L, 1L, 2L, 4L, 5L, 6L, 8L, 10L, 12L, 14L, 15L), boxed(steps));
        double[] measured = curves.column("test_loss");
        assertEquals(
                4, java.util.Arrays.stream(measured).filter(Double::isFinite).count());
        assertTrue(measured[measured.length - 1] < 0.85 * measured[0], "the test loss falls: " + curves.csv());
        assertEquals(measured[measured.length - 1], result.lastMeasurement().get("test_loss"));
    }

    @Test
    void aGraphFedMultiDataSetsResumesBitForBit(@TempDir Path dir) throws Exception {
        ComputationGraph whole = graph();
        TrainingRun.of(whole).data(multi(-1)).steps(12).build().train();

        CheckpointStore store = new CheckpointStore(dir, 1);
        TrainingRun first = TrainingRun.of(graph())
                .data(multi(8))
                .steps(12)
                .checkpoints(store, Interval.steps(3))
                .build();
        assertThrows(IllegalStateException.class, first::train);
        Checkpoint newest = store.newest().orElseThrow();
        assertEquals(6, newest.step());
        TrainingRun resumed =
                TrainingRun.resuming(newest).data(multi(-1)).steps(12).build();
        resumed.train();
        assertArrayEquals(
                whole.params().toFloatVector(),
                resumed.computationGraph().params().toFloatVector());
    }

    /** An endless source of MultiDataSets drawn from one seeded generator; the killAt-th draw throws. */
    private static BatchSource<MultiDataSet> multi(long killAt) {
        Random random = new Random(5);
        long[] drawn = {0};
        return () -> {
            if (++drawn[0] == killAt) {
                throw new IllegalStateException("killed");
            }
            return GeneratedBatches.batch(random).toMultiDataSet();
        };
    }

    @Test
    void anEndlessSourceResumedWithALargerBudgetGoesOnAlongItsScheduleWithoutAJump(@TempDir Path dir) throws Exception {
        CheckpointStore store = new CheckpointStore(dir, 1);
        Random random = new Random(3);
        TrainingRun.of(network())
                .data(() -> GeneratedBatches.batch(random))
                .steps(10)
                .learningRate(RateSchedule.cosine(0.01, 0.001))
                .checkpoints(store, Interval.never())
                .build()
                .train();
        Checkpoint done = store.newest().orElseThrow();
        TrainingRun.SpentBudgetException spent =
                assertThrows(TrainingRun.SpentBudgetException.class, () -> TrainingRun.resuming(done)
                        .data(() -> GeneratedBatches.batch(random))
                        .steps(10)
                        .build());
        assertTrue(spent.getMessage().contains("has trained 10 steps already"), spent.getMessage());
        assertEquals("steps", spent.unit());
        assertEquals(10, spent.done());

        List<Double> rates = new ArrayList<>();
        TrainingRun.resuming(done)
                .data(() -> GeneratedBatches.batch(random))
                .steps(20)
                .listener(new RunListener() {
                    @Override
                    public void stepDone(Step step) {
                        rates.add(step.learningRate());
                    }
                })
                .build()
                .train();
        assertEquals(10, rates.size());
        // The first budget was used up (share 1): the rate stays at the final one rather than jumping back.
        rates.forEach(r -> assertEquals(0.001, r, 1e-12));
    }

    @Test
    void divergingStopsNamingTheLastGoodCheckpointAndATenthOfTheRate(@TempDir Path dir) throws Exception {
        CheckpointStore store = new CheckpointStore(dir, 2);
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> TrainingRun.of(network())
                .data(new GeneratedBatches(BATCHES, -1, 3, 3))
                .epochs(EPOCHS)
                .learningRate(RateSchedule.constant(0.01))
                .checkpoints(store, Interval.steps(1))
                .build()
                .train());
        // pass 3 is the run's epoch 2 (the constructor's reset is pass 1): its 4th batch is step 9
        assertEquals(9, e.step());
        assertEquals(dir.resolve("checkpoint-000000000008"), e.lastCheckpoint().orElseThrow());
        assertTrue(e.getMessage().startsWith("training diverged at step 9 "), e.getMessage());
        assertTrue(e.getMessage().contains("e.g. 0.001 (a tenth of 0.01)"), e.getMessage());
    }

    @Test
    void earlyStoppingEndsAfterItsPatienceAndRestoresTheBestNetwork(@TempDir Path dir) throws Exception {
        // A metric that improves twice, then gets worse: the run stops 2 measurements after the best.
        double[] values = {5, 4, 3, 3.5, 3.2, 1, 0.5};
        int[] measured = {0};
        Metric scripted = Metric.of("scripted", Metric.Goal.MINIMIZE, net -> values[measured[0]++]);
        double[][] paramsAt = new double[20][];
        MultiLayerNetwork net = network();
        CheckpointStore store = new CheckpointStore(dir, 1);
        RunResult result = TrainingRun.of(net)
                .data(new GeneratedBatches(BATCHES, -1))
                .epochs(100)
                .evaluate(Interval.steps(2), scripted)
                .measureAtStart(false)
                .earlyStopping(EarlyStopping.on("scripted").patience(2).restoreBest(true))
                .checkpoints(store, Interval.never())
                .listener(new RunListener() {
                    @Override
                    public void measured(Measurement m) {
                        paramsAt[(int) m.step()] = net.params().toDoubleVector();
                    }
                })
                .build()
                .train();
        assertEquals(RunResult.Stop.EARLY_STOPPED, result.stop());
        assertEquals(10, result.steps(), "measured at 2, 4, 6 (best), 8, 10: two without improvement");
        RunResult.Best best = result.best().orElseThrow();
        assertEquals(3, best.value());
        assertEquals(6, best.step());
        assertEquals(dir.resolve(EarlyStopping.BEST_MODEL_FILE), best.modelFile());
        assertTrue(Files.isRegularFile(best.modelFile()));
        assertArrayEquals(paramsAt[6], net.params().toDoubleVector(), 1e-7, "the best network restored");
        assertFalse(java.util.Arrays.equals(paramsAt[6], paramsAt[10]), "the run went on past the best");
    }

    @Test
    void earlyStoppingWithATargetEndsAsSoonAsTheMetricReachesIt() throws Exception {
        double[] values = {5, 4, 3, 1, 0.5};
        int[] measured = {0};
        RunResult result = TrainingRun.of(network())
                .data(new GeneratedBatches(BATCHES, -1))
                .epochs(100)
                .evaluate(Interval.steps(2), Metric.of("scripted", Metric.Goal.MINIMIZE, net -> values[measured[0]++]))
                .measureAtStart(false)
                .earlyStopping(
                        EarlyStopping.on("scripted").patience(Integer.MAX_VALUE).target(3.5))
                .build()
                .train();
        assertEquals(RunResult.Stop.EARLY_STOPPED, result.stop());
        assertEquals(6, result.steps(), "measured 5, 4, then 3 (below 3.5) at step 6");
        assertEquals(3, measured[0]);
    }

    @Test
    void dl4jListenersHearEveryIterationAndTheRunsEpochs() throws Exception {
        MultiLayerNetwork net = network();
        List<String> heard = new ArrayList<>();
        net.addListeners(new BaseTrainingListener() {
            @Override
            public void iterationDone(Model model, int iteration, int epoch) {
                heard.add("i" + iteration);
            }

            @Override
            public void onEpochStart(Model model) {
                heard.add("start");
            }

            @Override
            public void onEpochEnd(Model model) {
                heard.add("end");
            }
        });
        TrainingRun.of(net).data(new GeneratedBatches(2, -1)).epochs(2).build().train();
        assertEquals(List.of("start", "i0", "i1", "end", "start", "i2", "i3", "end"), heard);
    }

    @Test
    void aTimeBudgetEndsTheRun() throws Exception {
        Random random = new Random(1);
        RunResult result = TrainingRun.of(network())
                .data(() -> GeneratedBatches.batch(random))
                .time(Duration.ofMillis(300))
                .build()
                .train();
        assertEquals(RunResult.Stop.BUDGET_USED, result.stop());
        assertTrue(result.steps() > 0);
        assertTrue(result.elapsed().toMillis() >= 300, result.elapsed().toString());
    }

    @Test
    void aResumedRunOnOtherDataOrMetricsIsRefused(@TempDir Path dir) throws Exception {
        CheckpointStore store = new CheckpointStore(dir, 1);
        configured(TrainingRun.of(network()), new GeneratedBatches(BATCHES, -1))
                .epochs(1)
                .checkpoints(store, Interval.never())
                .build()
                .train();
        Checkpoint c = store.newest().orElseThrow();
        CheckpointException data = assertThrows(
                CheckpointException.class, () -> configured(TrainingRun.resuming(c), new GeneratedBatches(BATCHES, -1))
                        .dataFingerprint("other")
                        .build());
        assertTrue(data.getMessage().contains("other training data"), data.getMessage());
        CheckpointException metrics = assertThrows(CheckpointException.class, () -> TrainingRun.resuming(c)
                .data(new GeneratedBatches(BATCHES, -1))
                .epochs(EPOCHS)
                .dataFingerprint("generated-1000")
                .build());
        assertTrue(metrics.getMessage().contains("measured [test_loss]"), metrics.getMessage());
    }

    @Test
    void misconfigurationsAreRefusedWithTheirReason() {
        Random random = new Random(1);
        BatchSource<DataSet> endless = () -> GeneratedBatches.batch(random);
        assertRefused("needs a budget", TrainingRun.of(network()).data(endless));
        assertRefused("needs data", TrainingRun.of(network()).steps(3));
        assertRefused("not epochs", TrainingRun.of(network()).data(endless).epochs(2));
        assertRefused(
                "batchesPerEpoch",
                TrainingRun.of(network())
                        .data(new GeneratedBatches(3, -1))
                        .epochs(2)
                        .learningRate(RateSchedule.linear(0.1, 0.01)));
        assertRefused(
                "does not measure",
                TrainingRun.of(network())
                        .data(endless)
                        .steps(3)
                        .evaluate(Interval.steps(1), testLoss())
                        .earlyStopping(EarlyStopping.on("accuracy")));
        assertRefused(
                "share a name",
                TrainingRun.of(network()).data(endless).steps(3).evaluate(Interval.steps(1), testLoss(), testLoss()));
        IllegalArgumentException reserved = assertThrows(
                IllegalArgumentException.class, () -> TrainingRun.of(network()).properties(Map.of("run.step", "1")));
        assertTrue(reserved.getMessage().contains("'run.'"));
    }

    private static void assertRefused(String reason, TrainingRun.Builder builder) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    static double adamRate(MultiLayerNetwork net) {
        double first = ((Adam) ((BaseLayer) net.getLayer(0).conf().getLayer()).getIUpdater()).getLearningRate();
        assertEquals(
                first,
                ((Adam) ((BaseLayer) net.getLayer(1).conf().getLayer()).getIUpdater()).getLearningRate(),
                "every layer");
        return first;
    }

    private static String withoutSeconds(LearningCurves curves) {
        StringBuilder text = new StringBuilder();
        for (LearningCurves.Row r : curves.rows()) {
            text.append(r.step())
                    .append(' ')
                    .append(r.trainLoss())
                    .append(' ')
                    .append(java.util.Arrays.toString(r.metrics()))
                    .append('\n');
        }
        assertNotEquals("", text.toString());
        return text.toString();
    }

    private static List<Long> boxed(long[] values) {
        List<Long> list = new ArrayList<>();
        for (long v : values) {
            list.add(v);
        }
        return list;
    }
}
