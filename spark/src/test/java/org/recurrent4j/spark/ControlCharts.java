package org.recurrent4j.spark;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.DataSet;

/** The synthetic control charts as the tests use them in memory. */
final class ControlCharts {

    private ControlCharts() {}

    /** The charts move around m = 30 with s = 2: (x − 30) / 10 puts them near [−1, 1]. */
    static void centre(DataSet d) {
        d.setFeatures(d.getFeatures().sub(30).divi(10));
    }

    static double accuracy(ComputationGraph net, DataSet test) {
        Evaluation evaluation = new Evaluation(6);
        evaluation.eval(test.getLabels(), net.outputSingle(test.getFeatures()));
        return evaluation.accuracy();
    }
}
