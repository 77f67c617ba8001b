package org.recurrent4j.seq2seq;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;

/**
 * Turns {@link SequencePair}s into one training batch for an encoder–decoder {@code
 * ComputationGraph} with two inputs and one output, the decoder taught by teacher forcing:
 *
 * <pre>
 *   features[0]  source          [B, Vs, S]  (INDEX: [B, 1, S])   mask [B, S]
 *   features[1]  decoder input   [B, Vt, T]  (INDEX: [B, 1, T])   mask [B, T]   START y_1 .. y_n
 *   labels[0]    decoder target  [B, Vt, T]  always one-hot       mask [B, T]   y_1 .. y_n END
 * </pre>
 *
 * with {@code Vs}, {@code Vt} the source and target alphabet sizes, {@code S} the longest source of
 * the batch and {@code T} the longest target plus one. Every sequence starts at step 0 and is
 * padded with zeros after its end (ALIGN_START); the masks are 1 exactly on the real steps. At step
 * {@code t} the decoder reads the target's token {@code t-1} (START at {@code t = 0}) and must
 * write token {@code t} (END after the last). The decoder input and label masks are equal.
 *
 * <pre>{@code
 * MultiDataSet batch = EncoderDecoderBatch.of(pairs, task.sourceAlphabet(), task.targetAlphabet(),
 *         TokenEncoding.ONE_HOT);
 * graph.fit(batch);   // inputs in the order: source, decoder input
 * }</pre>
 */
public final class EncoderDecoderBatch {

    /** Index of the source among the features. */
    public static final int SOURCE = 0;

    /** Index of the decoder input (START then the target) among the features. */
    public static final int DECODER_INPUT = 1;

    private EncoderDecoderBatch() {}

    /**
     * @param target an alphabet with START and END
     * @throws IllegalArgumentException for no pairs, an empty source, a token outside its alphabet,
     *     or a target alphabet without START and END
     */
    public static MultiDataSet of(List<SequencePair> pairs, Alphabet source, Alphabet target, TokenEncoding encoding) {
        if (!target.hasStartAndEnd()) {
            throw new IllegalArgumentException(
                    "the target alphabet needs START and END (use" + " Alphabet.withStartAndEnd), got " + target);
        }
        List<int[]> sources = new ArrayList<>(pairs.size());
        List<int[]> decoderInputs = new ArrayList<>(pairs.size());
        List<int[]> labels = new ArrayList<>(pairs.size());
        for (SequencePair pair : pairs) {
            int[] y = pair.target();
            int[] input = new int[y.length + 1];
            int[] label = new int[y.length + 1];
            input[0] = target.start();
            System.arraycopy(y, 0, input, 1, y.length);
            System.arraycopy(y, 0, label, 0, y.length);
            label[y.length] = target.end();
            sources.add(pair.source());
            decoderInputs.add(input);
            labels.add(label);
        }
        PaddedSequences x = source.batch(encoding, sources);
        PaddedSequences in = target.batch(encoding, decoderInputs);
        PaddedSequences out = target.batch(TokenEncoding.ONE_HOT, labels);
        return new MultiDataSet(
                new INDArray[] {x.features(), in.features()},
                new INDArray[] {out.features()},
                new INDArray[] {x.mask(), in.mask()},
                new INDArray[] {out.mask()});
    }
}
