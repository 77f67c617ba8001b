package org.recurrent4j.seq2seq;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A batch of sequences padded to the longest one: {@code features} {@code [batch, columns, L]},
 * each sequence from step 0 with zeros after its end (DL4J's ALIGN_START), and {@code mask} {@code
 * [batch, L]}, 1 on a real step and 0 on padding. Made by {@link Alphabet#batch}.
 */
public record PaddedSequences(INDArray features, INDArray mask) {}
