package org.recurrent4j.synthetic;

import java.io.Serializable;
import java.util.Random;
import org.recurrent4j.seq2seq.Alphabet;
import org.recurrent4j.seq2seq.SequencePair;
import org.recurrent4j.seq2seq.SequencePairIterator;

/**
 * A sequence-to-sequence (N→M) task: it draws random {@link SequencePair}s and knows the right
 * target for any source, so a model's answers can be checked exactly.
 *
 * <ul>
 *   <li>{@link #reverse}: the target is the source reversed ({@code 3 1 4 -> 4 1 3});
 *   <li>{@link #copy}: the target is the source ({@code 3 1 4 -> 3 1 4});
 *   <li>{@link #addition}: the source is a sum as text, the target its value ({@code 123+45 ->
 *       168}).
 * </ul>
 *
 * <p>Feed a task to a {@link SequencePairIterator} for training batches:
 *
 * <pre>{@code
 * PairTask task = PairTask.addition(3);
 * task.sourceAlphabet();                         // [0 1 2 3 4 5 6 7 8 9 +]
 * task.targetAlphabet();                         // [0 1 2 3 4 5 6 7 8 9 <start> <end>]
 * SequencePair pair = task.draw(new Random(1));  // e.g. 123+45 -> 168
 * int[] right = task.answer(task.sourceAlphabet().encode("999+1"));  // the tokens of "1000"
 * }</pre>
 */
public abstract class PairTask implements Serializable {

    private static final long serialVersionUID = 1L;

    PairTask() {}

    /**
     * Reversal: sources of {@code symbols} random symbols (named {@code "0"}, {@code "1"}, ...,
     * drawn uniformly and independently), length uniform in [minLength, maxLength]; the target is
     * the source reversed.
     */
    public static PairTask reverse(int symbols, int minLength, int maxLength) {
        return new SymbolSequenceTask(SymbolSequenceTask.Kind.REVERSE, symbols, minLength, maxLength);
    }

    /** Copy: as {@link #reverse}, but the target is the source itself. */
    public static PairTask copy(int symbols, int minLength, int maxLength) {
        return new SymbolSequenceTask(SymbolSequenceTask.Kind.COPY, symbols, minLength, maxLength);
    }

    /**
     * Multi-digit addition as text: the source {@code a+b} over the characters {@code 0-9} and
     * {@code +}, the target the digits of {@code a + b}. Each operand has a number of digits
     * uniform in 1..{@code digits}, then a value uniform among the numbers of that many digits
     * without a leading zero (one digit: 0..9).
     *
     * @param digits the most digits of an operand, 1..9
     */
    public static PairTask addition(int digits) {
        return new AdditionTask(digits);
    }

    /** Addition of numbers of up to 3 digits. */
    public static PairTask addition() {
        return addition(3);
    }

    /** The alphabet of the sources: the task's symbols. */
    public abstract Alphabet sourceAlphabet();

    /** The alphabet of the targets: the symbols a target uses, then START and END. */
    public abstract Alphabet targetAlphabet();

    /** Draws one pair. */
    public abstract SequencePair draw(Random random);

    /**
     * The right target for a source (without START and END). Sources outside the lengths or sizes
     * this task draws are answered too, for tests of generalisation to longer inputs.
     *
     * @throws IllegalArgumentException for a source that is not a valid input of this task
     */
    public abstract int[] answer(int[] source);

    /** The longest source this task draws. */
    public abstract int maxSourceLength();

    /** The longest target this task draws (without START and END). */
    public abstract int maxTargetLength();

    /** How many different sources this task can draw (a double, as it can exceed a long). */
    public abstract double distinctSources();
}
