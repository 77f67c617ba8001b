package org.recurrent4j.training;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;

/**
 * The steps of sequence mini-batches as one stream for {@link RtrlTrainer}: each {@link DataSet}
 * of features {@code [B, nIn, T]} and labels {@code [B, nOut, T]} (or {@code [B, T, ·]} for NWC),
 * with optional {@code [B, T]} masks, becomes T {@link StreamStep}s, the first of which resets
 * every stream, so each mini-batch starts from a zero state.
 *
 * <pre>{@code
 * trainer.fit(new SequenceStream(trainingIterator), Long.MAX_VALUE);   // one pass over the iterator
 * }</pre>
 */
public final class SequenceStream implements Iterator<StreamStep> {

    private final Iterator<? extends DataSet> sequences;
    private final RNNFormat format;
    private DataSet current;
    private int next;
    private int steps;

    /** The steps of {@code sequences} in NCW layout ({@code [B, size, T]}). */
    public SequenceStream(Iterator<? extends DataSet> sequences) {
        this(sequences, RNNFormat.NCW);
    }

    /** The steps of {@code sequences} in the given layout (features and labels alike). */
    public SequenceStream(Iterator<? extends DataSet> sequences, RNNFormat format) {
        this.sequences = sequences;
        this.format = format;
    }

    @Override
    public boolean hasNext() {
        while (current == null || next == steps) {
            if (!sequences.hasNext()) {
                return false;
            }
            load(sequences.next());
        }
        return true;
    }

    private void load(DataSet data) {
        INDArray features = data.getFeatures();
        INDArray labels = data.getLabels();
        if (features == null || features.rank() != 3 || (labels != null && labels.rank() != 3)) {
            throw new IllegalArgumentException("a sequence stream needs rank-3 features and labels (one of each per"
                    + " step), got features " + shape(features) + " and labels " + shape(labels)
                    + "; for a label on the last step only, use [B, nOut, T] labels with a label mask");
        }
        int axis = format == RNNFormat.NCW ? 2 : 1;
        if (labels != null && labels.size(axis) != features.size(axis)) {
            throw new IllegalArgumentException("features " + shape(features) + " and labels " + shape(labels)
                    + " have different numbers of steps (layout " + format + ")");
        }
        current = data;
        next = 0;
        steps = (int) features.size(axis);
    }

    private static String shape(INDArray array) {
        return array == null ? "null" : Arrays.toString(array.shape());
    }

    @Override
    public StreamStep next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more sequences");
        }
        int t = next++;
        INDArray labels = current.getLabels();
        INDArray mask = current.getFeaturesMaskArray();
        INDArray labelMask = current.getLabelsMaskArray();
        StreamStep step = new StreamStep(
                atStep(current.getFeatures(), t),
                labels == null ? null : atStep(labels, t),
                mask == null ? null : mask.get(all(), point(t)),
                labelMask == null ? null : labelMask.get(all(), point(t)),
                null);
        if (t == 0) {
            boolean[] resets = new boolean[step.batch()];
            Arrays.fill(resets, true);
            step = step.withResets(resets);
        }
        return step;
    }

    private INDArray atStep(INDArray sequence, int t) {
        return format == RNNFormat.NCW ? sequence.get(all(), all(), point(t)) : sequence.get(all(), point(t), all());
    }
}
