package org.recurrent4j.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The built-in metrics against their definitions computed by hand from the network's own output
 * probabilities, on padded sequences, for a MultiLayerNetwork and the same network as a graph.
 */
class MetricsTest {

    private static final int CLASSES = 3;
    private static final int STEPS = 4;

    private static MultiLayerNetwork network() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(11)
                .dataType(DataType.DOUBLE)
                .list()
                .layer(new SimpleRnn.Builder()
                        .nOut(6)
                        .activation(Activation.TANH)
                        .build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(CLASSES)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.recurrent(2))
                .build());
        net.init();
        return net;
    }

    /** Two batches of 3 sequences; the second batch's last example has 2 real steps. */
    private static List<DataSet> data(MultiLayerNetwork net) {
        Nd4j.getRandom().setSeed(5);
        DataSet first = new DataSet(Nd4j.rand(DataType.DOUBLE, 3, 2, STEPS), null);
        DataSet second = new DataSet(Nd4j.rand(DataType.DOUBLE, 3, 2, STEPS), null);
        INDArray mask = Nd4j.ones(DataType.DOUBLE, 3, STEPS);
        mask.putScalar(2, 2, 0);
        mask.putScalar(2, 3, 0);
        // Labels: the network's own arg-max, except one wrong step in example 0 of the first batch.
        for (DataSet d : List.of(first, second)) {
            INDArray out = net.output(d.getFeatures());
            INDArray labels = Nd4j.zeros(DataType.DOUBLE, 3, CLASSES, STEPS);
            for (int b = 0; b < 3; b++) {
                for (int t = 0; t < STEPS; t++) {
                    int best = out.get(
                                    org.nd4j.linalg.indexing.NDArrayIndex.point(b),
                                    org.nd4j.linalg.indexing.NDArrayIndex.all(),
                                    org.nd4j.linalg.indexing.NDArrayIndex.point(t))
                            .argMax()
                            .getInt(0);
                    labels.putScalar(b, d == first && b == 0 && t == 1 ? (best + 1) % CLASSES : best, t, 1.0);
                }
            }
            d.setLabels(labels);
        }
        second.setFeaturesMaskArray(mask);
        second.setLabelsMaskArray(mask);
        return List.of(first, second);
    }

    @Test
    void eachMetricIsWhatItsDefinitionGives() {
        MultiLayerNetwork net = network();
        List<DataSet> data = data(net);
        double nats = 0;
        double realSteps = 0;
        for (DataSet d : data) {
            INDArray p = net.output(d.getFeatures(), false, d.getFeaturesMaskArray(), d.getLabelsMaskArray());
            for (int b = 0; b < 3; b++) {
                for (int t = 0; t < STEPS; t++) {
                    if (d.getLabelsMaskArray() != null && d.getLabelsMaskArray().getDouble(b, t) == 0) {
                        continue;
                    }
                    for (int c = 0; c < CLASSES; c++) {
                        nats -= d.getLabels().getDouble(b, c, t) * Math.log(p.getDouble(b, c, t));
                    }
                    realSteps++;
                }
            }
        }
        ListDataSetIterator<DataSet> heldOut = new ListDataSetIterator<>(data, 3);
        ComputationGraph graph = net.toComputationGraph();
        for (org.deeplearning4j.nn.api.Model model : List.of(net, graph)) {
            assertEquals(nats / realSteps, Metrics.natsPerStep(heldOut).measure(model), 1e-9, "nats per step");
            assertEquals(nats / 6, Metrics.loss(heldOut).measure(model), 1e-9, "loss per example");
            assertEquals(5.0 / 6, Metrics.exactMatch(heldOut).measure(model), 1e-12, "exact match");
            // 22 real steps, one of them wrong
            assertEquals(21.0 / 22, Metrics.accuracy(heldOut).measure(model), 1e-12, "accuracy");
        }
        assertTrue(Metrics.accuracy(heldOut).goal() == Metric.Goal.MAXIMIZE);
        assertEquals("dev_loss", Metrics.loss(heldOut).named("dev_loss").name());
    }
}
