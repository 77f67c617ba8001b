package org.recurrent4j.examples.syntax;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.recurrent4j.examples.Recurrent4jCli;

class TreeInductionTest {

    /** Tokens "( ( w w ) w ) ." : words at 2, 3, 5; the boundary before a word is the largest step distance since the previous word. */
    @Test
    void wordBoundariesTakeTheLargestDistanceSinceThePreviousWord() {
        double[] steps = {0.9, 0.1, 0.2, 0.3, 0.8, 0.4};
        assertArrayEquals(new double[] {0, 0.3, 0.8}, TreeInduction.wordBoundaries(steps, new int[] {2, 3, 5}), 0.0);
    }

    /**
     * A short run learns the language (the held-out loss falls far below its start), and training is
     * what makes its trees good: they beat the same model's trees before training (which already
     * see the brackets as input) and the random-split baseline by a wide margin.
     */
    @Test
    void aShortRunLearnsAndItsTreesBeatRandomSplits() {
        TreeInduction.Settings d = TreeInduction.Settings.defaults();
        TreeInduction.Settings settings =
                new TreeInduction.Settings(d.vocabulary(), 4, 8, 16, 32, 8, 300, 32, 200, d.learningRate(), 3);
        TreeInduction.Scores s = new TreeInduction(settings).run(step -> {});
        assertTrue(s.loss() < 0.75 * s.untrainedLoss(), s.toString());
        assertTrue(s.onLstm() > s.untrained() + 0.15, s.toString());
        assertTrue(s.onLstm() > s.random() + 0.25, s.toString());
        assertTrue(s.rightBranching() > 0 && s.rightBranching() < 1, s.toString());
    }

    @Test
    void commandPrintsTheScoresAndRejectsAChunkThatDoesNotDivide() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Recurrent4jCli.run(
                new String[] {"tree-induction", "--steps", "5", "--test", "20", "--hidden", "16"},
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);
        for (String row : List.of("ON-LSTM distances, trained", "right-branching", "random splits")) {
            assertTrue(printed.contains(row), printed);
        }

        err.reset();
        code = Recurrent4jCli.run(
                new String[] {"tree-induction", "--hidden", "30", "--chunk", "8"},
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, code);
        String line = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, line.lines().count(), line);
        assertTrue(line.contains("--chunk 8") && line.contains("--hidden 30"), line);
    }
}
