package com.example.rnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.recurrent4j.arch.SequenceClassifier;
import org.recurrent4j.conf.CellTypes;
import org.recurrent4j.conf.Gru;
import org.recurrent4j.conf.Lstm;
import org.recurrent4j.synthetic.SyntheticControlCharts;

/**
 * recurrent4j from its jars: its layers and builders, DL4J's training loop, a generator from
 * recurrent4j-datavec, and a saved model read back. The six control-chart classes are drawn fresh
 * for every batch; chance is 1/6.
 */
class LibraryUseTest {

    private static final int LENGTH = 30;

    /** The generator's series have mean 30 and stay within about ±30 of it. */
    private static final DataSetPreProcessor CENTRE =
            d -> d.getFeatures().subi(30).divi(10);

    private static DataSet heldOut() {
        DataSet test = new SyntheticControlCharts(LENGTH, 300, 1, 99).next();
        CENTRE.preProcess(test);
        return test;
    }

    private static SyntheticControlCharts training(int batches) {
        SyntheticControlCharts train = new SyntheticControlCharts(LENGTH, 32, batches, 1);
        train.setPreProcessor(CENTRE);
        return train;
    }

    /** recurrent4j's Lstm and Gru are ordinary DL4J layers: stacked in a MultiLayerNetwork. */
    @Test
    void lstmAndGruLayersTrainInAMultiLayerNetwork(@TempDir Path dir) throws Exception {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(5)
                .updater(new Adam(0.01))
                .list()
                .layer(new Lstm.Builder().nIn(1).nOut(24).build())
                .layer(new LastTimeStep(new Gru.Builder().nIn(24).nOut(24).build()))
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX)
                        .nIn(24)
                        .nOut(SyntheticControlCharts.CLASSES.length)
                        .build())
                .build());
        net.init();
        DataSet test = heldOut();
        double before = net.score(test);
        net.fit(training(40));
        double after = net.score(test);
        Evaluation eval = new Evaluation(SyntheticControlCharts.CLASSES.length);
        eval.eval(test.getLabels(), net.output(test.getFeatures()));
        assertTrue(after < 0.6 * before, "held-out loss " + before + " -> " + after);
        assertTrue(eval.accuracy() >= 0.6, "held-out accuracy " + eval.accuracy() + " (chance 1/6)");

        File saved = dir.resolve("charts.zip").toFile();
        ModelSerializer.writeModel(net, saved, true);
        MultiLayerNetwork restored = MultiLayerNetwork.load(saved, true);
        assertInstanceOf(
                Lstm.class, restored.getLayerWiseConfigurations().getConf(0).getLayer());
        assertEquals(net.output(test.getFeatures()), restored.output(test.getFeatures()));
    }

    /** The N→1 builder: a ComputationGraph with recurrent4j's LSTM, mean-pooled over time. */
    @Test
    void sequenceClassifierLearnsControlCharts() {
        ComputationGraph net = new ComputationGraph(new SequenceClassifier()
                .features(1)
                .cell(CellTypes.LSTM)
                .hidden(24)
                .pooling(SequenceClassifier.Pooling.MEAN)
                .classes(SyntheticControlCharts.CLASSES.length)
                .updater(new Adam(0.01))
                .seed(5)
                .build());
        net.init();
        DataSet test = heldOut();
        net.fit(training(40));
        INDArray output = net.outputSingle(test.getFeatures());
        Evaluation eval = new Evaluation(SyntheticControlCharts.CLASSES.length);
        eval.eval(test.getLabels(), output);
        assertTrue(eval.accuracy() >= 0.6, "held-out accuracy " + eval.accuracy() + " (chance 1/6)\n" + eval.stats());
    }
}
