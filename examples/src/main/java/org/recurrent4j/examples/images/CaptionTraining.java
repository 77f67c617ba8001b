package org.recurrent4j.examples.images;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.recurrent4j.examples.cli.ProgressBarListener;
import org.recurrent4j.examples.cli.RunFailedException;
import org.recurrent4j.examples.cli.UsageException;
import org.recurrent4j.examples.diagnostics.CurvesChart;
import org.recurrent4j.examples.training.CommandRun;
import org.recurrent4j.images.SceneCaptions;
import org.recurrent4j.images.ShapeScenes;
import org.recurrent4j.io.AtomicFile;
import org.recurrent4j.io.ModelFile;
import org.recurrent4j.seq2seq.HeldOutSplit;
import org.recurrent4j.training.ChunkedBatchSource;
import org.recurrent4j.training.DataFingerprint;
import org.recurrent4j.training.Interval;
import org.recurrent4j.training.LearningCurves;
import org.recurrent4j.training.Metric;
import org.recurrent4j.training.RunListener;
import org.recurrent4j.training.RunResult;
import org.recurrent4j.training.TrainingRun;

/**
 * An {@code image caption} run: a {@link ShapeCaptioning#captioner captioner} trained by teacher
 * forcing on generated scenes of the training part of the split, the greedy exact match on fixed
 * drawings of held-out scenes (combinations never trained on) every {@code --report-every} steps,
 * checkpoints on the way (continued with {@code --resume}), the final greedy and beam-search
 * scores, and the model and sample scenes with their captions saved.
 */
final class CaptionTraining {

    /** The share of the scenes held out: their exact combination is never trained on. */
    static final double HELD_OUT = 0.2;

    private final ImageCaptionCommand o;
    private final PrintWriter out;

    /** The trained graph, its curves, and the final greedy and beam exact match. */
    record Trained(ComputationGraph net, LearningCurves curves, double greedy, double beam) {}

    CaptionTraining(ImageCaptionCommand options, PrintWriter out) {
        this.o = options;
        this.out = out;
    }

    Trained run() throws UsageException, RunFailedException {
        CommandRun command = CommandRun.start(o.spec, o.checkpoints);
        ShapeScenes scenes = new ShapeScenes(HeldOutSplit.of(HELD_OUT));
        // The scenes are generated from the seed, which is among the recorded options.
        command.settings(DataFingerprint.sha256(List.of("ShapeScenes " + ShapeScenes.SIZE + " held out " + HELD_OUT)));
        HeldOutScenes test = HeldOutScenes.draw(scenes, o.test, o.seed.seed() + 1);
        Metric exactMatch = Metric.of(
                "heldout_exact_match", Metric.Goal.MAXIMIZE, net -> test.exactMatch((ComputationGraph) net, 1));
        ProgressBarListener progress = new ProgressBarListener("image caption", o.training.progressBar());
        TrainingRun.Builder builder = command.builder(this::captioner)
                // Chunks of --report-every steps, each from its own seed: a resumed run jumps to its chunk.
                .data(new ChunkedBatchSource<MultiDataSet>(
                        o.reportEvery,
                        chunk -> new SceneCaptions(
                                scenes,
                                HeldOutSplit.Part.TRAINING,
                                o.training.batch(),
                                o.reportEvery,
                                o.seed.seed() * 1_000_003L + chunk)))
                .steps(o.steps)
                .evaluate(Interval.steps(o.reportEvery), exactMatch)
                .measureAtStart(false)
                .listener(progress)
                .listener(new RunListener() {
                    @Override
                    public void measured(Measurement m) {
                        out.printf(
                                Locale.ROOT,
                                "  step %6d   held-out exact match (greedy) %.3f   (%.0f s)%n",
                                m.step(),
                                m.values().get("heldout_exact_match"),
                                m.elapsed().toNanos() / 1e9);
                    }
                });
        TrainingRun run = command.build(builder, o.checkpoints, o.out.directory());
        ComputationGraph net = run.computationGraph();
        out.printf(
                Locale.ROOT,
                "data: %d scenes (two shapes, %d colours, %d shapes, 2 relations), %d held out (never trained on);"
                        + " %d drawings of held-out scenes scored%n",
                ShapeScenes.all().size(),
                ShapeScenes.Colour.values().length,
                ShapeScenes.Shape.values().length,
                scenes.scenes(HeldOutSplit.Part.HELD_OUT).size(),
                o.test);
        out.printf(
                Locale.ROOT,
                "model: %s ReNet encoder (%d units per direction over %d×%d patches), %d features, %s decoder of %d"
                        + " (features as its initial state and at every step), %,d parameters%n",
                o.network.cell().id(),
                o.network.hidden(),
                o.patch,
                o.patch,
                o.features,
                o.network.cell().id(),
                o.decoderHidden,
                net.numParams());
        if (command.resumed()) {
            out.printf("resuming from %s at step %,d%n", command.resume().get().directory(), run.startStep());
        }
        RunResult result = CommandRun.train(run, progress);
        out.println("checkpoint: " + result.lastCheckpoint());
        double greedy = test.exactMatch(net, 1);
        double beam = test.exactMatch(net, o.beam);
        out.printf(
                Locale.ROOT,
                "held-out exact match after %d steps: greedy %.3f, beam (width %d) %.3f%n",
                o.steps,
                greedy,
                o.beam,
                beam);
        return new Trained(net, result.curves(), greedy, beam);
    }

    private ComputationGraph captioner() throws UsageException {
        if (ShapeScenes.SIZE % o.patch != 0) {
            throw new UsageException("--patch " + o.patch + " does not divide the scenes' side of " + ShapeScenes.SIZE
                    + " pixels: give 1, 2, 4, 8 or 16");
        }
        ComputationGraph net;
        try {
            net = new ComputationGraph(ShapeCaptioning.captioner(
                    o.network.cell(),
                    o.network.hidden(),
                    o.patch,
                    o.features,
                    o.decoderHidden,
                    o.training.learningRate(),
                    o.seed.seed()));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        net.init();
        return net;
    }

    /** Saves the graph, its curves and {@code --samples} held-out scenes as PNGs with their captions. */
    void save(Trained trained) throws UsageException {
        Path dir = o.out.directory();
        try {
            Path model = dir.resolve(ImageCaptionCommand.MODEL_FILE);
            ModelFile.save(trained.net(), model, true);
            CurvesChart.write(trained.curves(), dir);
            out.println("saved model: " + model.toAbsolutePath() + " (curves: "
                    + dir.resolve(CurvesChart.PNG).toAbsolutePath() + ")");
            if (o.samples > 0) {
                writeSamples(trained.net(), dir.resolve("samples"));
            }
        } catch (IOException e) {
            throw new UsageException("cannot save the model in " + dir.toAbsolutePath() + ": " + e.getMessage());
        }
    }

    /**
     * Draws {@code --samples} held-out scenes, writes each as a PNG (8× enlarged) and prints and
     * writes ({@code captions.tsv}) its true caption beside the model's.
     */
    private void writeSamples(ComputationGraph net, Path dir) throws IOException {
        Files.createDirectories(dir);
        ShapeScenes scenes = new ShapeScenes(HeldOutSplit.of(HELD_OUT));
        HeldOutScenes samples = HeldOutScenes.draw(scenes, o.samples, o.seed.seed() + 2);
        List<String> captions = samples.captions(net, o.beam);
        StringBuilder table = new StringBuilder("file\ttrue caption\tthe model's caption\n");
        for (int i = 0; i < o.samples; i++) {
            Path png = dir.resolve(String.format(Locale.ROOT, "scene-%02d.png", i + 1));
            ShapeScenes.writePng(samples.images().slice(i), 8, png);
            String truth = samples.scenes().get(i).caption();
            table.append(png.getFileName())
                    .append('\t')
                    .append(truth)
                    .append('\t')
                    .append(captions.get(i))
                    .append('\n');
            out.printf("%s  %s  (true: %s)%n", png, captions.get(i), truth);
        }
        AtomicFile.writeBytes(
                dir.resolve("captions.tsv"), table.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Fixed drawings of held-out scenes, scored in batches. */
    record HeldOutScenes(List<ShapeScenes.Scene> scenes, INDArray images) {

        static HeldOutScenes draw(ShapeScenes scenes, int count, long seed) {
            Random random = new Random(seed);
            List<ShapeScenes.Scene> drawn = new ArrayList<>(count);
            INDArray images = Nd4j.create(DataType.FLOAT, count, 3, ShapeScenes.SIZE, ShapeScenes.SIZE);
            for (int i = 0; i < count; i++) {
                ShapeScenes.Scene scene = scenes.draw(HeldOutSplit.Part.HELD_OUT, random);
                drawn.add(scene);
                images.putSlice(i, scenes.render(scene, random));
            }
            return new HeldOutScenes(List.copyOf(drawn), images);
        }

        /** The share of the scenes whose caption, greedy ({@code width} 1) or by beam search, is exactly right. */
        double exactMatch(ComputationGraph net, int width) {
            List<String> captions = captions(net, width);
            int right = 0;
            for (int i = 0; i < scenes.size(); i++) {
                right += captions.get(i).equals(scenes.get(i).caption()) ? 1 : 0;
            }
            return right / (double) scenes.size();
        }

        /** The model's caption of each scene. */
        List<String> captions(ComputationGraph net, int width) {
            return ShapeCaptioning.captions(net, images, width);
        }
    }
}
