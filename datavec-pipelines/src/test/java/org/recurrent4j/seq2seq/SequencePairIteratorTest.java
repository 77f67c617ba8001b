package org.recurrent4j.seq2seq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.recurrent4j.seq2seq.HeldOutSplit.Part;
import org.recurrent4j.synthetic.PairTask;

class SequencePairIteratorTest {

    private static SequencePairIterator.Builder reversal(long seed) {
        return new SequencePairIterator.Builder(PairTask.reverse(5, 2, 7))
                .batchSize(64)
                .batches(3)
                .seed(seed);
    }

    /** The token at each real step of a one-hot array, checking that padding is all zeros. */
    private static List<int[]> readOneHot(INDArray array, INDArray mask) {
        List<int[]> sequences = new ArrayList<>();
        for (int b = 0; b < array.size(0); b++) {
            List<Integer> tokens = new ArrayList<>();
            for (int t = 0; t < array.size(2); t++) {
                double sum = 0;
                int hot = -1;
                for (int v = 0; v < array.size(1); v++) {
                    double value = array.getDouble(b, v, t);
                    assertTrue(value == 0.0 || value == 1.0);
                    sum += value;
                    hot = value == 1.0 ? v : hot;
                }
                if (mask.getDouble(b, t) == 1.0) {
                    assertEquals(1.0, sum, "one-hot at example " + b + " step " + t);
                    tokens.add(hot);
                } else {
                    assertEquals(0.0, sum, "padding at example " + b + " step " + t);
                }
            }
            sequences.add(tokens.stream().mapToInt(Integer::intValue).toArray());
        }
        return sequences;
    }

    /** Checks the mask is 1 exactly on the first {@code length} steps of each example. */
    private static void assertPaddedAtTheEnd(INDArray mask, int[] lengths) {
        for (int b = 0; b < lengths.length; b++) {
            for (int t = 0; t < mask.size(1); t++) {
                assertEquals(t < lengths[b] ? 1.0 : 0.0, mask.getDouble(b, t), 0.0, "mask of " + b + " at " + t);
            }
        }
    }

    @Test
    void batchesFollowTheEncoderDecoderLayout() {
        SequencePairIterator it = reversal(5).build();
        List<SequencePair> pairs = reversal(5).build().nextPairs();
        MultiDataSet batch = it.next();
        Alphabet target = it.targetAlphabet();
        int longestSource =
                pairs.stream().mapToInt(SequencePair::sourceLength).max().orElseThrow();
        int longestTarget =
                pairs.stream().mapToInt(SequencePair::targetLength).max().orElseThrow();
        assertTrue(longestSource == 7, "a batch of 64 holds a longest source, got " + longestSource);

        assertEquals(2, batch.getFeatures().length);
        assertEquals(1, batch.getLabels().length);
        INDArray source = batch.getFeatures(EncoderDecoderBatch.SOURCE);
        INDArray decoderInput = batch.getFeatures(EncoderDecoderBatch.DECODER_INPUT);
        INDArray labels = batch.getLabels(0);
        assertArrayEquals(new long[] {64, 5, longestSource}, source.shape());
        assertArrayEquals(new long[] {64, 7, longestTarget + 1}, decoderInput.shape());
        assertArrayEquals(new long[] {64, 7, longestTarget + 1}, labels.shape());
        assertArrayEquals(
                new long[] {64, longestSource}, batch.getFeaturesMaskArray(0).shape());
        assertEquals(batch.getFeaturesMaskArray(1), batch.getLabelsMaskArray(0));

        int[] sourceLengths =
                pairs.stream().mapToInt(SequencePair::sourceLength).toArray();
        int[] stepLengths = pairs.stream().mapToInt(p -> p.targetLength() + 1).toArray();
        assertPaddedAtTheEnd(batch.getFeaturesMaskArray(0), sourceLengths);
        assertPaddedAtTheEnd(batch.getFeaturesMaskArray(1), stepLengths);
        assertPaddedAtTheEnd(batch.getLabelsMaskArray(0), stepLengths);

        List<int[]> sources = readOneHot(source, batch.getFeaturesMaskArray(0));
        List<int[]> inputs = readOneHot(decoderInput, batch.getFeaturesMaskArray(1));
        List<int[]> outputs = readOneHot(labels, batch.getLabelsMaskArray(0));
        for (int b = 0; b < 64; b++) {
            int[] x = sources.get(b);
            int[] in = inputs.get(b);
            int[] out = outputs.get(b);
            assertArrayEquals(pairs.get(b).source(), x);
            int n = x.length;
            assertEquals(target.start(), in[0], "the decoder starts from START");
            assertEquals(target.end(), out[n], "the decoder ends with END");
            for (int t = 0; t < n; t++) {
                assertEquals(x[n - 1 - t], out[t], "label " + t + " is the reversed source");
                assertEquals(out[t], in[t + 1], "teacher forcing: input t+1 is label t");
                assertTrue(out[t] < target.symbolCount(), "no marker inside the target");
            }
        }
    }

    @Test
    void copyAndAdditionTargetsInTheBatch() {
        SequencePairIterator copy = new SequencePairIterator.Builder(PairTask.copy(4, 1, 5))
                .batchSize(32)
                .seed(2)
                .build();
        MultiDataSet batch = copy.next();
        List<int[]> sources = readOneHot(batch.getFeatures(0), batch.getFeaturesMaskArray(0));
        List<int[]> labels = readOneHot(batch.getLabels(0), batch.getLabelsMaskArray(0));
        for (int b = 0; b < 32; b++) {
            int[] expected = Arrays.copyOf(sources.get(b), sources.get(b).length + 1);
            expected[expected.length - 1] = copy.targetAlphabet().end();
            assertArrayEquals(expected, labels.get(b));
        }

        SequencePairIterator addition = new SequencePairIterator.Builder(PairTask.addition(4))
                .batchSize(50)
                .seed(3)
                .build();
        batch = addition.next();
        sources = readOneHot(batch.getFeatures(0), batch.getFeaturesMaskArray(0));
        labels = readOneHot(batch.getLabels(0), batch.getLabelsMaskArray(0));
        for (int b = 0; b < 50; b++) {
            String sum = addition.sourceAlphabet().decode(sources.get(b));
            String[] operands = sum.split("\\+");
            String expected = Long.toString(Long.parseLong(operands[0]) + Long.parseLong(operands[1]));
            assertEquals(expected, addition.targetAlphabet().decode(labels.get(b)), sum);
            assertEquals(expected.length() + 1, labels.get(b).length, "digits then END");
        }
    }

    @Test
    void indexEncodingHoldsTheSameTokensAsOneHot() {
        MultiDataSet oneHot = reversal(6).build().next();
        MultiDataSet indices = reversal(6).encoding(TokenEncoding.INDEX).build().next();
        for (int i = 0; i < 2; i++) {
            INDArray x = indices.getFeatures(i);
            INDArray mask = indices.getFeaturesMaskArray(i);
            assertEquals(1, x.size(1));
            assertEquals(oneHot.getFeatures(i).size(2), x.size(2));
            assertEquals(oneHot.getFeaturesMaskArray(i), mask);
            INDArray expected =
                    oneHot.getFeatures(i).argMax(1).castTo(x.dataType()).mul(mask);
            assertEquals(expected, x.reshape(x.size(0), x.size(2)));
        }
        assertEquals(oneHot.getLabels(0), indices.getLabels(0), "labels are one-hot in both encodings");
    }

    @Test
    void sameSeedSameEpochAndResetReplaysIt() {
        SequencePairIterator it = reversal(7).build();
        MultiDataSet first = it.next();
        assertEquals(first, reversal(7).build().next());
        assertNotEquals(first, reversal(8).build().next());
        assertEquals(it.encode(reversal(7).build().nextPairs()), first, "nextPairs and next draw the same pairs");
        it.next();
        it.next();
        assertFalse(it.hasNext());
        NoSuchElementException e = assertThrows(NoSuchElementException.class, it::next);
        assertTrue(e.getMessage().contains("after 3 batches"), e.getMessage());
        it.reset();
        assertEquals(first, it.next());
        int count = 1;
        while (it.hasNext()) {
            it.next();
            count++;
        }
        assertEquals(3, count);
    }

    @Test
    void preProcessorSeesEveryBatch() {
        SequencePairIterator it = reversal(9).build();
        it.setPreProcessor(data -> data.getFeatures(0).muli(2));
        assertEquals(2.0, it.next().getFeatures(0).maxNumber().doubleValue(), 0.0);
        assertEquals(30, it.next(30).getFeatures(0).size(0), "next(num) gives num pairs");
    }

    @Test
    void trainingAndHeldOutPartsNeverShareASource() {
        // 100 distinct sums: without the split, 1000 draws would hit nearly all of them in both parts.
        PairTask task = PairTask.addition(1);
        HeldOutSplit split = HeldOutSplit.of(0.2);
        Set<String> training = sources(task, Part.TRAINING, 11);
        Set<String> heldOut = sources(task, Part.HELD_OUT, 12);
        Set<String> heldOutOtherSeed = sources(task, Part.HELD_OUT, 13);
        Set<String> shared = new HashSet<>(training);
        shared.retainAll(heldOut);
        assertEquals(Set.of(), shared);
        assertEquals(100, training.size() + heldOut.size(), "together the parts cover every sum");
        assertEquals(heldOut, heldOutOtherSeed, "the split does not depend on the seed");
        assertTrue(heldOut.size() >= 10 && heldOut.size() <= 30, "held out " + heldOut.size() + " of 100");
        for (String source : heldOut) {
            assertTrue(split.isHeldOut(task.sourceAlphabet().encode(source)), source);
        }
        for (String source : training) {
            assertFalse(split.isHeldOut(task.sourceAlphabet().encode(source)), source);
        }
    }

    private static Set<String> sources(PairTask task, Part part, long seed) {
        SequencePairIterator it = new SequencePairIterator.Builder(task)
                .batchSize(50)
                .batches(20)
                .seed(seed)
                .part(part, 0.2)
                .build();
        Set<String> seen = new HashSet<>();
        while (it.hasNext()) {
            for (SequencePair pair : it.nextPairs()) {
                seen.add(task.sourceAlphabet().decode(pair.source()));
            }
        }
        return seen;
    }

    @Test
    void anEmptyPartIsAnErrorNotAnEndlessLoop() {
        // Two sources only, [0] and [1]: find a fraction that puts both in the training part.
        PairTask task = PairTask.copy(2, 1, 1);
        double fraction = 0;
        for (double f = 0.01; f < 1; f += 0.01) {
            HeldOutSplit split = HeldOutSplit.of(f);
            if (!split.isHeldOut(new int[] {0}) && !split.isHeldOut(new int[] {1})) {
                fraction = f;
                break;
            }
        }
        assertTrue(fraction > 0, "some fraction holds out neither source");
        SequencePairIterator it = new SequencePairIterator.Builder(task)
                .part(Part.HELD_OUT, fraction)
                .build();
        IllegalStateException e = assertThrows(IllegalStateException.class, it::next);
        assertTrue(e.getMessage().contains("only 2 distinct sources"), e.getMessage());
        assertTrue(e.getMessage().contains("HELD_OUT"), e.getMessage());
    }

    @Test
    void badArgumentsNameTheArgumentAndItsValue() {
        SequencePairIterator.Builder builder = new SequencePairIterator.Builder(PairTask.addition());
        assertEquals(
                "batchSize must be at least 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> builder.batchSize(0))
                        .getMessage());
        assertEquals(
                "batches must be at least 1, got -1",
                assertThrows(IllegalArgumentException.class, () -> builder.batches(-1))
                        .getMessage());
        assertEquals(
                "heldOutFraction must be in (0, 1), got 1.0",
                assertThrows(IllegalArgumentException.class, () -> builder.part(Part.TRAINING, 1.0))
                        .getMessage());
        assertEquals(
                "num must be at least 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> builder.build()
                                .nextPairs(0))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SequencePairIterator.Builder(null));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> EncoderDecoderBatch.of(
                        List.of(new SequencePair(new int[] {1}, new int[] {1})),
                        Alphabet.of(List.of("a", "b")),
                        Alphabet.of(List.of("a", "b")),
                        TokenEncoding.ONE_HOT));
        assertTrue(e.getMessage().contains("needs START and END"), e.getMessage());
    }
}
