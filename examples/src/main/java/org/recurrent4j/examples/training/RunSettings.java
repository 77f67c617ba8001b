package org.recurrent4j.examples.training;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.recurrent4j.checkpoint.Checkpoint;
import org.recurrent4j.conf.CellType;
import org.recurrent4j.conf.CellTypes;
import org.recurrent4j.examples.cli.UsageException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The settings a training run was started with, as a checkpoint records them, so that a run
 * resumed from it is the same run: every option of the command with its effective value (given or
 * default; paths made absolute), except those a resumed run may change ({@link #MAY_CHANGE}), and
 * the SHA-256 of the training data the command read.
 *
 * <p>A resumed run needs only {@code --resume DIR}: {@link #adopt} gives every option it leaves out
 * the checkpoint's value. It may ask for more epochs, another learning rate, output directory or
 * checkpoint interval; an option given with another value than the checkpoint's (another cell,
 * batch size, seed or data file) is a usage error, and so is training data whose content changed
 * ({@link #check}).
 */
public final class RunSettings {

    /**
     * Options a resumed run may give other values: its budget, rate, output, progress bar and
     * dashboard, and what only the final report reads.
     */
    public static final Set<String> MAY_CHANGE = Set.of(
            "--resume",
            "--checkpoint-every",
            "--epochs",
            "--steps",
            "--lr",
            "--out",
            "--quiet",
            "--beam",
            "--help",
            "--ui",
            "--ui-port");

    private static final String PREFIX = "option.";
    private static final String DATA = "data.sha256";

    private final Map<String, String> values;

    private RunSettings(Map<String, String> values) {
        this.values = values;
    }

    /** The effective options of {@code command} and the fingerprint of its training data. */
    public static RunSettings of(CommandSpec command, String dataSha256) {
        return of(command, dataSha256, Set.of());
    }

    /**
     * The effective options of {@code command}, but those named in {@code notRecorded} (what only
     * the command's other work reads, such as sampling after training), and the fingerprint of its
     * training data.
     */
    public static RunSettings of(CommandSpec command, String dataSha256, Set<String> notRecorded) {
        Map<String, String> values = new TreeMap<>();
        for (OptionSpec option : command.options()) {
            if (!mayChange(option) && !notRecorded.contains(option.longestName())) {
                values.put(PREFIX + option.longestName(), text(option.getValue()));
            }
        }
        values.put(DATA, dataSha256);
        return new RunSettings(values);
    }

    /** The fingerprint of the training data. */
    public String dataFingerprint() {
        return values.get(DATA);
    }

    /** The properties a checkpoint of the run records. */
    public Map<String, String> properties() {
        return values;
    }

    /**
     * Gives each option of {@code command} that was not on its command line the value {@code
     * checkpoint} recorded (options a resumed run may change excepted), so that {@code --resume
     * DIR} alone continues a run.
     *
     * @throws UsageException if an option was given another value than the checkpoint's, or the
     *     checkpoint records options this command does not have (it is another command's)
     */
    public static void adopt(CommandSpec command, Checkpoint checkpoint) throws UsageException {
        adopt(command, checkpoint, Set.of());
    }

    /** {@link #adopt(CommandSpec, Checkpoint)} for a command whose options {@code notRecorded} are not the run's. */
    public static void adopt(CommandSpec command, Checkpoint checkpoint, Set<String> notRecorded)
            throws UsageException {
        Map<String, String> recorded = recordedOptions(checkpoint);
        Map<String, OptionSpec> options = new TreeMap<>();
        command.options().stream()
                .filter(option -> !notRecorded.contains(option.longestName()))
                .forEach(option -> options.put(option.longestName(), option));
        List<String> foreign = recorded.keySet().stream()
                .filter(name -> !options.containsKey(name))
                .toList();
        if (recorded.isEmpty() || !foreign.isEmpty()) {
            throw new UsageException("--resume " + checkpoint.directory() + ": not a checkpoint of "
                    + command.qualifiedName()
                    + (foreign.isEmpty() ? "" : " (it records " + String.join(", ", foreign) + ")"));
        }
        List<String> contradictions = new ArrayList<>();
        for (Map.Entry<String, String> entry : recorded.entrySet()) {
            OptionSpec option = options.get(entry.getKey());
            if (given(command, entry.getKey())) {
                String value = text(option.getValue());
                if (!value.equals(entry.getValue())) {
                    contradictions.add(entry.getKey() + " " + shown(option, value) + " contradicts it (trained with "
                            + shown(option, entry.getValue()) + ")");
                }
            } else {
                option.setValue(parse(option, entry.getValue()));
            }
        }
        if (!contradictions.isEmpty()) {
            throw new UsageException("--resume " + checkpoint.directory() + ": " + String.join("; ", contradictions)
                    + ": a resumed run keeps the network, data and seed of the run it continues (drop the option, or"
                    + " train a new model)");
        }
    }

    /**
     * Checks that this run, after {@link #adopt}, continues the one {@code checkpoint} was saved
     * from: the same options and the same training data.
     *
     * @throws UsageException naming what differs
     */
    public void check(Checkpoint checkpoint) throws UsageException {
        Map<String, String> recorded = new TreeMap<>();
        checkpoint.properties().forEach((key, value) -> {
            if (key.startsWith(PREFIX) || key.equals(DATA)) {
                recorded.put(key, value);
            }
        });
        if (!recorded.equals(values)) {
            List<String> differences = new ArrayList<>();
            Set<String> keys = new TreeSet<>(recorded.keySet());
            keys.addAll(values.keySet());
            for (String key : keys) {
                if (!Objects.equals(values.get(key), recorded.get(key))) {
                    differences.add(
                            key.equals(DATA)
                                    ? "the training data (their SHA-256 differ)"
                                    : key.substring(PREFIX.length()) + " " + shown(values.get(key))
                                            + " (the checkpoint's: "
                                            + shown(recorded.get(key)) + ")");
                }
            }
            throw new UsageException("--resume " + checkpoint.directory() + ": this is not the run the checkpoint"
                    + " continues: " + String.join(", ", differences) + "; resume with the same data");
        }
    }

    /** Whether {@code option} was given on {@code command}'s command line, not left at its default. */
    public static boolean given(CommandSpec command, String option) {
        return command.commandLine().getParseResult().hasMatchedOption(option);
    }

    private static boolean mayChange(OptionSpec option) {
        return Arrays.stream(option.names()).anyMatch(MAY_CHANGE::contains);
    }

    private static Map<String, String> recordedOptions(Checkpoint checkpoint) {
        Map<String, String> recorded = new TreeMap<>();
        checkpoint.properties().forEach((key, value) -> {
            if (key.startsWith(PREFIX)) {
                recorded.put(key.substring(PREFIX.length()), value);
            }
        });
        return recorded;
    }

    private static Object parse(OptionSpec option, String text) {
        Class<?> type = option.type();
        if ("null".equals(text)) {
            return null;
        } else if (type == int.class || type == Integer.class) {
            return Integer.valueOf(text);
        } else if (type == long.class || type == Long.class) {
            return Long.valueOf(text);
        } else if (type == double.class || type == Double.class) {
            return Double.valueOf(text);
        } else if (type == boolean.class || type == Boolean.class) {
            return Boolean.valueOf(text);
        } else if (type == String.class) {
            return text;
        } else if (type == Path.class) {
            return Path.of(text);
        } else if (type.isEnum()) {
            return enumValue(type, text);
        } else if (type == CellType.class) {
            // As --cell reads it: the built-ins and every registered cell type, by id.
            return CellTypes.named(text);
        }
        throw new IllegalStateException(
                "option " + option.longestName() + " of type " + type.getName() + " cannot be read from a checkpoint");
    }

    private static Object enumValue(Class<?> type, String name) {
        for (Object constant : type.getEnumConstants()) {
            if (((Enum<?>) constant).name().equals(name)) {
                return constant;
            }
        }
        throw new IllegalArgumentException("no " + type.getSimpleName() + " named " + name);
    }

    private static String shown(String value) {
        return value == null || "null".equals(value) ? "not given" : value;
    }

    /** A recorded value as the command line spells it: enum constants in lower case. */
    private static String shown(OptionSpec option, String value) {
        String shown = shown(value);
        return option.type().isEnum() ? shown.toLowerCase(Locale.ROOT) : shown;
    }

    private static String text(Object value) {
        if (value instanceof Enum<?> constant) {
            return constant.name();
        }
        if (value instanceof CellType cell) {
            return cell.id();
        }
        if (value instanceof Path path) {
            return path.toAbsolutePath().normalize().toString();
        }
        if (value instanceof Object[] array) {
            return Arrays.toString(array);
        }
        if (value instanceof int[] array) {
            return Arrays.toString(array);
        }
        if (value instanceof double[] array) {
            return Arrays.toString(array);
        }
        return String.valueOf(value);
    }
}
