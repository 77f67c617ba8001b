package org.recurrent4j.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.recurrent4j.conf.CellType;
import org.recurrent4j.conf.CellTypes;

/**
 * Dropout in the structures trains, not only passes gradient checks (which run without it): every
 * pooling of {@link SequenceClassifier}, one and two layers, one and two directions, and {@link
 * SequenceLabeler}, each fitted on padded sequences, and input dropout on token embeddings; dropout is active while training and off at
 * inference. (DL4J 1.0.0-M2.1's {@code DropoutLayer} after a {@code GlobalPoolingLayer} fails in a
 * graph's backprop; the classifier uses the output layer's input dropout instead.)
 */
class ArchitectureDropoutTest {

    private static final int BATCH = 6;
    private static final int STEPS = 7;

    private static INDArray features() {
        Nd4j.getRandom().setSeed(3);
        return Nd4j.rand(DataType.FLOAT, BATCH, 4, STEPS);
    }

    private static INDArray mask() {
        INDArray mask = Nd4j.ones(DataType.FLOAT, BATCH, STEPS);
        for (int t = 4; t < STEPS; t++) {
            mask.putScalar(0, t, 0);
        }
        return mask;
    }

    /** Fits three batches, then checks the loss is finite and dropout acts in training only. */
    private static void trainsWithDropout(ComputationGraph net, DataSet data, String what) {
        for (int i = 0; i < 3; i++) {
            net.fit(data);
            assertTrue(Double.isFinite(net.score()), what + ": loss " + net.score());
        }
        INDArray[] in = {data.getFeatures()};
        INDArray[] masks = {data.getFeaturesMaskArray()};
        assertEquals(net.output(false, in, masks)[0], net.output(false, in, masks)[0], what + ": inference is exact");
        assertNotEquals(training(net, in, masks), training(net, in, masks), what + ": dropout acts in training");
    }

    /** The output of a forward pass in training mode (DL4J's {@code output(true, ...)} fails with dropout). */
    private static INDArray training(ComputationGraph net, INDArray[] in, INDArray[] masks) {
        net.setLayerMaskArrays(masks, null);
        INDArray out = net.feedForward(in, true, false).get("output").dup();
        net.clearLayerMaskArrays();
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(SequenceClassifier.Pooling.class)
    void classifierTrainsWithDropoutForEveryPoolingDepthAndDirection(SequenceClassifier.Pooling pooling) {
        INDArray labels = Nd4j.zeros(DataType.FLOAT, BATCH, 3);
        for (int b = 0; b < BATCH; b++) {
            labels.putScalar(b, b % 3, 1);
        }
        DataSet data = new DataSet(features(), labels, mask(), null);
        for (int[] hidden : new int[][] {{5}, {5, 6}}) {
            for (boolean bidirectional : new boolean[] {false, true}) {
                SequenceClassifier classifier = new SequenceClassifier()
                        .features(4)
                        .cell(CellTypes.GRU)
                        .hidden(hidden)
                        .pooling(pooling)
                        .dropout(0.3)
                        .classes(3)
                        .seed(1);
                if (bidirectional) {
                    classifier.bidirectional(Bidirectional.Mode.CONCAT);
                }
                ComputationGraph net = new ComputationGraph(classifier.build());
                net.init();
                trainsWithDropout(
                        net,
                        data,
                        pooling + ", " + hidden.length + " layer(s)" + (bidirectional ? ", bidirectional" : ""));
            }
        }
    }

    /** Input dropout on token embeddings, alone: in the first layer (each direction), in training only. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(SequenceClassifier.Pooling.class)
    void classifierTrainsWithDropoutOnItsEmbeddings(SequenceClassifier.Pooling pooling) {
        INDArray tokens = Nd4j.create(DataType.FLOAT, BATCH, 1, STEPS);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, BATCH, 2);
        for (int b = 0; b < BATCH; b++) {
            for (int t = 0; t < STEPS; t++) {
                tokens.putScalar(b, 0, t, (b * 7 + t * 3) % 20);
            }
            labels.putScalar(b, b % 2, 1);
        }
        DataSet data = new DataSet(tokens, labels, mask(), null);
        for (boolean bidirectional : new boolean[] {false, true}) {
            SequenceClassifier classifier = new SequenceClassifier()
                    .tokens(20, 8)
                    .cell(CellTypes.LSTM)
                    .hidden(5)
                    .pooling(pooling)
                    .inputDropout(0.4)
                    .classes(2)
                    .seed(1);
            if (bidirectional) {
                classifier.bidirectional(Bidirectional.Mode.CONCAT);
            }
            ComputationGraph net = new ComputationGraph(classifier.build());
            net.init();
            trainsWithDropout(net, data, pooling + " over embeddings" + (bidirectional ? ", bidirectional" : ""));
        }
    }

    static List<CellType> labelerCells() {
        return List.of(CellTypes.LSTM, CellTypes.GRU);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("labelerCells")
    void labelerTrainsWithDropout(CellType cell) {
        ComputationGraph net = new ComputationGraph(new SequenceLabeler()
                .features(4)
                .cell(cell)
                .hidden(5, 6)
                .dropout(0.3)
                .regression(2)
                .seed(1)
                .build());
        net.init();
        Nd4j.getRandom().setSeed(4);
        INDArray labels = Nd4j.rand(DataType.FLOAT, BATCH, 2, STEPS);
        trainsWithDropout(net, new DataSet(features(), labels, mask(), mask()), "labeler " + cell);
    }
}
