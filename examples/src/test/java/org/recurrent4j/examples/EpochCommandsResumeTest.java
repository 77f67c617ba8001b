package org.recurrent4j.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.recurrent4j.examples.Recurrent4jCliTest.assertOneLineError;
import static org.recurrent4j.examples.Recurrent4jCliTest.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.learning.config.Adam;
import org.recurrent4j.examples.Recurrent4jCliTest.Run;
import org.recurrent4j.examples.cli.CheckpointOptions;
import org.recurrent4j.examples.diagnostics.CurvesChart;
import org.recurrent4j.examples.sentiment.SentimentCommand;
import org.recurrent4j.examples.timeseries.TimeSeriesModel;
import org.recurrent4j.training.LearningCurves;

/**
 * {@code --resume} in the commands that train in epochs ({@code sentiment}, {@code timeseries
 * classify|forecast}): training k + m epochs in one run equals training k, stopping, resuming with
 * only {@code --resume} and training m more, bit for bit (parameters, Adam's moments, iteration
 * count; dropout included); the curves carry on; options that contradict the checkpoint, changed
 * data, another command's checkpoint and nothing left to train are one-line errors.
 */
class EpochCommandsResumeTest {

    private static final List<String> QUIET = List.of("--quiet", "--checkpoint-every", "0");

    private static Run command(List<String> command, Path out, int epochs, String... more) {
        List<String> args = new ArrayList<>(command);
        args.addAll(List.of("--epochs", Integer.toString(epochs), "--out", out.toString()));
        args.addAll(QUIET);
        args.addAll(List.of(more));
        return run(args.toArray(String[]::new));
    }

    /** Resumes with nothing but the checkpoint, the epochs and the output directory. */
    private static Run resume(List<String> subcommand, Path from, Path out, int epochs, String... more) {
        List<String> args = new ArrayList<>(subcommand);
        args.addAll(List.of("--resume", from.toString()));
        args.addAll(List.of("--epochs", Integer.toString(epochs), "--out", out.toString()));
        args.addAll(QUIET);
        args.addAll(List.of(more));
        return run(args.toArray(String[]::new));
    }

    private static void assertSucceeded(Run r) {
        assertEquals(0, r.code(), r.out() + r.err());
    }

    /**
     * Trains 2 epochs in one run and 1 + 1 with a stop between; checks they are the same, bit for
     * bit, and returns the stopped run's directory.
     */
    private static Path assertResumingEqualsOneRun(
            List<String> command, List<String> subcommand, Path dir, ModelReader model) throws Exception {
        Path whole = dir.resolve("whole");
        Path stopped = dir.resolve("stopped");
        assertSucceeded(command(command, whole, 2));
        assertSucceeded(command(command, stopped, 1));
        Model afterOne = model.read(stopped);
        Run resumed = resume(subcommand, stopped, stopped, 2);
        assertSucceeded(resumed);
        assertTrue(
                resumed.out()
                        .contains("resuming from "
                                + stopped.resolve(CheckpointOptions.DIRECTORY).toAbsolutePath()),
                resumed.out());

        Model a = model.read(whole);
        Model b = model.read(stopped);
        assertFalse(
                Arrays.equals(a.params().toFloatVector(), afterOne.params().toFloatVector()),
                "the second epoch changes the parameters");
        assertArrayEquals(a.params().toFloatVector(), b.params().toFloatVector(), "parameters, bit for bit");
        assertArrayEquals(updaterState(a), updaterState(b), "Adam's moments, bit for bit");
        assertEquals(iterations(a), iterations(b));

        assertEquals(rows(whole), rows(stopped), "the same curves, the first run's rows kept");
        try (Stream<Path> checkpoints = Files.list(stopped.resolve(CheckpointOptions.DIRECTORY))) {
            assertEquals(2, checkpoints.count(), "the end of each run, the newest two kept");
        }
        return stopped;
    }

    @FunctionalInterface
    private interface ModelReader {
        Model read(Path dir) throws Exception;
    }

    private static float[] updaterState(Model m) {
        return m instanceof MultiLayerNetwork n
                ? n.getUpdater().getStateViewArray().toFloatVector()
                : ((ComputationGraph) m).getUpdater().getStateViewArray().toFloatVector();
    }

    private static int iterations(Model m) {
        return m instanceof MultiLayerNetwork n
                ? n.getIterationCount()
                : ((ComputationGraph) m).getConfiguration().getIterationCount();
    }

    /** The curves' rows without their time: step, training loss and the measurements. */
    private static List<String> rows(Path dir) throws Exception {
        return LearningCurves.read(dir.resolve(CurvesChart.CSV)).rows().stream()
                .map(r -> r.step() + " " + r.trainLoss() + " " + Arrays.toString(r.metrics()))
                .toList();
    }

    @Test
    void sentimentResumesBitForBitAndRefusesWhatWouldChangeTheRun(@TempDir Path dir) throws Exception {
        Path train = Recurrent4jCliTest.tsv(dir.resolve("train.tsv"), Recurrent4jCliTest.sentiment(300, 1));
        Path dev = Recurrent4jCliTest.tsv(dir.resolve("dev.tsv"), Recurrent4jCliTest.sentiment(100, 2));
        List<String> sentiment = List.of(
                "sentiment",
                "train",
                "--train",
                train.toString(),
                "--dev",
                dev.toString(),
                "--embedding",
                "8",
                "--hidden",
                "12",
                "--batch",
                "32",
                "--pooling",
                "last",
                "--bidirectional",
                "--dropout",
                "0.3",
                "--embedding-dropout",
                "0.2");
        Path stopped = assertResumingEqualsOneRun(
                sentiment,
                List.of("sentiment", "train"),
                dir,
                d -> ModelSerializer.restoreComputationGraph(
                        d.resolve(SentimentCommand.MODEL_FILE).toFile(), true));

        Path other = dir.resolve("other");
        List<String> train2 = List.of("sentiment", "train");
        assertOneLineError(
                resume(train2, stopped, other, 3, "--hidden", "16"), "--hidden 16 contradicts", "trained with 12");
        assertOneLineError(resume(train2, stopped, other, 2), "--epochs 2", "has trained 2 epoch(s) already");
        String original = Files.readString(train);
        Files.writeString(train, "a fine film .\t1\n", StandardOpenOption.APPEND);
        assertOneLineError(resume(train2, stopped, other, 3), "the training data", "SHA-256");
        Files.writeString(train, original);
        assertOneLineError(
                resume(List.of("timeseries", "classify"), stopped, other, 3), "not a checkpoint of", "--max-length");
        assertFalse(Files.exists(other), "a refused resume writes nothing");

        Run lowered = resume(List.of("sentiment"), stopped, other, 3, "--lr", "0.0005");
        assertSucceeded(lowered);
        ComputationGraph net = ModelSerializer.restoreComputationGraph(
                other.resolve(SentimentCommand.MODEL_FILE).toFile(), true);
        // embedding, recurrent and output layers
        assertEquals(0.0005, theRateOfEveryLayer(net, 3), 1e-12, "--lr on resume sets every layer's rate");
    }

    @Test
    void aDecayingRateFallsOverTheEpochsAndAResumedRunKeepsItsSchedule(@TempDir Path dir) throws Exception {
        List<String> classify = List.of(
                "timeseries",
                "classify",
                "--train-series",
                "60",
                "--test-series",
                "30",
                "--hidden",
                "8",
                "--batch",
                "16",
                "--lr",
                "0.01",
                "--lr-decay",
                "linear",
                "--final-lr",
                "0.001");
        Path first = dir.resolve("first");
        Run trained = command(classify, first, 2);
        assertSucceeded(trained);
        assertTrue(
                trained.out()
                        .contains("training: 2 epochs of batches of 16, learning rate 0.01 falling to 0.001 (linear)"),
                trained.out());
        // 60 series in batches of 16: 4 steps an epoch; the rate is set before each step, the last at 7/8 of the way.
        assertEquals(
                0.01 + (0.001 - 0.01) * 7 / 8,
                theRateOfEveryLayer(TimeSeriesModel.load(first).net(), 2),
                1e-12);

        List<String> subcommand = List.of("timeseries", "classify");
        Path other = dir.resolve("other");
        assertOneLineError(
                resume(subcommand, first, other, 3, "--lr-decay", "cosine"),
                "--lr-decay cosine contradicts",
                "trained with linear");
        assertOneLineError(
                command(subcommand, other, 1, "--lr", "0.001", "--lr-decay", "cosine", "--final-lr", "0.01"),
                "--final-lr 0.01 is above the learning rate 0.001");
        assertOneLineError(command(subcommand, other, 1, "--final-lr", "0.0001"), "give --lr-decay linear or cosine");

        // More epochs after the budget was used: the rate stays where the schedule ended.
        Run resumed = resume(subcommand, first, other, 3);
        assertSucceeded(resumed);
        assertTrue(resumed.out().contains("learning rate 0.01 falling to 0.001 (linear)"), resumed.out());
        assertEquals(0.001, theRateOfEveryLayer(TimeSeriesModel.load(other).net(), 2), 1e-12);
    }

    /**
     * The Adam learning rate of every parameter of {@code net}, checked to be one rate over at
     * least {@code layers} layers with parameters.
     */
    private static double theRateOfEveryLayer(Model net, int layers) {
        ComputationGraph graph = (ComputationGraph) net;
        double rate = Double.NaN;
        int withParameters = 0;
        for (int i = 0; i < graph.getNumLayers(); i++) {
            var layer = graph.getLayer(i);
            for (String parameter : layer.paramTable().keySet()) {
                double r = ((Adam) layer.conf().getLayer().getUpdaterByParam(parameter)).getLearningRate();
                assertTrue(Double.isNaN(rate) || r == rate, "layer " + i + ": " + r + " against " + rate);
                rate = r;
            }
            withParameters += layer.paramTable().isEmpty() ? 0 : 1;
        }
        assertTrue(withParameters >= layers, withParameters + " layers with parameters, expected " + layers);
        return rate;
    }

    @Test
    void timeSeriesClassificationResumesBitForBit(@TempDir Path dir) throws Exception {
        assertResumingEqualsOneRun(
                List.of(
                        "timeseries",
                        "classify",
                        "--train-series",
                        "60",
                        "--test-series",
                        "30",
                        "--hidden",
                        "8",
                        "--batch",
                        "16"),
                List.of("timeseries", "classify"),
                dir,
                d -> TimeSeriesModel.load(d).net());
    }

    @Test
    void timeSeriesForecastingResumesBitForBit(@TempDir Path dir) throws Exception {
        assertResumingEqualsOneRun(
                List.of(
                        "timeseries",
                        "forecast",
                        "--series",
                        "2",
                        "--length",
                        "300",
                        "--window",
                        "16",
                        "--hidden",
                        "8"),
                List.of("timeseries", "forecast"),
                dir,
                d -> TimeSeriesModel.load(d).net());
    }

    @Test
    void seq2seqResumesInsideAChunkBitForBit(@TempDir Path dir) throws Exception {
        List<String> seq2seq = List.of(
                "seq2seq",
                "train",
                "--task",
                "reverse",
                "--hidden",
                "8",
                "--batch",
                "8",
                "--test",
                "5",
                "--report-every",
                "4",
                "--quiet",
                "--checkpoint-every",
                "0");
        Path whole = dir.resolve("whole");
        Path stopped = dir.resolve("stopped");
        assertSucceeded(steps(seq2seq, whole, 6));
        // 3 steps stop inside the first chunk of 4; the resumed run finishes it and does 2 more
        assertSucceeded(steps(seq2seq, stopped, 3));
        Run resumed =
                run("seq2seq", "train", "--resume", stopped.toString(), "--steps", "6", "--out", stopped.toString());
        assertSucceeded(resumed);
        assertTrue(resumed.out().contains("at step 3"), resumed.out());

        ComputationGraph a = ModelSerializer.restoreComputationGraph(
                whole.resolve("model.zip").toFile(), true);
        ComputationGraph b = ModelSerializer.restoreComputationGraph(
                stopped.resolve("model.zip").toFile(), true);
        assertArrayEquals(a.params().toFloatVector(), b.params().toFloatVector(), "parameters, bit for bit");
        assertArrayEquals(updaterState(a), updaterState(b), "Adam's moments, bit for bit");
        assertEquals(6, iterations(b));
        List<String> wholeRows = rows(whole);
        List<String> resumedRows = rows(stopped);
        assertEquals(3, wholeRows.size(), "the first step's loss, the measurements at steps 4 and 6: " + wholeRows);
        assertTrue(resumedRows.get(1).startsWith("3 "), "the stopped run measured where it stopped: " + resumedRows);
        assertEquals(
                List.of(wholeRows.get(0), resumedRows.get(1), wholeRows.get(1), wholeRows.get(2)),
                resumedRows,
                "then the same rows as the run without a stop");
        assertOneLineError(
                run(
                        "seq2seq",
                        "train",
                        "--resume",
                        stopped.toString(),
                        "--steps",
                        "6",
                        "--out",
                        dir.resolve("x").toString()),
                "--steps 6",
                "has trained 6 steps already");
    }

    private static Run steps(List<String> command, Path out, int steps) {
        List<String> args = new ArrayList<>(command);
        args.addAll(List.of("--steps", Integer.toString(steps), "--out", out.toString()));
        return run(args.toArray(String[]::new));
    }
}
