package org.recurrent4j.examples.seq2seq;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.recurrent4j.arch.CellType;
import org.recurrent4j.arch.EncoderDecoder;
import org.recurrent4j.decode.SequenceDecoder;
import org.recurrent4j.examples.cli.Options;
import org.recurrent4j.examples.cli.UsageException;
import org.recurrent4j.synthetic.HeldOutSplit;
import org.recurrent4j.synthetic.PairTask;
import org.recurrent4j.synthetic.SequencePair;
import org.recurrent4j.synthetic.SequencePairIterator;
import org.recurrent4j.synthetic.TokenEncoding;

/**
 * {@code recurrent4j seq2seq}: trains an {@link EncoderDecoder} on a generated text-to-text task
 * (sequence reversal or multi-digit addition) and reports the exact match on held-out sources,
 * decoded greedily and with beam search, as training goes.
 */
public final class Seq2SeqCommand {

    static final String HELP = String.join(
            "\n",
            "usage: recurrent4j seq2seq [options]",
            "",
            "Trains an encoder-decoder on a generated task and reports held-out exact match (greedy and beam search).",
            "",
            "  --task NAME          addition (default: 'a+b' to the sum) or reverse (a symbol string to its reverse)",
            "  --digits N           digits of each addend for addition (default: 3)",
            "  --cell NAME          lstm (default), gru, rnn, qrnn, sru or onlstm",
            "  --hidden H           units of the encoder and decoder layer (default: 128)",
            "  --context MODE       initial_state (default) or every_step: how the decoder gets the source",
            "  --steps N            training mini-batches (default: 3000)",
            "  --batch B            pairs per mini-batch (default: 128)",
            "  --learning-rate R    initial Adam learning rate (default: 0.01), times --decay after each step",
            "  --decay D            learning-rate decay per step (default: 0.999)",
            "  --beam W             beam width for the beam-search score (default: 3)",
            "  --test N             held-out pairs scored (default: 200)",
            "  --report-every N     steps between held-out scores (default: 500)",
            "  --seed S             random seed (default: 3)");

    private static final Set<String> VALUED = Set.of(
            "task",
            "digits",
            "cell",
            "hidden",
            "context",
            "steps",
            "batch",
            "learning-rate",
            "decay",
            "beam",
            "test",
            "report-every",
            "seed");

    private final PrintStream out;

    public Seq2SeqCommand(PrintStream out) {
        this.out = out;
    }

    /** Runs the command; returns the exit code. */
    public int run(List<String> args) throws UsageException {
        Options o = Options.parse(args, VALUED, Set.of("help"));
        if (o.has("help")) {
            out.println(HELP);
            return 0;
        }
        String taskName = o.string("task", "addition");
        PairTask task =
                switch (taskName) {
                    case "addition" -> PairTask.addition(o.intValue("digits", 3, 1, 9));
                    case "reverse" -> PairTask.reverse(8, 3, 6);
                    default -> throw new UsageException(
                            "--task: unknown task '" + taskName + "' (tasks: addition, reverse)");
                };
        CellType cell;
        EncoderDecoder.Context context;
        try {
            cell = CellType.named(o.string("cell", "lstm"));
            context = EncoderDecoder.Context.valueOf(
                    o.string("context", "initial_state").toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--cell/--context: " + e.getMessage());
        }
        int hidden = o.intValue("hidden", 128, 1, 8192);
        int steps = o.intValue("steps", 3000, 1, 10_000_000);
        int batch = o.intValue("batch", 128, 1, 8192);
        double rate = o.doubleValue("learning-rate", 0.01, 1e-7, 1.0);
        double decay = o.doubleValue("decay", 0.999, 0.5, 1.0);
        int width = o.intValue("beam", 3, 1, 100);
        int testPairs = o.intValue("test", 200, 1, 100_000);
        int every = o.intValue("report-every", 500, 1, 10_000_000);
        long seed = o.intValue("seed", 3, 0, Integer.MAX_VALUE);

        int sourceSize = task.sourceAlphabet().size();
        int targetSize = task.targetAlphabet().size();
        ComputationGraph net;
        try {
            net = new ComputationGraph(new EncoderDecoder()
                    .features(sourceSize)
                    .targetOneHot(targetSize)
                    .cell(cell)
                    .hidden(hidden)
                    .context(context)
                    .updater(new Adam(new ExponentialSchedule(ScheduleType.ITERATION, rate, decay)))
                    .seed(seed)
                    .build());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        net.init();
        out.printf(
                "task: %s; held-out sources never trained on (10%% of them)%n"
                        + "model: encoder-decoder, %s(%d), context %s, %,d parameters%n",
                task, cell.id(), hidden, context.name().toLowerCase(java.util.Locale.ROOT), net.numParams());

        SequencePairIterator heldOut = iterator(task, testPairs, 1, seed + 1, HeldOutSplit.Part.HELD_OUT);
        List<SequencePair> test = heldOut.nextPairs();
        SequenceDecoder decoder = SequenceDecoder.oneHot(
                net,
                targetSize,
                task.targetAlphabet().start(),
                task.targetAlphabet().end());
        long start = System.nanoTime();
        int done = 0;
        for (int chunk = 0; done < steps; chunk++) {
            int n = Math.min(every, steps - done);
            net.fit(iterator(task, batch, n, seed * 1_000_003L + chunk, HeldOutSplit.Part.TRAINING));
            done += n;
            out.printf(
                    "  step %6d   greedy exact match %.3f   (%.0f s)%n",
                    done, exactMatch(decoder, heldOut, test, 1), (System.nanoTime() - start) / 1e9);
        }
        double greedy = exactMatch(decoder, heldOut, test, 1);
        double beam = exactMatch(decoder, heldOut, test, width);
        out.printf(
                "held-out exact match after %d steps: greedy %.3f, beam (width %d) %.3f%n", steps, greedy, width, beam);
        SequencePair example = test.get(0);
        int[] answer =
                decoder.greedy(heldOut.encode(List.of(example)).getFeatures(0), null, example.targetLength() + 3);
        out.printf(
                "example: %s (the model: %s)%n",
                example.toText(task.sourceAlphabet(), task.targetAlphabet()),
                task.targetAlphabet().decode(answer));
        return 0;
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

    private static double exactMatch(
            SequenceDecoder decoder, SequencePairIterator it, List<SequencePair> pairs, int width) {
        int hits = 0;
        for (SequencePair pair : pairs) {
            INDArray source = it.encode(List.of(pair)).getFeatures(0);
            int maxLength = pair.targetLength() + 3;
            int[] decoded = width == 1
                    ? decoder.greedy(source, null, maxLength)
                    : decoder.beam(source, null, width, maxLength).get(0).tokens();
            if (Arrays.equals(decoded, pair.target())) {
                hits++;
            }
        }
        return hits / (double) pairs.size();
    }
}
