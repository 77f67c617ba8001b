package org.recurrent4j.examples.charrnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.learning.config.Adam;
import org.recurrent4j.checkpoint.CheckpointStore;
import org.recurrent4j.examples.Recurrent4jCli;
import org.recurrent4j.examples.cli.CheckpointOptions;
import org.recurrent4j.examples.diagnostics.CurvesChart;
import org.recurrent4j.training.LearningCurves;

/**
 * {@code char-rnn train --resume}: training k + m steps in one run equals training k steps,
 * stopping, resuming and training m more, bit for bit; a resumed run refuses options that
 * contradict its checkpoint, names a damaged checkpoint and the good one before it, and may lower
 * the learning rate.
 */
class CharRnnResumeTest {

    @TempDir
    static Path data;

    private static Path text;

    private record Run(int code, String out, String err) {}

    @BeforeAll
    static void writeText() throws Exception {
        Random random = new Random(3);
        StringBuilder sb = new StringBuilder();
        String[] words = {"the ", "cat ", "sat ", "on ", "a ", "mat, ", "and ", "then ", "slept.\n"};
        while (sb.length() < 6_000) {
            sb.append(words[random.nextInt(words.length)]);
        }
        text = data.resolve("text.txt");
        Files.writeString(text, sb);
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Recurrent4jCli.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A small GRU run on the test text, to step {@code steps}, into {@code out}, with {@code more} options. */
    private static Run train(Path out, int steps, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "char-rnn",
                "train",
                "--text",
                text.toString(),
                "--cell",
                "gru",
                "--hidden",
                "24",
                "--layers",
                "2",
                "--seq-length",
                "30",
                "--tbptt",
                "10",
                "--batch",
                "6",
                "--steps",
                Integer.toString(steps),
                "--minutes",
                "30",
                "--quiet",
                "--out",
                out.toString()));
        if (!List.of(more).contains("--checkpoint-every")) {
            args.addAll(List.of("--checkpoint-every", "0"));
        }
        args.addAll(List.of(more));
        return run(args.toArray(String[]::new));
    }

    /** A resumed run: only what it must say (--resume, --steps, --out), the rest comes from the checkpoint. */
    private static Run resume(Path from, Path out, int steps, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "char-rnn",
                "train",
                "--resume",
                from.toString(),
                "--steps",
                Integer.toString(steps),
                "--quiet",
                "--checkpoint-every",
                "0",
                "--out",
                out.toString()));
        args.addAll(List.of(more));
        return run(args.toArray(String[]::new));
    }

    private static MultiLayerNetwork model(Path dir) throws Exception {
        return ModelSerializer.restoreMultiLayerNetwork(
                dir.resolve(CharRnnCommand.MODEL_FILE).toFile(), true);
    }

    private static void assertSucceeded(Run r) {
        assertEquals(0, r.code(), r.out() + r.err());
    }

    @Test
    void resumingEqualsTrainingWithoutAStop(@TempDir Path dir) throws Exception {
        Path whole = dir.resolve("whole");
        Path stopped = dir.resolve("stopped");
        assertSucceeded(train(whole, 7));
        assertSucceeded(train(stopped, 3));
        MultiLayerNetwork atThree = model(stopped);
        Run resumed = resume(stopped, stopped, 7);
        assertSucceeded(resumed);
        assertTrue(
                resumed.out()
                        .contains("resuming from "
                                + stopped.resolve("checkpoints").toAbsolutePath()),
                resumed.out());

        MultiLayerNetwork a = model(whole);
        MultiLayerNetwork b = model(stopped);
        assertFalse(
                Arrays.equals(a.params().toFloatVector(), atThree.params().toFloatVector()),
                "the four steps after the stop change the parameters");
        assertArrayEquals(a.params().toFloatVector(), b.params().toFloatVector(), "parameters, bit for bit");
        assertArrayEquals(
                a.getUpdater().getStateViewArray().toFloatVector(),
                b.getUpdater().getStateViewArray().toFloatVector(),
                "Adam's moments, bit for bit");
        assertEquals(a.getIterationCount(), b.getIterationCount());

        LearningCurves curves = LearningCurves.read(stopped.resolve(CurvesChart.CSV));
        long[] steps = curves.steps();
        assertEquals(7, steps[steps.length - 1], "the curves carry on from the first run's");
        assertTrue(Arrays.stream(steps).anyMatch(step -> step == 3), "the first run's final measurement is kept");
        try (Stream<Path> checkpoints = Files.list(stopped.resolve(CheckpointOptions.DIRECTORY))) {
            assertEquals(
                    List.of("checkpoint-000000000003", "checkpoint-000000000007"),
                    checkpoints.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void contradictingOptionsAndDamagedCheckpointsAreOneLineErrors(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        assertSucceeded(train(run, 2));
        assertSucceeded(resume(run, run, 4));

        Run contradicting = resume(run, dir.resolve("other"), 6, "--hidden", "32");
        assertOneLineError(contradicting, "--hidden 32 contradicts", "trained with 24", "checkpoint-000000000004");
        Run otherText = resume(run, dir.resolve("other"), 6, "--text", write(dir, "other text, other text"));
        assertOneLineError(otherText, "--text", "contradicts");

        Path newest = run.resolve("checkpoints/checkpoint-000000000004");
        Files.write(
                newest.resolve(CheckpointStore.MODEL_FILE),
                new byte[] {1, 2, 3},
                java.nio.file.StandardOpenOption.APPEND);
        Run damaged = resume(run, dir.resolve("other"), 6);
        assertOneLineError(damaged, newest.toString(), CheckpointStore.MODEL_FILE, "checkpoint-000000000002");
        assertFalse(Files.exists(dir.resolve("other")), "nothing is written by a refused resume");

        Path older = run.resolve("checkpoints/checkpoint-000000000002");
        Run fromOlder = resume(older, dir.resolve("other"), 3);
        assertSucceeded(fromOlder);
        assertTrue(fromOlder.out().contains("at step 2"), fromOlder.out());
        assertOneLineError(resume(dir.resolve("nothing-here"), dir.resolve("x"), 3), "--resume", "no checkpoint");
    }

    @Test
    void resumingWithALowerLearningRateUsesIt(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        assertSucceeded(train(run, 2, "--lr", "0.01"));
        Run lowered = resume(run, run, 4, "--lr", "0.001");
        assertSucceeded(lowered);
        assertTrue(lowered.out().contains("with learning rate 0.001"), lowered.out());
        assertEquals(0.001, adamRate(model(run)), 1e-12, "every layer's rate");
    }

    @Test
    void aDecayingRateFollowsTheStepsAndCarriesOnAfterAResume(@TempDir Path dir) throws Exception {
        String[] decay = {"--lr", "0.01", "--lr-decay", "linear", "--final-lr", "0.001"};
        Path whole = dir.resolve("whole");
        Run wholeRun = train(whole, 6, decay);
        assertSucceeded(wholeRun);
        assertTrue(wholeRun.out().contains("learning rate 0.01 falling to 0.001 (linear)"), wholeRun.out());
        // The rate is set before each step from the share of the steps done: before the sixth, 5/6.
        assertEquals(0.01 + (0.001 - 0.01) * 5 / 6, adamRate(model(whole)), 1e-12);

        // A checkpoint after every step (6 ms apart; a step takes longer); the store keeps the newest two, so step 5's
        // is there.
        Path stopped = dir.resolve("stopped");
        String[] everyStep = Arrays.copyOf(decay, decay.length + 2);
        everyStep[decay.length] = "--checkpoint-every";
        everyStep[decay.length + 1] = "1e-4";
        assertSucceeded(train(stopped, 6, everyStep));
        Path atFive = stopped.resolve("checkpoints/checkpoint-000000000005");
        Path resumedOut = dir.resolve("resumed");
        assertSucceeded(resume(atFive, resumedOut, 6));
        assertArrayEquals(
                model(whole).params().toFloatVector(),
                model(resumedOut).params().toFloatVector(),
                "the resumed run took its last step at the scheduled rate, bit for bit");

        assertOneLineError(train(dir.resolve("x"), 2, "--final-lr", "0.001"), "--final-lr", "--lr-decay");
        assertOneLineError(
                train(dir.resolve("x"), 2, "--lr", "0.001", "--lr-decay", "cosine", "--final-lr", "0.01"),
                "--final-lr 0.01",
                "above");
    }

    private static double adamRate(MultiLayerNetwork net) {
        double rate = Double.NaN;
        for (int i = 0; i < net.getnLayers(); i++) {
            Adam adam = (Adam) net.getLayer(i)
                    .conf()
                    .getLayer()
                    .getUpdaterByParam(
                            net.getLayer(i).paramTable().keySet().iterator().next());
            assertTrue(Double.isNaN(rate) || rate == adam.getLearningRate(), "every layer at one rate");
            rate = adam.getLearningRate();
        }
        return rate;
    }

    private static String write(Path dir, String content) throws Exception {
        Path file = dir.resolve("other.txt");
        Files.writeString(file, content.repeat(100));
        return file.toString();
    }

    private static void assertOneLineError(Run r, String... mustContain) {
        assertEquals(2, r.code(), r.out() + r.err());
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.size(), "one line, no stack trace: " + r.err());
        for (String s : mustContain) {
            assertTrue(lines.get(0).contains(s), "error should mention " + s + ": " + r.err());
        }
    }
}
