package org.recurrent4j.examples.longrange;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.recurrent4j.examples.cell.CellChoice;

/**
 * The command line of {@link LongRangeStudy}: {@code --name value} pairs, each optional.
 *
 * <pre>
 *   --out DIR          output directory (default long-range-study)
 *   --tasks LIST       comma-separated tasks (default adding-50,adding-100,adding-200,recall-20)
 *   --cells LIST       comma-separated cells: rnn, lstm, gru, qrnn, sru, onlstm (default rnn,lstm,gru)
 *   --steps N --batch N --hidden N --lr X --clip X --seed N --eval-every N --test-size N
 *   --until-solved     stop a run at its first measurement below the task's threshold
 *   --smoke            a budget of seconds (checks the machinery; later options still apply)
 * </pre>
 */
public record StudyOptions(Path out, List<LongRangeTask> tasks, List<CellChoice> cells, StudyBudget budget) {

    /** The usage text. */
    public static final String USAGE = String.join(
            "\n",
            "Usage: LongRangeStudy [options]",
            "  --out DIR          output directory (default long-range-study)",
            "  --tasks LIST       tasks, comma-separated, as family-length; families " + StudyTasks.families(),
            "                     (default " + String.join(",", StudyTasks.DEFAULT) + ")",
            "  --cells LIST       cells, comma-separated: rnn, lstm, gru, qrnn, sru, onlstm (default rnn,lstm,gru)",
            "  --steps N          training steps per run (default " + StudyBudget.FULL.steps() + ")",
            "  --batch N          examples per step (default " + StudyBudget.FULL.batch() + ")",
            "  --hidden N         hidden units (default " + StudyBudget.FULL.hidden() + ")",
            "  --lr X             Adam learning rate (default " + StudyBudget.FULL.learningRate() + ")",
            "  --clip X           per-layer gradient L2 norm clip (default " + StudyBudget.FULL.clip() + ")",
            "  --seed N           seed of the networks and the data (default " + StudyBudget.FULL.seed() + ")",
            "  --eval-every N     steps between test measurements (default " + StudyBudget.FULL.evalEvery() + ")",
            "  --test-size N      held-out examples (default " + StudyBudget.FULL.testSize() + ")",
            "  --until-solved     stop a run at its first test error below the task's threshold",
            "  --smoke            tiny budget and short tasks, for a quick check of the machinery",
            "  --help             this text");

    /** Thrown for {@code --help}. */
    public static final class HelpRequested extends RuntimeException {
        private static final long serialVersionUID = 1L;

        HelpRequested() {
            super(USAGE);
        }
    }

    /**
     * Parses the arguments.
     *
     * @throws IllegalArgumentException naming the option that is wrong and why
     * @throws HelpRequested for {@code --help}
     */
    public static StudyOptions parse(String... args) {
        boolean smoke = List.of(args).contains("--smoke");
        StudyBudget base = smoke ? StudyBudget.SMOKE : StudyBudget.FULL;
        int steps = base.steps();
        int batch = base.batch();
        int hidden = base.hidden();
        double lr = base.learningRate();
        double clip = base.clip();
        long seed = base.seed();
        int evalEvery = base.evalEvery();
        int testSize = base.testSize();
        Path out = Path.of("long-range-study");
        String tasks = smoke ? "adding-8,recall-4" : String.join(",", StudyTasks.DEFAULT);
        String cells = "rnn,lstm,gru";
        boolean untilSolved = false;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (option.equals("--smoke")) {
                continue;
            }
            if (option.equals("--until-solved")) {
                untilSolved = true;
                continue;
            }
            if (option.equals("--help") || option.equals("-h")) {
                throw new HelpRequested();
            }
            if (!option.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + option + "': options are --name value");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            String value = args[++i];
            switch (option) {
                case "--out" -> out = Path.of(value);
                case "--tasks" -> tasks = value;
                case "--cells" -> cells = value;
                case "--steps" -> steps = whole(option, value);
                case "--batch" -> batch = whole(option, value);
                case "--hidden" -> hidden = whole(option, value);
                case "--lr" -> lr = number(option, value);
                case "--clip" -> clip = number(option, value);
                case "--seed" -> seed = whole(option, value);
                case "--eval-every" -> evalEvery = whole(option, value);
                case "--test-size" -> testSize = whole(option, value);
                default -> throw new IllegalArgumentException("unknown option " + option
                        + "; options: --out --tasks --cells --steps --batch --hidden --lr --clip --seed --eval-every"
                        + " --test-size --until-solved --smoke --help");
            }
        }
        List<LongRangeTask> taskList = new ArrayList<>();
        for (String name : list("--tasks", tasks)) {
            taskList.add(StudyTasks.named(name));
        }
        List<CellChoice> cellList = new ArrayList<>();
        for (String name : list("--cells", cells)) {
            cellList.add(CellChoice.named(name));
        }
        return new StudyOptions(
                out,
                taskList,
                cellList,
                new StudyBudget(steps, batch, hidden, lr, clip, seed, evalEvery, testSize, untilSolved));
    }

    private static List<String> list(String option, String value) {
        List<String> items = new ArrayList<>();
        for (String item : value.split(",")) {
            if (!item.isBlank()) {
                items.add(item.trim());
            }
        }
        if (items.isEmpty()) {
            throw new IllegalArgumentException(option + " needs at least one name, got '" + value + "'");
        }
        return items;
    }

    private static int whole(String option, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a whole number, got '" + value + "'");
        }
    }

    private static double number(String option, String value) {
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a number, got '" + value + "'");
        }
    }
}
