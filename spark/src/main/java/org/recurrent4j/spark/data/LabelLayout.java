package org.recurrent4j.spark.data;

import org.nd4j.linalg.dataset.DataSet;

/**
 * Where a classification batch's labels are. The project's readers put each sequence's label at its
 * last real step; a network with one output per sequence wants one row per sequence instead.
 */
public enum LabelLayout {
    /**
     * {@code [B, C, T]}, one-hot at each sequence's last real step under a label mask, as the
     * readers give them: for a recurrent output layer ({@code RnnOutputLayer}).
     */
    AT_LAST_STEP,
    /**
     * {@code [B, C]}, one row per sequence, no label mask: for a network with one output per
     * sequence, such as {@link org.recurrent4j.arch.SequenceClassifier}.
     */
    PER_SEQUENCE;

    /** Puts a batch's labels, as a reader gives them (at the last step), in this layout. */
    public void apply(DataSet batch) {
        if (this == PER_SEQUENCE) {
            // one-hot at the last real step only: the sum over the steps is that one-hot row
            batch.setLabels(batch.getLabels().sum(2));
            batch.setLabelsMaskArray(null);
        }
    }
}
