package org.recurrent4j.examples.longrange;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.recurrent4j.synthetic.CopyMemory;
import org.recurrent4j.synthetic.DelayedRecall;

/**
 * The tasks of the study by name, {@code family-length}: {@code adding-T} (the adding problem over
 * T steps, {@link AddingTask}) and {@code recall-D} (delayed recall of {@value #RECALL_SYMBOLS}
 * symbols over a delay of D steps in sequences of 2D steps: the target at step t is the input at t
 * − D; chance error rate 1 − 1/{@value #RECALL_SYMBOLS}) and {@code copy-T} ({@value #COPY_LENGTH}
 * data symbols written back after T blanks, {@link CopyMemory}; the error rate counts the data
 * symbols only). A new task family is one more line in
 * {@link #FAMILIES}.
 */
public final class StudyTasks {

    /** Symbols of the delayed-recall task. */
    public static final int RECALL_SYMBOLS = 4;

    /** Symbols to copy in the copy task. */
    public static final int COPY_LENGTH = 10;

    /** The tasks the study runs when none are named. */
    public static final List<String> DEFAULT = List.of("adding-50", "adding-100", "adding-200", "recall-20");

    private static final Map<String, IntFunction<LongRangeTask>> FAMILIES = new LinkedHashMap<>();

    static {
        FAMILIES.put("adding", AddingTask::new);
        FAMILIES.put(
                "recall",
                delay -> new SequenceLabellingTask(
                        "recall-" + delay,
                        RECALL_SYMBOLS,
                        (batch, seed) ->
                                new DelayedRecall(RECALL_SYMBOLS, 2 * delay, delay, batch, Integer.MAX_VALUE, seed),
                        target -> true,
                        1.0 - 1.0 / RECALL_SYMBOLS));
        FAMILIES.put(
                "copy",
                delay -> new SequenceLabellingTask(
                        "copy-" + delay,
                        CopyMemory.SYMBOLS,
                        (batch, seed) -> new CopyMemory(delay, COPY_LENGTH, batch, Integer.MAX_VALUE, seed),
                        target -> target != CopyMemory.BLANK,
                        1.0 - 1.0 / CopyMemory.DATA_SYMBOLS));
    }

    private StudyTasks() {}

    /** The task of a name such as {@code adding-200}. */
    public static LongRangeTask named(String spec) {
        String trimmed = spec.trim();
        int dash = trimmed.lastIndexOf('-');
        String family = dash < 0 ? trimmed : trimmed.substring(0, dash);
        IntFunction<LongRangeTask> make = FAMILIES.get(family);
        if (make == null || dash < 0) {
            throw new IllegalArgumentException("unknown task '" + spec + "': name a task as family-length, families "
                    + FAMILIES.keySet() + " (e.g. adding-200, recall-20)");
        }
        int length;
        try {
            length = Integer.parseInt(trimmed.substring(dash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "task '" + spec + "': the length after '-' must be a whole number, e.g. " + family + "-100");
        }
        if (length < 2) {
            throw new IllegalArgumentException("task '" + spec + "': the length must be at least 2");
        }
        return make.apply(length);
    }

    /** The task families, e.g. {@code [adding, recall]}. */
    public static List<String> families() {
        return List.copyOf(FAMILIES.keySet());
    }
}
