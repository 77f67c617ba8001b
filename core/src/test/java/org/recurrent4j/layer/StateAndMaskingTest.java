package org.recurrent4j.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import java.util.Map;
import java.util.stream.Stream;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.recurrent4j.conf.CellType;
import org.recurrent4j.testing.DoublePrecision;

/**
 * Stateful inference, masking semantics and truncated BPTT: what a user relies on when sequences
 * are fed step by step, padded, or cut into segments.
 */
@ExtendWith(DoublePrecision.class)
class StateAndMaskingTest {

    private static final int N_IN = 3;
    private static final int HIDDEN = 5;
    private static final int STEPS = 7;
    private static final double EXACT = 1e-12;

    static Stream<CellType> variants() {
        return CellVariants.all().stream();
    }

    private static MultiLayerNetwork alone(CellType variant) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(21)
                .dataType(DataType.DOUBLE)
                .list()
                .layer(CellVariants.layer(variant, N_IN, HIDDEN))
                .build());
        net.init();
        GradientCheckMultiLayerTest.randomizeBiases(net);
        return net;
    }

    private static INDArray sequence(int batch, int steps, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(DataType.DOUBLE, batch, N_IN, steps).subi(0.5).muli(2);
    }

    private static double difference(INDArray a, INDArray b) {
        return a.sub(b).amaxNumber().doubleValue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void rnnTimeStepStepByStepEqualsTheFullPass(CellType variant) {
        MultiLayerNetwork net = alone(variant);
        INDArray x = sequence(2, STEPS, 1);
        INDArray full = net.output(x);

        net.rnnClearPreviousState();
        for (int t = 0; t < STEPS; t++) {
            INDArray step = net.rnnTimeStep(x.get(all(), all(), interval(t, t + 1)));
            assertTrue(difference(full.get(all(), all(), interval(t, t + 1)), step) < EXACT, variant + " step " + t);
        }
        // A single step may also be given as [batch, nIn].
        net.rnnClearPreviousState();
        INDArray first = net.rnnTimeStep(x.get(all(), all(), point(0)));
        assertTrue(difference(full.get(all(), all(), point(0)), first) < EXACT);

        // Chunks of 2 and 5, with the state saved after the first chunk and restored later.
        net.rnnClearPreviousState();
        net.rnnTimeStep(x.get(all(), all(), interval(0, 2)));
        Map<String, INDArray> saved = net.rnnGetPreviousState(0);
        INDArray rest = net.rnnTimeStep(x.get(all(), all(), interval(2, STEPS)));
        assertTrue(difference(full.get(all(), all(), interval(2, STEPS)), rest) < EXACT);
        net.rnnSetPreviousState(0, saved);
        assertTrue(difference(rest, net.rnnTimeStep(x.get(all(), all(), interval(2, STEPS)))) < EXACT);
        // Cleared, the same chunk starts from zeros and gives something else.
        net.rnnClearPreviousState();
        assertTrue(difference(rest, net.rnnTimeStep(x.get(all(), all(), interval(2, STEPS)))) > 1e-4);
    }

    /**
     * A padded batch gives on its real steps what each sequence gives alone, zeros on padded
     * steps, and the same final state: padding leaves no trace, at either end.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void paddingLeavesNoTrace(CellType variant) {
        MultiLayerNetwork net = alone(variant);
        int[] lengths = {STEPS, 4, 2};
        INDArray[] sequences = new INDArray[lengths.length];
        for (int b = 0; b < lengths.length; b++) {
            sequences[b] = sequence(1, lengths[b], 10 + b);
        }
        for (boolean paddingAtStart : new boolean[] {false, true}) {
            // Padding holds non-zero values: a padded step must not reach any window or state.
            INDArray batch = sequence(lengths.length, STEPS, 77).addi(3);
            INDArray mask = Nd4j.zeros(DataType.DOUBLE, lengths.length, STEPS);
            for (int b = 0; b < lengths.length; b++) {
                int from = paddingAtStart ? STEPS - lengths[b] : 0;
                batch.get(interval(b, b + 1), all(), interval(from, from + lengths[b]))
                        .assign(sequences[b]);
                mask.get(point(b), interval(from, from + lengths[b])).assign(1);
            }
            net.rnnClearPreviousState();
            INDArray out = net.output(batch, false, mask, null);
            for (int b = 0; b < lengths.length; b++) {
                int from = paddingAtStart ? STEPS - lengths[b] : 0;
                INDArray real = out.get(interval(b, b + 1), all(), interval(from, from + lengths[b]));
                String what = variant + (paddingAtStart ? " padding at start" : " padding at end") + " example " + b;
                assertTrue(difference(net.output(sequences[b]), real) < EXACT, what);
                double padded = out.get(point(b), all(), all())
                        .mul(mask.getRow(b).rsub(1).reshape(1, STEPS))
                        .amaxNumber()
                        .doubleValue();
                assertEquals(0.0, padded, 0.0, what + ": padded steps must output zero");
            }
        }
    }

    /** Bidirectional reverses each sequence for its backward layer; padding must still leave no trace. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void paddingLeavesNoTraceInBothDirections(CellType variant) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(22)
                .dataType(DataType.DOUBLE)
                .list()
                .layer(new Bidirectional(Bidirectional.Mode.CONCAT, CellVariants.layer(variant, N_IN, HIDDEN)))
                .build());
        net.init();
        GradientCheckMultiLayerTest.randomizeBiases(net);
        INDArray shortOne = sequence(1, 3, 30);
        INDArray fullOne = sequence(1, STEPS, 31);
        for (boolean paddingAtStart : new boolean[] {false, true}) {
            INDArray batch = sequence(2, STEPS, 78).addi(3);
            INDArray mask = Nd4j.ones(DataType.DOUBLE, 2, STEPS);
            batch.get(interval(0, 1), all(), all()).assign(fullOne);
            int from = paddingAtStart ? STEPS - 3 : 0;
            batch.get(interval(1, 2), all(), interval(from, from + 3)).assign(shortOne);
            mask.get(point(1), all()).assign(0);
            mask.get(point(1), interval(from, from + 3)).assign(1);
            INDArray out = net.output(batch, false, mask, null);
            assertTrue(difference(net.output(fullOne), out.get(interval(0, 1), all(), all())) < EXACT);
            assertTrue(
                    difference(net.output(shortOne), out.get(interval(1, 2), all(), interval(from, from + 3))) < EXACT,
                    variant + (paddingAtStart ? " padding at start" : " padding at end"));
        }
    }

    /** With back length k, truncated BPTT sends gradient only through the last k steps. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void truncatedBackpropStopsAfterItsLength(CellType variant) {
        MultiLayerNetwork net = alone(variant);
        net.initGradientsView();
        INDArray x = sequence(2, STEPS, 40);
        Layer layer = net.getLayer(0);
        layer.setInput(x, LayerWorkspaceMgr.noWorkspaces());
        layer.activate(true, LayerWorkspaceMgr.noWorkspaces());
        INDArray epsilon = Nd4j.rand(DataType.DOUBLE, 2, HIDDEN, STEPS);
        Pair<Gradient, INDArray> full =
                ((CellLoopLayer) layer).tbpttBackpropGradient(epsilon, STEPS, LayerWorkspaceMgr.noWorkspaces());
        INDArray fullParams = full.getFirst().gradient().dup();
        INDArray fullInput = full.getSecond().dup();

        layer.activate(true, LayerWorkspaceMgr.noWorkspaces());
        Pair<Gradient, INDArray> plain = layer.backpropGradient(epsilon, LayerWorkspaceMgr.noWorkspaces());
        assertTrue(difference(fullInput, plain.getSecond()) < EXACT, "tBPTT over the whole length is plain BPTT");
        assertTrue(difference(fullParams, plain.getFirst().gradient()) < EXACT);

        layer.activate(true, LayerWorkspaceMgr.noWorkspaces());
        INDArray truncated = ((CellLoopLayer) layer)
                .tbpttBackpropGradient(epsilon, 3, LayerWorkspaceMgr.noWorkspaces())
                .getSecond();
        assertEquals(
                0.0,
                truncated.get(all(), all(), interval(0, STEPS - 3)).amaxNumber().doubleValue(),
                0.0);
        assertTrue(truncated
                        .get(all(), all(), interval(STEPS - 3, STEPS))
                        .amaxNumber()
                        .doubleValue()
                > 0);
    }

    /**
     * Truncated BPTT runs segment by segment from the stored state: the segments' outputs are the
     * full sequence's, and fit with it trains.
     */
    @Test
    void truncatedBpttCarriesStateAcrossSegments() {
        CellType variant = CellVariants.all().get(2);
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(23)
                .dataType(DataType.DOUBLE)
                .updater(new Sgd(0.1))
                .list()
                .layer(CellVariants.layer(variant, N_IN, HIDDEN))
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE)
                        .activation(Activation.IDENTITY)
                        .nIn(HIDDEN)
                        .nOut(2)
                        .build())
                .backpropType(BackpropType.TruncatedBPTT)
                .tBPTTForwardLength(3)
                .tBPTTBackwardLength(3)
                .build());
        net.init();
        INDArray x = sequence(2, 9, 50);
        CellLoopLayer layer = (CellLoopLayer) net.getLayer(0);
        INDArray full = net.feedForward(x, false).get(1);
        layer.rnnClearPreviousState();
        for (int from = 0; from < 9; from += 3) {
            INDArray segment = layer.rnnActivateUsingStoredState(
                    x.get(all(), all(), interval(from, from + 3)), true, true, LayerWorkspaceMgr.noWorkspaces());
            assertTrue(
                    difference(full.get(all(), all(), interval(from, from + 3)), segment) < EXACT, "segment " + from);
            assertTrue(layer.rnnGetTBPTTState().containsKey(CellLoopLayer.STATE_C));
        }

        INDArray y = Nd4j.rand(DataType.DOUBLE, 2, 2, 9);
        double before = net.score(new org.nd4j.linalg.dataset.DataSet(x, y));
        for (int i = 0; i < 20; i++) {
            net.fit(x, y);
        }
        assertTrue(
                net.score(new org.nd4j.linalg.dataset.DataSet(x, y)) < 0.8 * before, "fit with truncated BPTT trains");
    }
}
