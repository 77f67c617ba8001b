package org.recurrent4j.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.function.BiConsumer;
import java.util.function.DoubleFunction;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * A rate set in place takes effect at the next step: a network trained a step at 0.01, set to
 * 0.001 and trained another equals, bit for bit, a network built at 0.001 that was given the first
 * one's parameters, Adam's moments and iteration count after its first step — layers inside a
 * {@link Bidirectional} included.
 */
class LearningRateTest {

    private static final DataSet BATCH =
            new DataSet(Nd4j.rand(DataType.DOUBLE, 4, 3, 5).subi(0.5), Nd4j.rand(DataType.DOUBLE, 4, 2, 5));

    private static NeuralNetConfiguration.ListBuilder layers(double rate) {
        return new NeuralNetConfiguration.Builder()
                .seed(3)
                .dataType(DataType.DOUBLE)
                .updater(new Adam(rate))
                .list()
                .layer(new Bidirectional(new SimpleRnn.Builder().nIn(3).nOut(4).build()))
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE)
                        .nIn(8)
                        .nOut(2)
                        .activation(Activation.IDENTITY)
                        .build())
                .setInputType(InputType.recurrent(3));
    }

    private static MultiLayerNetwork network(double rate) {
        MultiLayerNetwork net = new MultiLayerNetwork(layers(rate).build());
        net.init();
        return net;
    }

    private static ComputationGraph graph(double rate) {
        ComputationGraph net = new ComputationGraph(new NeuralNetConfiguration.Builder()
                .seed(3)
                .dataType(DataType.DOUBLE)
                .updater(new Adam(rate))
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.recurrent(3))
                .addLayer(
                        "rnn", new Bidirectional(new SimpleRnn.Builder().nOut(4).build()), "in")
                .addLayer(
                        "out",
                        new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE)
                                .nOut(2)
                                .activation(Activation.IDENTITY)
                                .build(),
                        "rnn")
                .setOutputs("out")
                .build());
        net.init();
        return net;
    }

    /**
     * Trains {@code changed} a step at 0.01, sets it to 0.001 and trains another; compares with a
     * network built at 0.001 that {@code copyState} gives the first one's optimizer state and
     * iteration count after its first step.
     */
    private static <M extends Model> void assertARateSetBetweenStepsTakesEffect(
            DoubleFunction<M> build, BiConsumer<M, DataSet> fit, BiConsumer<M, M> copyState) {
        M changed = build.apply(0.01);
        M unchanged = build.apply(0.01);
        fit.accept(changed, BATCH);
        fit.accept(unchanged, BATCH);
        M builtLower = build.apply(0.001);
        builtLower.setParams(changed.params().dup());
        copyState.accept(changed, builtLower);

        LearningRate.set(changed, 0.001);
        fit.accept(changed, BATCH);
        fit.accept(builtLower, BATCH);
        fit.accept(unchanged, BATCH);

        double[] params = changed.params().toDoubleVector();
        assertArrayEquals(builtLower.params().toDoubleVector(), params);
        assertFalse(Arrays.equals(unchanged.params().toDoubleVector(), params), "the rate made a difference");
    }

    @Test
    void aRateSetBetweenStepsTakesEffectAtTheNextStep() {
        assertARateSetBetweenStepsTakesEffect(LearningRateTest::network, MultiLayerNetwork::fit, (from, to) -> {
            to.getUpdater()
                    .setStateViewArray(to, from.getUpdater().getStateViewArray().dup(), false);
            to.setIterationCount(from.getIterationCount());
        });
    }

    @Test
    void theSameInAGraph() {
        assertARateSetBetweenStepsTakesEffect(LearningRateTest::graph, ComputationGraph::fit, (from, to) -> {
            to.getUpdater()
                    .setStateViewArray(from.getUpdater().getStateViewArray().dup());
            to.getConfiguration().setIterationCount(from.getConfiguration().getIterationCount());
        });
    }
}
