package org.recurrent4j.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.weightnoise.DropConnect;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.recurrent4j.conf.Lstm;
import org.recurrent4j.conf.Rnn;
import org.recurrent4j.training.RtrlGradientTest.Cell;
import org.recurrent4j.training.RtrlGradientTest.Masking;

/** The online trainer: its updates are DL4J's, what it rejects, and that it learns from a stream. */
class RtrlTrainerTest {

    @BeforeAll
    static void doublePrecision() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    private static MultiLayerNetwork clipped(Cell cell, int nIn, int hidden, int nOut, long seed) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.DOUBLE)
                .updater(new Adam(0.05))
                .l2(1e-3)
                .gradientNormalization(GradientNormalization.ClipL2PerLayer)
                .gradientNormalizationThreshold(0.3)
                .list()
                .layer(cell.build.apply(nIn, hidden))
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX)
                        .nIn(hidden)
                        .nOut(nOut)
                        .build())
                .build());
        net.init();
        return net;
    }

    /**
     * Updating once per sequence, RTRL makes exactly fit's update: same gradient, divided by the
     * batch, L2, clipping and Adam through the network's own updater, on consecutive batches.
     */
    @ParameterizedTest
    @EnumSource(Cell.class)
    void updatingOncePerSequenceIsFitsUpdate(Cell cell) {
        MultiLayerNetwork bptt = clipped(cell, 3, 5, 3, 42);
        MultiLayerNetwork rtrl = clipped(cell, 3, 5, 3, 42);
        assertEquals(bptt.params(), rtrl.params());
        List<DataSet> batches = List.of(
                RtrlGradientTest.sequences(3, 3, Masking.PADDING_AT_END, true),
                RtrlGradientTest.sequences(3, 3, Masking.NONE, true),
                RtrlGradientTest.sequences(3, 3, Masking.PADDING_AT_START, true));
        int steps = (int) batches.get(0).getFeatures().size(2);
        RtrlTrainer trainer = new RtrlTrainer(rtrl).updateEvery(steps);
        for (DataSet batch : batches) {
            bptt.fit(batch);
            assertEquals(steps, trainer.fit(new SequenceStream(List.of(batch).iterator()), Long.MAX_VALUE));
            double diff = bptt.params().sub(rtrl.params()).amaxNumber().doubleValue();
            assertTrue(diff < 1e-10, cell + ": parameters differ from fit's by " + diff);
        }
        assertEquals(bptt.getIterationCount(), rtrl.getIterationCount());
        assertTrue(bptt.params()
                        .sub(clipped(cell, 3, 5, 3, 42).params())
                        .amaxNumber()
                        .doubleValue()
                > 1e-3);
    }

    /** A stream of ±1 values where the target is the value two steps back. */
    private static Iterator<StreamStep> recallTwoBack(int streams, long seed) {
        Random random = new Random(seed);
        return new Iterator<>() {
            private final double[][] history = new double[streams][2];

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public StreamStep next() {
                INDArray x = Nd4j.zeros(DataType.DOUBLE, streams, 1);
                INDArray y = Nd4j.zeros(DataType.DOUBLE, streams, 1);
                for (int b = 0; b < streams; b++) {
                    double v = random.nextBoolean() ? 1.0 : -1.0;
                    x.putScalar(b, 0, v);
                    y.putScalar(b, 0, history[b][1]);
                    history[b][1] = history[b][0];
                    history[b][0] = v;
                }
                return StreamStep.of(x, y);
            }
        };
    }

    /**
     * Online, one update per step on an endless stream, the network learns to recall the input
     * two steps back. The inputs are independent ±1, so anything that does not remember two steps
     * has a mean squared error of at least 1 (the variance of the target).
     */
    @ParameterizedTest
    @EnumSource(
            value = Cell.class,
            names = {"RNN_TANH", "GRU"})
    void learnsOnlineFromAnEndlessStream(Cell cell) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(7)
                .dataType(DataType.DOUBLE)
                .updater(new Adam(0.01))
                .list()
                .layer(cell.build.apply(1, 8))
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE)
                        .activation(Activation.IDENTITY)
                        .nIn(8)
                        .nOut(1)
                        .build())
                .build());
        net.init();
        // The untrained network on the same stream: never updated.
        double untrained = meanLoss(new RtrlTrainer(net.clone()).updateEvery(Integer.MAX_VALUE), 200);

        RtrlTrainer trainer = new RtrlTrainer(net);
        Iterator<StreamStep> stream = recallTwoBack(8, 11);
        assertEquals(TRAINING_STEPS, trainer.fit(stream, TRAINING_STEPS));
        long bytes = trainer.sensitivityBytes();
        double trained = 0;
        for (int t = 0; t < 200; t++) {
            trained += trainer.step(stream.next());
        }
        trained /= 200;
        assertTrue(untrained > 0.9, cell + ": untrained loss " + untrained + " (the target's variance is 1)");
        assertTrue(trained < 0.1, cell + ": after " + TRAINING_STEPS + " online updates the loss is " + trained);
        assertEquals(bytes, trainer.sensitivityBytes(), "memory does not grow with the stream");
        assertEquals(TRAINING_STEPS + 200, net.getIterationCount());
    }

    private static final int TRAINING_STEPS = 500;

    private static double meanLoss(RtrlTrainer trainer, int steps) {
        Iterator<StreamStep> stream = recallTwoBack(8, 11);
        double sum = 0;
        for (int t = 0; t < steps; t++) {
            sum += trainer.step(stream.next());
        }
        return sum / steps;
    }

    @Test
    void gradientFlowListenerSeesTheRtrlGradient() {
        MultiLayerNetwork net = clipped(Cell.GRU, 3, 5, 3, 8);
        DataSet data = RtrlGradientTest.sequences(3, 3, Masking.PADDING_AT_END, true);
        Gradient expected = new RtrlTrainer(net).gradientAndScore(data).getFirst();
        GradientFlowListener flow = new GradientFlowListener();
        net.addListeners(flow);
        RtrlTrainer trainer =
                new RtrlTrainer(net).updateEvery((int) data.getFeatures().size(2));
        trainer.fit(new SequenceStream(List.of(data).iterator()), Long.MAX_VALUE);
        assertEquals(1, flow.records().size());
        Map<String, Double> recorded = flow.last().parameterGradientNorms();
        assertEquals(expected.gradientForVariable().keySet(), recorded.keySet());
        expected.gradientForVariable().forEach((key, g) -> {
            double norm = g.norm2Number().doubleValue();
            assertEquals(norm, recorded.get(key), 1e-12 * Math.max(1, norm), key);
        });
        assertTrue(flow.last().stateGradientNorms().isEmpty(), "RTRL has no backward pass through states");
    }

    @Test
    void memoryIsTheDocumentedSensitivities() {
        MultiLayerNetwork net = RtrlGradientTest.network(Cell.RNN_TANH, 3, 4, LossFunctions.LossFunction.MSE, 2);
        RtrlTrainer trainer = new RtrlTrainer(net);
        assertEquals(0, trainer.sensitivityBytes());
        trainer.step(StreamStep.of(Nd4j.ones(5, 3), Nd4j.ones(5, 2)));
        int params = 4 * (3 + 4 + 2);
        assertEquals(8L * 5 * (2L * 4 * params + 4), trainer.sensitivityBytes());
        assertEquals(5, trainer.state().size(0));
    }

    @Test
    void theNumberOfStreamsChangesOnlyWhereEveryStreamResets() {
        MultiLayerNetwork net = RtrlGradientTest.network(Cell.GRU, 2, 3, LossFunctions.LossFunction.MSE, 1);
        RtrlTrainer trainer = new RtrlTrainer(net).updateEvery(10);
        trainer.step(StreamStep.of(Nd4j.ones(4, 2), Nd4j.ones(4, 1)));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> trainer.step(StreamStep.of(Nd4j.ones(2, 2), Nd4j.ones(2, 1))));
        assertTrue(e.getMessage().contains("had 4 parallel streams and this step has 2"), e.getMessage());
        INDArray before = net.params().dup();
        trainer.step(StreamStep.of(Nd4j.ones(2, 2), Nd4j.ones(2, 1)).withResets(true, true));
        assertTrue(net.params().sub(before).amaxNumber().doubleValue() > 0, "the pending gradient was applied");
        assertEquals(2, trainer.state().size(0));
    }

    @Test
    void rejectsWhatRtrlCannotTrain() {
        NeuralNetConfiguration.Builder base = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE);
        RnnOutputLayer out = new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE)
                .activation(Activation.IDENTITY)
                .nIn(4)
                .nOut(1)
                .build();
        assertRejected(
                new MultiLayerNetwork(base.clone()
                        .list()
                        .layer(new Rnn.Builder().nIn(2).nOut(4).dropOut(0.5).build())
                        .layer(out)
                        .build()),
                "dropout");
        assertRejected(
                new MultiLayerNetwork(base.clone()
                        .list()
                        .layer(new Rnn.Builder()
                                .nIn(2)
                                .nOut(4)
                                .weightNoise(new DropConnect(0.5))
                                .build())
                        .layer(out)
                        .build()),
                "weight noise");
        assertRejected(
                new MultiLayerNetwork(base.clone()
                        .list()
                        .layer(new Rnn.Builder().nIn(2).nOut(4).build())
                        .layer(out)
                        .backpropType(BackpropType.TruncatedBPTT)
                        .tBPTTLength(5)
                        .build()),
                "truncated BPTT");
        assertRejected(
                new MultiLayerNetwork(base.clone()
                        .list()
                        .layer(new Lstm.Builder().nIn(2).nOut(4).build())
                        .layer(out)
                        .build()),
                "layer 0 is a Lstm (RTRL for this cell is not implemented");
        assertRejected(
                new MultiLayerNetwork(base.clone()
                        .list()
                        .layer(new Rnn.Builder().nIn(2).nOut(4).build())
                        .layer(new DenseLayer.Builder().nIn(4).nOut(4).build())
                        .layer(out)
                        .build()),
                "this network has 3 layers");
        MultiLayerNetwork ok = RtrlGradientTest.network(Cell.RNN_TANH, 2, 4, LossFunctions.LossFunction.MSE, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RtrlTrainer(ok)
                .step(StreamStep.of(Nd4j.ones(3, 5), Nd4j.ones(3, 1))));
        assertTrue(e.getMessage().contains("nIn = 2, got [3, 5]"), e.getMessage());
    }

    private static void assertRejected(MultiLayerNetwork net, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RtrlTrainer(net));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
