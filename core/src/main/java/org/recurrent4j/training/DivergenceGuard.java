package org.recurrent4j.training;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;

/**
 * Stops training within the iteration where it diverges: after every update, the loss and every
 * parameter must be finite, else {@code fit} throws a {@link TrainingDivergedException} naming the
 * iteration. Without it, DL4J keeps training on NaN and saves NaN models.
 *
 * <pre>{@code
 * net.addListeners(new DivergenceGuard());
 * try {
 *     net.fit(batch);
 * } catch (TrainingDivergedException e) {
 *     // restore the last checkpoint, lower the learning rate, go on
 * }
 * }</pre>
 *
 * <p>Cost: one pass over the parameters per iteration (two reductions), small beside the
 * iteration's own work.
 */
public class DivergenceGuard extends BaseTrainingListener {

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        double score = model.score();
        if (!Double.isFinite(score)) {
            throw new TrainingDivergedException(iteration, score, "the loss is " + score);
        }
        INDArray params = model.params();
        if (BooleanIndexing.or(params, Conditions.isNan())) {
            throw new TrainingDivergedException(iteration, score, "a parameter is NaN (loss " + score + ")");
        }
        if (BooleanIndexing.or(params, Conditions.isInfinite())) {
            throw new TrainingDivergedException(iteration, score, "a parameter is infinite (loss " + score + ")");
        }
    }
}
