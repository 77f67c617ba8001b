package org.recurrent4j.examples.training;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.recurrent4j.checkpoint.CheckpointStore;
import org.recurrent4j.training.TrainingDivergedException;

/** What a command says when training diverged: where, and how to go on from the last good checkpoint. */
public final class Divergence {

    private Divergence() {}

    /**
     * @param store the run's checkpoints, or null if it writes none
     * @param step the step whose loss was not finite
     * @param learningRate the rate the run trained at (NaN if unknown): the advice is a tenth of it
     */
    public static String advice(CheckpointStore store, long step, TrainingDivergedException e, double learningRate) {
        String what = "training diverged at step " + step + " (loss " + e.score() + ")";
        String lower = Double.isNaN(learningRate) ? "a tenth of it" : Double.toString(learningRate / 10);
        List<Path> saved = List.of();
        if (store != null) {
            try {
                saved = store.checkpoints();
            } catch (IOException listing) {
                saved = List.of();
            }
        }
        if (saved.isEmpty()) {
            return what + "; no checkpoint was written before it: train again with a lower learning rate (--lr " + lower
                    + ") or clip gradients (--clip)";
        }
        Path last = saved.get(saved.size() - 1);
        return what + "; the last good checkpoint is " + last + ": continue from it with a lower learning rate,"
                + " e.g. --resume " + last + " --lr " + lower;
    }
}
