package org.recurrent4j.examples.seq2seq;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.recurrent4j.arch.EncoderDecoder;
import org.recurrent4j.checkpoint.Checkpoint;
import org.recurrent4j.conf.CellType;
import org.recurrent4j.decode.SequenceDecoder;
import org.recurrent4j.examples.cli.ProgressBarListener;
import org.recurrent4j.examples.cli.RunFailedException;
import org.recurrent4j.examples.cli.UsageException;
import org.recurrent4j.examples.diagnostics.CurvesChart;
import org.recurrent4j.examples.training.CommandRun;
import org.recurrent4j.io.ModelFile;
import org.recurrent4j.seq2seq.HeldOutSplit;
import org.recurrent4j.seq2seq.PaddedSequences;
import org.recurrent4j.seq2seq.SequencePair;
import org.recurrent4j.seq2seq.SequencePairIterator;
import org.recurrent4j.seq2seq.TokenEncoding;
import org.recurrent4j.synthetic.PairTask;
import org.recurrent4j.training.ChunkedBatchSource;
import org.recurrent4j.training.DataFingerprint;
import org.recurrent4j.training.Interval;
import org.recurrent4j.training.LearningCurves;
import org.recurrent4j.training.LearningRate;
import org.recurrent4j.training.Metric;
import org.recurrent4j.training.RunListener;
import org.recurrent4j.training.RunResult;
import org.recurrent4j.training.TrainingRun;

/**
 * A seq2seq training run as the command line does it: an {@link EncoderDecoder} trained on the
 * task's training sources with a progress bar, the greedy exact match on the held-out pairs every
 * {@code --report-every} steps, checkpoints on the way and at the end (continued with {@code
 * --resume}), and the final greedy and beam-search scores.
 */
final class Seq2SeqTraining {

    /** Sources decoded together: the decoder runs them (and their beams) as one batch. */
    private static final int DECODING_BATCH = 64;

    private final Seq2SeqOptions o;
    private final PrintWriter out;

    /** The trained graph, its task and its learning curves. */
    record Trained(ComputationGraph net, PairTask task, LearningCurves curves) {}

    Seq2SeqTraining(Seq2SeqOptions options, PrintWriter out) {
        this.o = options;
        this.out = out;
    }

    Trained run() throws UsageException, RunFailedException {
        CommandRun command = CommandRun.start(o.command, o.checkpoints);
        Optional<Checkpoint> resume = command.resume();
        PairTask task = o.taskChoice().task();
        // The pairs are drawn from the task with the seed, both among the recorded options.
        command.settings(DataFingerprint.sha256(List.of(task.toString())));
        CellType cell = o.network.cell();
        List<SequencePair> test = iterator(task, o.test, 1, o.seed.seed() + 1, HeldOutSplit.Part.HELD_OUT)
                .nextPairs();
        SequenceDecoder[] decoder = {null};
        Metric exactMatch = Metric.of("heldout_exact_match", Metric.Goal.MAXIMIZE, net -> {
            if (decoder[0] == null) {
                decoder[0] = decoder((ComputationGraph) net, task);
            }
            return exactMatch(decoder[0], task, test, 1);
        });
        ProgressBarListener progress = new ProgressBarListener("seq2seq", o.training.progressBar());
        TrainingRun.Builder builder = command.builder(() -> built(task, cell))
                // Chunks of --report-every steps, each from its own seed: a resumed run jumps to its chunk.
                .data(new ChunkedBatchSource<MultiDataSet>(
                        o.reportEvery,
                        chunk -> iterator(
                                task,
                                o.training.batch(),
                                o.reportEvery,
                                o.seed.seed() * 1_000_003L + chunk,
                                HeldOutSplit.Part.TRAINING)))
                .steps(o.steps)
                .evaluate(Interval.steps(o.reportEvery), exactMatch)
                .measureAtStart(false)
                .listener(progress)
                .listener(new RunListener() {
                    @Override
                    public void measured(Measurement m) {
                        out.printf(
                                "  step %6d   greedy exact match %.3f   (%.0f s)%n",
                                m.step(),
                                m.values().get("heldout_exact_match"),
                                m.elapsed().toNanos() / 1e9);
                    }
                });
        if (resume.isPresent() && command.given("--lr")) {
            restartRate((ComputationGraph) builder.network());
        }
        TrainingRun run = command.build(builder, o.checkpoints, o.out.directory());
        ComputationGraph net = run.computationGraph();
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
                    run.startStep(),
                    command.given("--lr")
                            ? String.format(
                                    Locale.ROOT,
                                    " with learning rate %s, decaying by %s per step",
                                    o.training.learningRate(),
                                    o.decay)
                            : "");
        }
        RunResult result = CommandRun.train(run, progress);
        out.println("checkpoint: " + result.lastCheckpoint());
        SequenceDecoder finalDecoder = decoder(net, task);
        double greedy = exactMatch(finalDecoder, task, test, 1);
        double beam = exactMatch(finalDecoder, task, test, o.beam);
        out.printf(
                "held-out exact match after %d steps: greedy %.3f, beam (width %d) %.3f%n",
                o.steps, greedy, o.beam, beam);
        SequencePair example = test.get(0);
        out.printf(
                "example: %s (the model: %s)%n",
                example.toText(task.sourceAlphabet(), task.targetAlphabet()),
                decode(finalDecoder, task, example.source(), 1));
        return new Trained(net, task, result.curves());
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

    /** With {@code --lr} on resume: the checkpoint's graph's rate restarts there, still decaying by {@code --decay} per step. */
    private void restartRate(ComputationGraph net) {
        int iteration = net.getConfiguration().getIterationCount();
        LearningRate.set(
                net,
                new ExponentialSchedule(
                        ScheduleType.ITERATION, o.training.learningRate() / Math.pow(o.decay, iteration), o.decay));
    }

    /** Saves the graph, its task and its curves into {@code --out}. */
    void save(Trained trained) throws UsageException {
        Path dir = o.out.directory();
        try {
            Path model = dir.resolve(Seq2SeqCommand.MODEL_FILE);
            ModelFile.save(trained.net(), model, true);
            o.taskChoice().save(dir);
            CurvesChart.write(trained.curves(), dir);
            out.println("saved model: " + model.toAbsolutePath() + " (task: "
                    + dir.resolve(TaskChoice.FILE).toAbsolutePath() + "; curves: "
                    + dir.resolve(CurvesChart.PNG).toAbsolutePath() + ")");
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
        return decodeAll(decoder, task, List.of(source), width).get(0);
    }

    /** {@link #decode} for many sources, decoded together in batches. */
    static List<String> decodeAll(SequenceDecoder decoder, PairTask task, List<int[]> sources, int width) {
        return tokens(decoder, task, sources, width).stream()
                .map(t -> task.targetAlphabet().decode(t))
                .toList();
    }

    private static List<int[]> tokens(SequenceDecoder decoder, PairTask task, List<int[]> sources, int width) {
        // The longest target the task makes, and a few steps more for a model that overshoots.
        int maxLength = task.maxTargetLength() + 3;
        List<int[]> out = new ArrayList<>();
        for (int from = 0; from < sources.size(); from += DECODING_BATCH) {
            PaddedSequences batch = task.sourceAlphabet()
                    .batch(
                            TokenEncoding.ONE_HOT,
                            sources.subList(from, Math.min(sources.size(), from + DECODING_BATCH)));
            if (width == 1) {
                out.addAll(decoder.greedyBatch(batch.features(), batch.mask(), maxLength));
            } else {
                decoder.beamBatch(batch.features(), batch.mask(), width, maxLength)
                        .forEach(best -> out.add(best.get(0).tokens()));
            }
        }
        return out;
    }

    private static double exactMatch(SequenceDecoder decoder, PairTask task, List<SequencePair> pairs, int width) {
        List<int[]> answers =
                tokens(decoder, task, pairs.stream().map(SequencePair::source).toList(), width);
        int hits = 0;
        for (int i = 0; i < pairs.size(); i++) {
            if (Arrays.equals(answers.get(i), pairs.get(i).target())) {
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
