package org.recurrent4j.integration;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.recurrent4j.arch.EncoderDecoder;
import org.recurrent4j.conf.CellType;
import org.recurrent4j.conf.CellTypes;
import org.recurrent4j.decode.SequenceDecoder;
import org.recurrent4j.seq2seq.HeldOutSplit;
import org.recurrent4j.seq2seq.SequencePair;
import org.recurrent4j.seq2seq.SequencePairIterator;
import org.recurrent4j.seq2seq.TokenEncoding;
import org.recurrent4j.synthetic.PairTask;

/**
 * N→M: encoder–decoders built by {@link EncoderDecoder}, with three cells, both ways of passing
 * the context and with attention, learn sequence reversal (8 symbols, lengths 3 to 6) to at least 95% exact match on
 * held-out sources (never seen in training), decoded greedily and with beam search, which loses
 * at most one source in a hundred to greedy decoding. (An untrained model matches none.)
 */
class EncoderDecoderLearningTest {

    record Setup(String task, CellType cell, EncoderDecoder.Context context, boolean attention, int hidden, int steps) {
        PairTask pairTask() {
            return PairTask.reverse(8, 3, 6);
        }

        @Override
        public String toString() {
            return task + " " + cell.id() + " " + context + (attention ? " attention" : "");
        }
    }

    static List<Arguments> setups() {
        return List.of(
                Arguments.of(
                        new Setup("reverse", CellTypes.LSTM, EncoderDecoder.Context.INITIAL_STATE, false, 64, 600)),
                Arguments.of(new Setup("reverse", CellTypes.GRU, EncoderDecoder.Context.EVERY_STEP, false, 64, 600)),
                Arguments.of(
                        new Setup("reverse", CellTypes.ONLSTM, EncoderDecoder.Context.INITIAL_STATE, false, 64, 600)),
                Arguments.of(new Setup("reverse", CellTypes.GRU, EncoderDecoder.Context.INITIAL_STATE, true, 64, 600)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("setups")
    void learnsToExactMatchOnHeldOutSources(Setup s) {
        PairTask task = s.pairTask();
        int sourceSize = task.sourceAlphabet().size();
        int targetSize = task.targetAlphabet().size();
        ComputationGraph net = new ComputationGraph(new EncoderDecoder()
                .features(sourceSize)
                .targetOneHot(targetSize)
                .cell(s.cell())
                .hidden(s.hidden())
                .context(s.context())
                .attention(s.attention())
                // A decaying rate: at a constant 0.01 exact match hovers around 95-97% instead of settling.
                .updater(new Adam(new ExponentialSchedule(ScheduleType.ITERATION, 0.01, 0.998)))
                .seed(3)
                .build());
        net.init();
        SequencePairIterator train = new SequencePairIterator.Builder(task)
                .batchSize(64)
                .batches(s.steps())
                .seed(1)
                .part(HeldOutSplit.Part.TRAINING, 0.1)
                .encoding(TokenEncoding.ONE_HOT)
                .build();
        SequencePairIterator heldOut = new SequencePairIterator.Builder(task)
                .batchSize(200)
                .batches(1)
                .seed(2)
                .part(HeldOutSplit.Part.HELD_OUT, 0.1)
                .encoding(TokenEncoding.ONE_HOT)
                .build();
        List<SequencePair> test = heldOut.nextPairs();
        SequenceDecoder decoder = SequenceDecoder.oneHot(
                net,
                targetSize,
                task.targetAlphabet().start(),
                task.targetAlphabet().end());
        double untrained = exactMatch(decoder, heldOut, test, 1);

        net.fit(train);
        double greedy = exactMatch(decoder, heldOut, test, 1);
        double beam = exactMatch(decoder, heldOut, test, 3);
        assertTrue(untrained < 0.05, s + ": untrained exact match " + untrained);
        assertTrue(greedy >= 0.95, s + ": greedy exact match " + greedy);
        assertTrue(beam >= 0.95, s + ": beam exact match " + beam);
        // Beam search returns the best-scoring output it finds, which is not always right where the
        // greedy one is: on one machine kind's rounding, 1 of these 200 sources (GRU, context at every
        // step) came out wrong from the beam and right from greedy decoding. One in a hundred is allowed.
        assertTrue(beam >= greedy - 0.01, s + ": beam " + beam + " below greedy " + greedy + " by more than 0.01");
    }

    private static double exactMatch(
            SequenceDecoder decoder, SequencePairIterator it, List<SequencePair> pairs, int width) {
        int hits = 0;
        for (SequencePair pair : pairs) {
            MultiDataSet one = it.encode(List.of(pair));
            INDArray source = one.getFeatures(0);
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
