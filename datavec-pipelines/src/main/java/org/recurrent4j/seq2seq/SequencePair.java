package org.recurrent4j.seq2seq;

import java.io.Serial;
import java.io.Serializable;
import java.util.Arrays;

/**
 * One example of a sequence-to-sequence task as token indices: the source (in the task's source
 * alphabet) and the target the model must write (in the target alphabet, without START and END).
 * An evaluation decodes the source with its model and compares the result with {@link #target()}.
 *
 * <p>Equal when both token sequences are equal. The arrays are copied in and out.
 */
public final class SequencePair implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    private final int[] source;
    private final int[] target;

    public SequencePair(int[] source, int[] target) {
        this.source = source.clone();
        this.target = target.clone();
    }

    /** The source token indices. */
    public int[] source() {
        return source.clone();
    }

    /** The target token indices, without START and END. */
    public int[] target() {
        return target.clone();
    }

    public int sourceLength() {
        return source.length;
    }

    public int targetLength() {
        return target.length;
    }

    /** The pair as text, for example {@code 123+45 -> 168}. */
    public String toText(Alphabet sourceAlphabet, Alphabet targetAlphabet) {
        return sourceAlphabet.decode(source) + " -> " + targetAlphabet.decode(target);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SequencePair other
                && Arrays.equals(source, other.source)
                && Arrays.equals(target, other.target);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(source) + Arrays.hashCode(target);
    }

    @Override
    public String toString() {
        return Arrays.toString(source) + " -> " + Arrays.toString(target);
    }
}
