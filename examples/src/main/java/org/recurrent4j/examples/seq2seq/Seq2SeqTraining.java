package org.recurrent4j.examples.seq2seq;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.recurrent4j.arch.EncoderDecoder;
import org.recurrent4j.checkpoint.Checkpoint;
import org.recurrent4j.conf.CellType;
import org.recurrent4j.decode.SequenceDecoder;
import org.recurrent4j.examples.cli.CheckpointOptions;
import org.recurrent4j.examples.cli.RunFailedException;
import org.recurrent4j.examples.cli.UsageException;
import org.recurrent4j.examples.diagnostics.TrainingCurves;
import org.recurrent4j.examples.training.EpochTrainer;
import org.recurrent4j.examples.training.LearningRate;
import org.recurrent4j.examples.training.RunSettings;
import org.recurrent4j.io.AtomicFile;
import org.recurrent4j.synthetic.HeldOutSplit;
import org.recurrent4j.synthetic.PairTask;
import org.recurrent4j.synthetic.SequencePair;
import org.recurrent4j.synthetic.SequencePairIterator;
import org.recurrent4j.synthetic.TokenEncoding;

/**
 * A seq2seq training run as the command line does it: an {@link EncoderDecoder} trained on the
 * task's training sources with a progress bar, the greedy exact match on the held-out pairs every
 * {@code --report-every} steps, checkpoints on the way and at the end (continued with {@code
 * --resume}), and the final greedy and beam-search scores.
 */
final class Seq2SeqTraining {

    private final Seq2SeqOptions o;
    private final PrintWriter out;

    /** The trained graph, its task and its learning curves. */
    record Trained(ComputationGraph net, PairTask task, TrainingCurves curves) {}

    Seq2SeqTraining(Seq2SeqOptions options, PrintWriter out) {
        this.o = options;
        this.out = out;
    }

    Trained run() throws UsageException, RunFailedException {
        Optional<Checkpoint> resume = o.checkpoints.resumeFrom();
        if (resume.isPresent()) {
            RunSettings.adopt(o.command, resume.get());
        }
        PairTask task = o.taskChoice().task();
        // The pairs are drawn from the task with the seed, both among the recorded options.
        RunSettings settings = RunSettings.of(o.command, RunSettings.sha256(List.of(task.toString())));
        int chunks = (o.steps + o.reportEvery - 1) / o.reportEvery;
        EpochTrainer.Start start = resume.isPresent()
                ? EpochTrainer.resume(resume.get(), settings, chunks, o.steps)
                : EpochTrainer.fresh("validation_exact_match");
        CellType cell = o.network.cell();
        ComputationGraph net = resume.isPresent() ? restored(resume.get()) : built(task, cell);
        out.printf(
                "task: %s; held-out sources never trained on (10%% of them)%n"
                        + "model: encoder-decoder, %s(%d), context %s%s, %,d parameters%n",
                task,
                cell.id(),
                o.network.hidden(),
                o.context.name().toLowerCase(Locale.ROOT),
                o.attention ? ", attention" : "",
                net.numParams());
        if (resume.isPresent()) {
            out.printf(
                    "resuming from %s at step %,d%s%n",
                    resume.get().directory(),
                    start.position().step(),
                    RunSettings.given(o.command, "--lr")
                            ? String.format(
                                    Locale.ROOT,
                                    " with learning rate %s, decaying by %s per step",
                                    o.training.learningRate(),
                                    o.decay)
                            : "");
        }

        List<SequencePair> test = iterator(task, o.test, 1, o.seed.seed() + 1, HeldOutSplit.Part.HELD_OUT)
                .nextPairs();
        SequenceDecoder decoder = decoder(net, task);
        EpochTrainer<MultiDataSet> trainer = EpochTrainer.ofMultiDataSets(net, start)
                .progress("seq2seq", "examples", o.training.progressBar())
                .learningRate(o.training.learningRate(), false)
                .checkpoints(
                        CheckpointOptions.store(o.out.directory()),
                        o.checkpoints.interval(),
                        settings.properties(),
                        Map.of());
        // Training goes in chunks of --report-every steps, each drawn from its own seed, with the
        // held-out exact match after each.
        trainer.train(
                chunks,
                o.reportEvery,
                o.steps,
                chunk -> iterator(
                        task,
                        o.training.batch(),
                        o.reportEvery,
                        o.seed.seed() * 1_000_003L + chunk - 1,
                        HeldOutSplit.Part.TRAINING),
                (chunk, step, loss, took) -> {
                    double exactMatch = exactMatch(decoder, task, test, 1);
                    out.printf(
                            "  step %6d   greedy exact match %.3f   (%.0f s)%n",
                            step, exactMatch, took.toNanos() / 1e9);
                    return exactMatch;
                });
        out.println("checkpoint: " + trainer.lastCheckpoint());
        double greedy = exactMatch(decoder, task, test, 1);
        double beam = exactMatch(decoder, task, test, o.beam);
        out.printf(
                "held-out exact match after %d steps: greedy %.3f, beam (width %d) %.3f%n",
                o.steps, greedy, o.beam, beam);
        SequencePair example = test.get(0);
        out.printf(
                "example: %s (the model: %s)%n",
                example.toText(task.sourceAlphabet(), task.targetAlphabet()),
                decode(decoder, task, example.source(), 1));
        return new Trained(net, task, trainer.curves());
    }

    private ComputationGraph built(PairTask task, CellType cell) throws UsageException {
        ComputationGraph net;
        try {
            net = new ComputationGraph(new EncoderDecoder()
                    .features(task.sourceAlphabet().size())
                    .targetOneHot(task.targetAlphabet().size())
                    .cell(cell)
                    .hidden(o.network.hidden())
                    .context(o.context)
                    .attention(o.attention)
                    .updater(new Adam(
                            new ExponentialSchedule(ScheduleType.ITERATION, o.training.learningRate(), o.decay)))
                    .gradientClipping(o.training.clipping(), o.training.clip())
                    .seed(o.seed.seed())
                    .build());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        net.init();
        return net;
    }

    /**
     * The checkpoint's graph; with {@code --lr}, its rate restarts there, still decaying by {@code
     * --decay} per step.
     */
    private ComputationGraph restored(Checkpoint checkpoint) throws UsageException {
        ComputationGraph net;
        try {
            net = checkpoint.computationGraph();
        } catch (IOException e) {
            throw new UsageException("--resume: " + e.getMessage());
        }
        if (RunSettings.given(o.command, "--lr")) {
            int iteration = net.getConfiguration().getIterationCount();
            LearningRate.set(
                    net,
                    new ExponentialSchedule(
                            ScheduleType.ITERATION, o.training.learningRate() / Math.pow(o.decay, iteration), o.decay));
        }
        return net;
    }

    /** Saves the graph, its task and its curves into {@code --out}. */
    void save(Trained trained) throws UsageException {
        Path dir = o.out.directory();
        try {
            Path model = dir.resolve(Seq2SeqCommand.MODEL_FILE);
            AtomicFile.write(model, tmp -> ModelSerializer.writeModel(trained.net(), tmp.toFile(), true));
            o.taskChoice().save(dir);
            trained.curves().write(dir);
            out.println("saved model: " + model.toAbsolutePath() + " (task: "
                    + dir.resolve(TaskChoice.FILE).toAbsolutePath() + "; curves: "
                    + dir.resolve(TrainingCurves.PNG).toAbsolutePath() + ")");
        } catch (IOException e) {
            throw new UsageException("cannot save the model in " + dir.toAbsolutePath() + ": " + e.getMessage());
        }
    }

    static SequenceDecoder decoder(ComputationGraph net, PairTask task) {
        return SequenceDecoder.oneHot(
                net,
                task.targetAlphabet().size(),
                task.targetAlphabet().start(),
                task.targetAlphabet().end());
    }

    /** The model's target for a source, greedy ({@code width} 1) or by beam search, as text. */
    static String decode(SequenceDecoder decoder, PairTask task, int[] source, int width) {
        return task.targetAlphabet().decode(tokens(decoder, task, source, width));
    }

    private static int[] tokens(SequenceDecoder decoder, PairTask task, int[] source, int width) {
        // The longest target the task makes, and a few steps more for a model that overshoots.
        int maxLength = task.maxTargetLength() + 3;
        INDArray features = task.sourceAlphabet().array(TokenEncoding.ONE_HOT, source);
        return width == 1
                ? decoder.greedy(features, null, maxLength)
                : decoder.beam(features, null, width, maxLength).get(0).tokens();
    }

    private static double exactMatch(SequenceDecoder decoder, PairTask task, List<SequencePair> pairs, int width) {
        int hits = 0;
        for (SequencePair pair : pairs) {
            if (Arrays.equals(tokens(decoder, task, pair.source(), width), pair.target())) {
                hits++;
            }
        }
        return hits / (double) pairs.size();
    }

    private static SequencePairIterator iterator(
            PairTask task, int batch, int batches, long seed, HeldOutSplit.Part part) {
        return new SequencePairIterator.Builder(task)
                .batchSize(batch)
                .batches(batches)
                .seed(seed)
                .part(part, 0.1)
                .encoding(TokenEncoding.ONE_HOT)
                .build();
    }
}
