package org.recurrent4j.examples.images;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.recurrent4j.images.SceneCaptions;

/**
 * The share of captions that greedy decoding gets exactly right, computed in one teacher-forced
 * pass over a batch ({@link SceneCaptions#batch}) instead of decoding each image token by token.
 *
 * <p>Greedy decoding picks {@code ŷ_t = argmax_{v ≠ START} p(v | image, ŷ_<t)} until END. If the
 * caption is {@code w_1 … w_n} (then END), and at every step {@code t ≤ n + 1} the teacher-forced
 * output {@code p(· | image, w_<t)} has its largest value (START excluded) at the label {@code w_t},
 * then by induction greedy decoding's prefix is {@code w_<t} at every step and it writes exactly
 * the caption; if some step's arg-max is not the label, greedy decoding writes another token there
 * (its prefix being right up to that step) and the caption is wrong. So the two counts are equal —
 * ties aside, which float outputs do not produce — and {@code CaptionExactMatchTest} checks it
 * against {@link org.recurrent4j.decode.SequenceDecoder#greedy}. Beam search has no such shortcut.
 *
 * <pre>{@code
 * MultiDataSet heldOut = SceneCaptions.batch(scenes, heldOutScenes, new Random(1));
 * double greedyExact = CaptionExactMatch.of(captioner, heldOut, ShapeScenes.START);
 * }</pre>
 */
public final class CaptionExactMatch {

    private CaptionExactMatch() {}

    /**
     * The share of {@code batch}'s captions greedy decoding writes exactly (END included).
     *
     * @param net a captioner: inputs image and decoder steps (one-hot), output {@code [B, V, T]}
     * @param batch images, decoder inputs (START and the caption) and labels (the caption and END),
     *     with the label mask marking each caption's real steps
     * @param start the START token, which greedy decoding never writes
     */
    public static double of(ComputationGraph net, MultiDataSet batch, int start) {
        INDArray output = net.output(false, batch.getFeatures(), batch.getFeaturesMaskArrays())[0];
        // START is never written: it cannot win a step.
        output.get(NDArrayIndex.all(), NDArrayIndex.point(start), NDArrayIndex.all())
                .assign(Double.NEGATIVE_INFINITY);
        int examples = (int) output.size(0);
        int steps = (int) output.size(2);
        long[] predicted =
                output.argMax(1).castTo(DataType.INT64).dup('c').data().asLong();
        long[] wanted = batch.getLabels(0)
                .argMax(1)
                .castTo(DataType.INT64)
                .dup('c')
                .data()
                .asLong();
        double[] real = batch.getLabelsMaskArray(0)
                .castTo(DataType.DOUBLE)
                .dup('c')
                .data()
                .asDouble();
        int right = 0;
        for (int b = 0; b < examples; b++) {
            boolean all = true;
            for (int t = 0; t < steps && all; t++) {
                int at = b * steps + t;
                all = real[at] == 0 || predicted[at] == wanted[at];
            }
            right += all ? 1 : 0;
        }
        return right / (double) examples;
    }
}
