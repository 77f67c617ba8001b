package org.recurrent4j.examples.images;

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
import javax.imageio.ImageIO;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recurrent4j.examples.Recurrent4jCli;
import org.recurrent4j.examples.cli.CheckpointOptions;
import org.recurrent4j.examples.diagnostics.CurvesChart;
import org.recurrent4j.training.LearningCurves;

/**
 * {@code image train --resume}: training 1 + 1 epochs with a stop between equals training 2 in one
 * run, bit for bit (parameters, Adam's moments, iteration count, the curves; dropout and the
 * per-epoch shuffle included); options that contradict the checkpoint and changed images are
 * one-line errors.
 */
class ImageResumeTest {

    private record Run(int code, String out, String err) {}

    private static Run run(List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Recurrent4jCli.run(
                args.toArray(String[]::new),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Run train(List<String> options, Path out, int epochs, String... more) {
        List<String> args = new ArrayList<>(List.of("image", "train"));
        args.addAll(options);
        args.addAll(List.of("--epochs", Integer.toString(epochs), "--out", out.toString()));
        args.addAll(List.of("--quiet", "--checkpoint-every", "0"));
        args.addAll(List.of(more));
        return run(args);
    }

    private static void assertSucceeded(Run r) {
        assertEquals(0, r.code(), r.out() + r.err());
    }

    private static void assertOneLineError(Run r, String... mustContain) {
        assertEquals(2, r.code(), r.out() + r.err());
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.size(), "one line, no stack trace: " + r.err());
        assertTrue(lines.get(0).startsWith("recurrent4j: error: "), r.err());
        for (String s : mustContain) {
            assertTrue(lines.get(0).contains(s), "error should mention " + s + ": " + r.err());
        }
    }

    /** The curves' rows without their time: step, training loss and the measurements. */
    private static List<String> rows(Path dir) throws Exception {
        return LearningCurves.read(dir.resolve(CurvesChart.CSV)).rows().stream()
                .map(r -> r.step() + " " + r.trainLoss() + " " + Arrays.toString(r.metrics()))
                .toList();
    }

    @Test
    void resumingEqualsOneRunBitForBitAndRefusesWhatWouldChangeTheRun(@TempDir Path dir) throws Exception {
        Path images = ImageCommandTest.bars(dir.resolve("bars"), 12, 1);
        List<String> options = List.of(
                "--images",
                images.toString(),
                "--hidden",
                "6",
                "--batch",
                "8",
                "--composition",
                "renet",
                "--dropout",
                "0.2",
                "--seed",
                "5");
        Path whole = dir.resolve("whole");
        Path stopped = dir.resolve("stopped");
        assertSucceeded(train(options, whole, 2));
        assertSucceeded(train(options, stopped, 1));
        ComputationGraph afterOne = ImageModel.load(stopped).net();

        List<String> resume = List.of("--resume", stopped.toString());
        Run resumed = train(resume, stopped, 2);
        assertSucceeded(resumed);
        assertTrue(
                resumed.out()
                        .contains("resuming from "
                                + stopped.resolve(CheckpointOptions.DIRECTORY).toAbsolutePath()),
                resumed.out());

        ImageModel a = ImageModel.load(whole);
        ImageModel b = ImageModel.load(stopped);
        assertFalse(
                Arrays.equals(
                        a.net().params().toFloatVector(), afterOne.params().toFloatVector()),
                "the second epoch changes the parameters");
        assertArrayEquals(
                a.net().params().toFloatVector(), b.net().params().toFloatVector(), "parameters, bit for bit");
        assertArrayEquals(
                a.net().getUpdater().getStateViewArray().toFloatVector(),
                b.net().getUpdater().getStateViewArray().toFloatVector(),
                "Adam's moments, bit for bit");
        assertEquals(
                a.net().getConfiguration().getIterationCount(),
                b.net().getConfiguration().getIterationCount());
        assertEquals(a.classes(), b.classes());
        assertEquals(rows(whole), rows(stopped), "the same curves, the first run's rows kept");
        try (Stream<Path> checkpoints = Files.list(stopped.resolve(CheckpointOptions.DIRECTORY))) {
            assertEquals(2, checkpoints.count(), "the end of each run, the newest two kept");
        }

        Path other = dir.resolve("other");
        assertOneLineError(train(resume, other, 3, "--hidden", "8"), "--hidden 8 contradicts", "trained with 6");
        assertOneLineError(train(resume, other, 2), "--epochs 2", "has trained 2 epoch(s) already");
        ImageIO.write(
                ImageCommandTest.bar("vertical", ImageCommandTest.SIZE, new Random(9)),
                "png",
                images.resolve("vertical").resolve("extra.png").toFile());
        assertOneLineError(train(resume, other, 3), "the training data", "SHA-256");
        assertFalse(Files.exists(other), "a refused resume writes nothing");
    }
}
