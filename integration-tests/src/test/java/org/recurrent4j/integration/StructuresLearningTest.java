package org.recurrent4j.integration;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.recurrent4j.arch.OneToMany;
import org.recurrent4j.arch.SequenceClassifier;
import org.recurrent4j.arch.SequenceLabeler;
import org.recurrent4j.conf.CellType;
import org.recurrent4j.conf.CellTypes;
import org.recurrent4j.synthetic.CountUp;
import org.recurrent4j.synthetic.DelayedRecall;
import org.recurrent4j.synthetic.SyntheticControlCharts;

/**
 * N→N, N→1 and 1→N networks from the builders, each with three cells, learn a task past a bound
 * that an untrained network cannot reach (checked before training), on data drawn with another seed
 * than the training data.
 */
class StructuresLearningTest {

    /** Fraction of the real steps (or examples) whose most probable class is the label. */
    private static double accuracy(INDArray output, INDArray labels, INDArray labelMask) {
        INDArray hits = output.argMax(1).eq(labels.argMax(1)).castTo(DataType.DOUBLE);
        if (labelMask == null) {
            return hits.meanNumber().doubleValue();
        }
        INDArray mask = labelMask.castTo(DataType.DOUBLE);
        return hits.mul(mask).sumNumber().doubleValue() / mask.sumNumber().doubleValue();
    }

    static List<Arguments> echoCells() {
        return List.of(Arguments.of(CellTypes.LSTM), Arguments.of(CellTypes.GRU), Arguments.of(CellTypes.ONLSTM));
    }

    /** N→N: output the symbol seen 3 steps earlier (4 symbols; chance 25%), at least 90%. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("echoCells")
    void sequenceLabelerLearnsDelayedEcho(CellType cell) {
        ComputationGraph net = new ComputationGraph(new SequenceLabeler()
                .features(4)
                .cell(cell)
                .hidden(32)
                .classes(4)
                .updater(new Adam(0.02))
                .seed(5)
                .build());
        net.init();
        DataSet test = new DelayedRecall(4, 12, 3, 500, 1, 99).next();
        double before = accuracy(net.outputSingle(test.getFeatures()), test.getLabels(), test.getLabelsMaskArray());
        net.fit(new DelayedRecall(4, 12, 3, 32, 300, 1));
        double after = accuracy(net.outputSingle(test.getFeatures()), test.getLabels(), test.getLabelsMaskArray());
        assertTrue(before < 0.4, cell + ": untrained " + before);
        assertTrue(after >= 0.9, cell + ": accuracy " + after + " (chance 0.25)");
    }

    static List<Arguments> chartSetups() {
        return List.of(
                Arguments.of(CellTypes.GRU, SequenceClassifier.Pooling.LAST, Bidirectional.Mode.CONCAT),
                // LSTM with mean pooling needs more than 300 batches from the orthogonal W_hh start
                // (80% after them; max pooling 98.5%), so the mean is checked with a GRU.
                Arguments.of(CellTypes.GRU, SequenceClassifier.Pooling.MEAN, null),
                Arguments.of(CellTypes.LSTM, SequenceClassifier.Pooling.MAX, null),
                Arguments.of(CellTypes.SRU, SequenceClassifier.Pooling.MAX, Bidirectional.Mode.ADD));
    }

    /** Series centred and scaled: the generator's mean 30, values within about ±30 of it. */
    private static final DataSetPreProcessor CENTRE =
            d -> d.getFeatures().subi(30).divi(10);

    /** N→1: the six control-chart classes (chance 1/6), at least 95% on fresh series. */
    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("chartSetups")
    void sequenceClassifierLearnsControlCharts(
            CellType cell, SequenceClassifier.Pooling pooling, Bidirectional.Mode mode) {
        SequenceClassifier builder = new SequenceClassifier()
                .features(1)
                .cell(cell)
                .hidden(32)
                .pooling(pooling)
                .classes(6)
                .updater(new Adam(0.01))
                .seed(5);
        if (mode != null) {
            builder.bidirectional(mode);
        }
        ComputationGraph net = new ComputationGraph(builder.build());
        net.init();
        SyntheticControlCharts heldOut = new SyntheticControlCharts(60, 600, 1, 99);
        DataSet test = heldOut.next();
        CENTRE.preProcess(test);
        double before = accuracy(net.outputSingle(test.getFeatures()), test.getLabels(), null);
        // 450 batches: after 300 the LSTM and SRU cases ended at 96.2% and 97.2%, and the SRU once, in a
        // full build, at 89.8% (the same code: training is not bit-for-bit repeatable across runs of the
        // build on this machine kind, cause not pinned down); after 450, 98.8-99.7%.
        SyntheticControlCharts train = new SyntheticControlCharts(60, 32, 450, 1);
        train.setPreProcessor(CENTRE);
        net.fit(train);
        double after = accuracy(net.outputSingle(test.getFeatures()), test.getLabels(), null);
        assertTrue(before < 0.45, cell + ": untrained " + before);
        assertTrue(after >= 0.95, cell + " " + pooling + ": accuracy " + after + " (chance 1/6)");
    }

    static List<Arguments> countSetups() {
        return List.of(
                Arguments.of(CellTypes.GRU, OneToMany.Feed.INITIAL_STATE),
                Arguments.of(CellTypes.LSTM, OneToMany.Feed.FIRST_STEP),
                Arguments.of(CellTypes.RNN, OneToMany.Feed.EVERY_STEP));
    }

    /**
     * 1→N: count up from a seed vector (start and stride; 10 values, strides 1–3, 8 steps). Without
     * the seed every step is uniform over 10 values; the network must write at least 90% of the
     * steps right.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("countSetups")
    void oneToManyLearnsToCountUp(CellType cell, OneToMany.Feed feed) {
        ComputationGraph net = new ComputationGraph(new OneToMany()
                .vectorSize(13)
                .features(1)
                .cell(cell)
                .hidden(48)
                .feed(feed)
                .classes(10)
                .updater(new Adam(0.01))
                .seed(5)
                .build());
        net.init();
        DataSet test = new CountUp(10, 3, 8, 500, 1, 99).next();
        double before = accuracy(output(net, test), test.getLabels(), null);
        CountUp train = new CountUp(10, 3, 8, 32, 600, 1);
        while (train.hasNext()) {
            DataSet d = train.next();
            net.fit(new INDArray[] {d.getFeatures(), steps(d)}, new INDArray[] {d.getLabels()});
        }
        double after = accuracy(output(net, test), test.getLabels(), null);
        assertTrue(before < 0.25, cell + ": untrained " + before);
        assertTrue(after >= 0.9, cell + " " + feed + ": accuracy " + after + " (chance 0.1)");
    }

    /** The step input: a constant 1 at each of the label's steps (the count does not feed back). */
    private static INDArray steps(DataSet d) {
        return Nd4j.ones(
                d.getFeatures().dataType(),
                d.getFeatures().size(0),
                1,
                d.getLabels().size(2));
    }

    private static INDArray output(ComputationGraph net, DataSet d) {
        return net.output(d.getFeatures(), steps(d))[0];
    }
}
