package org.recurrent4j.examples.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.recurrent4j.training.TrainingDivergedException;

/** What a command says when its run diverged: the step, and the options that go on from the last checkpoint. */
class CommandRunTest {

    private static TrainingDivergedException diverged(Path lastCheckpoint, double rate) {
        return new TrainingDivergedException(
                new TrainingDivergedException(811, Double.NaN, "the loss is NaN"), 812, lastCheckpoint, rate);
    }

    @Test
    void theAdviceNamesTheLastGoodCheckpointAndATenthOfTheRate() {
        Path last = Path.of("runs/x/checkpoints/checkpoint-000000000800");
        assertEquals(
                "training diverged at step 812 (loss NaN); the last good checkpoint is " + last
                        + ": continue from it with a lower learning rate, e.g. --resume " + last + " --lr 2.0E-4",
                CommandRun.advice(diverged(last, 0.002)));
        assertEquals(
                "training diverged at step 812 (loss NaN); no checkpoint was written before it: train again with a"
                        + " lower learning rate (--lr a tenth of it) or clip gradients (--clip)",
                CommandRun.advice(diverged(null, Double.NaN)));
    }
}
