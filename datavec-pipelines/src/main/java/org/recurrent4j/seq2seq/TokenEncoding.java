package org.recurrent4j.seq2seq;

/**
 * How a token sequence is written into a feature array of shape {@code [batch, columns, steps]}.
 *
 * <ul>
 *   <li>{@link #ONE_HOT}: {@code columns} = the alphabet's size; at each real step the token's row is
 *       1, the others 0. Feed it to a recurrent layer directly.
 *   <li>{@link #INDEX}: {@code columns} = 1, holding the token's index as a number. Feed it to an
 *       {@code EmbeddingSequenceLayer} with {@code nIn} = the alphabet's size.
 * </ul>
 *
 * <p>Padded steps are all zeros in both encodings (with INDEX that reads as index 0, so always use
 * the mask that comes with the array).
 */
public enum TokenEncoding {
    ONE_HOT,
    INDEX
}
