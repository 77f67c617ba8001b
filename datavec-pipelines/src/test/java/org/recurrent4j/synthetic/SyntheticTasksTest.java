package org.recurrent4j.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.recurrent4j.conf.Gru;

class SyntheticTasksTest {

    @Test
    void sameSeedSameDataAndResetReplays() {
        AddingProblem a = new AddingProblem(20, 8, 3, 42);
        DataSet first = a.next();
        assertEquals(first, new AddingProblem(20, 8, 3, 42).next());
        assertNotEquals(first, new AddingProblem(20, 8, 3, 43).next());
        a.next();
        a.next();
        assertTrue(!a.hasNext());
        assertThrows(java.util.NoSuchElementException.class, a::next);
        a.reset();
        assertEquals(first, a.next());
    }

    @Test
    void addingProblemTargetIsTheSumOfTheTwoMarkedValues() {
        DataSet d = new AddingProblem(30, 64, 1, 1).next();
        assertArrayEquals(new long[] {64, 2, 30}, d.getFeatures().shape());
        assertArrayEquals(new long[] {64, 1}, d.getLabels().shape());
        for (int b = 0; b < 64; b++) {
            INDArray values = d.getFeatures().get(NDArrayIndex.point(b), NDArrayIndex.point(0), NDArrayIndex.all());
            INDArray markers = d.getFeatures().get(NDArrayIndex.point(b), NDArrayIndex.point(1), NDArrayIndex.all());
            assertEquals(2.0, markers.sumNumber().doubleValue(), 0.0);
            assertEquals(
                    1.0, markers.get(NDArrayIndex.interval(0, 15)).sumNumber().doubleValue(), 0.0, "one in each half");
            assertEquals(
                    values.mul(markers).sumNumber().doubleValue(), d.getLabels().getDouble(b, 0), 1e-6);
        }
    }

    @Test
    void controlChartClassesFollowTheirDefinitions() {
        Random random = new Random(5);
        for (int i = 0; i < 50; i++) {
            double[] increasing = SyntheticControlCharts.series(2, 60, random);
            double[] decreasing = SyntheticControlCharts.series(3, 60, random);
            double[] up = SyntheticControlCharts.series(4, 60, random);
            double[] normal = SyntheticControlCharts.series(0, 60, random);
            assertTrue(slope(increasing) > 0.1 && slope(increasing) < 0.6, "trend slope " + slope(increasing));
            assertTrue(slope(decreasing) < -0.1 && slope(decreasing) > -0.6);
            assertTrue(mean(up, 40, 60) - mean(up, 0, 20) > 5, "upward shift of at least 7.5");
            for (double v : normal) {
                assertTrue(v >= 24 && v <= 36, "normal stays within m ± 3s: " + v);
            }
        }
        DataSet d = new SyntheticControlCharts(60, 12, 1, 3).next();
        assertArrayEquals(new long[] {12, 1, 60}, d.getFeatures().shape());
        assertArrayEquals(new double[] {2, 2, 2, 2, 2, 2}, d.getLabels().sum(0).toDoubleVector(), 0.0, "balanced");
    }

    private static double slope(double[] y) {
        int n = y.length;
        double mx = (n - 1) / 2.0;
        double my = mean(y, 0, n);
        double num = 0;
        double den = 0;
        for (int t = 0; t < n; t++) {
            num += (t - mx) * (y[t] - my);
            den += (t - mx) * (t - mx);
        }
        return num / den;
    }

    private static double mean(double[] y, int from, int to) {
        double s = 0;
        for (int t = from; t < to; t++) {
            s += y[t];
        }
        return s / (to - from);
    }

    @Test
    void delayedRecallIsLearnedByAGruAndNotByChance() {
        DelayedRecall task = new DelayedRecall(4, 12, 3, 32, 300, 9);
        DataSet probe = new DelayedRecall(4, 12, 3, 256, 1, 10).next();
        assertEquals(
                0.0,
                probe.getLabelsMaskArray()
                        .get(NDArrayIndex.all(), NDArrayIndex.interval(0, 3))
                        .sumNumber()
                        .doubleValue(),
                0.0);
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(1)
                .dataType(DataType.FLOAT)
                .updater(new Adam(0.02))
                .list()
                .layer(new Gru.Builder().nIn(4).nOut(24).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX)
                        .nIn(24)
                        .nOut(4)
                        .build())
                .build());
        net.init();
        net.fit(task);
        INDArray predicted = net.output(probe.getFeatures()).argMax(1);
        INDArray mask = probe.getLabelsMaskArray();
        double accuracy = predicted
                        .eq(probe.getLabels().argMax(1))
                        .castTo(DataType.FLOAT)
                        .mul(mask)
                        .sumNumber()
                        .doubleValue()
                / mask.sumNumber().doubleValue();
        assertTrue(accuracy > 0.9, "accuracy " + accuracy + " (chance 0.25)");
    }
}
