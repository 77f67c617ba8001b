package org.recurrent4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import org.recurrent4j.examples.Recurrent4jCli;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Fuzzes the command line's options: for every command and subcommand, random sequences of its
 * own options with valid, out-of-range, non-numeric, empty, huge, missing and odd values, mixed
 * with unknown options and stray words, are parsed and range-checked as {@code recurrent4j} does
 * before running a command. Each either parses (always, when every value was valid) or is a
 * picocli {@link ParameterException} whose message {@link CommandLines} prints as one line with
 * exit code 2 — never another exception. Commands are not run: their own errors (missing files,
 * bad data) are tested with each command.
 */
class CommandLineFuzzTest {

    private static final AtomicInteger TRIED = new AtomicInteger();
    private static final AtomicInteger REFUSED = new AtomicInteger();

    /** A value for an option, and whether the option must accept it. */
    private record Value(String text, boolean valid) {}

    private static final List<CommandLine> COMMANDS = commands(freshCommandLine());

    @Property(tries = 1500)
    void optionsParseOrAreAOneLineUsageError(@ForAll long seed) {
        Random random = new Random(seed);
        CommandLine command = COMMANDS.get(random.nextInt(COMMANDS.size()));
        List<String> args = new ArrayList<>(path(command));
        List<OptionSpec> options = command.getCommandSpec().options().stream()
                .filter(o -> !o.usageHelp() && !o.versionHelp())
                .toList();
        boolean valid = true;
        Set<OptionSpec> used = new HashSet<>();
        int count = random.nextInt(7);
        for (int i = 0; i < count; i++) {
            int kind = random.nextInt(10);
            if (kind == 0 || options.isEmpty()) {
                args.add(random.nextBoolean() ? "--" + word(random) : word(random));
                valid = false;
                continue;
            }
            OptionSpec option = options.get(random.nextInt(options.size()));
            valid &= used.add(option);
            args.add(option.names()[random.nextInt(option.names().length)]);
            if (option.arity().max() == 0) {
                continue;
            }
            if (kind == 1 && i == count - 1) {
                valid = false;
                continue;
            }
            Value value = value(option, random);
            valid &= value.valid();
            args.add(value.text());
        }
        for (OptionSpec option : options) {
            valid &= !option.required() || used.contains(option);
        }
        valid &= command.getCommandSpec().positionalParameters().stream()
                .allMatch(p -> p.arity().min() == 0);
        TRIED.incrementAndGet();
        CommandLine fresh = freshCommandLine();
        try {
            ParseResult parsed = fresh.parseArgs(args.toArray(String[]::new));
            RangeCheck.check(parsed);
        } catch (ParameterException e) {
            REFUSED.incrementAndGet();
            assertFalse(valid, "refused valid options " + args + ": " + e.getMessage());
            assertUsageError(args);
            return;
        } catch (RuntimeException e) {
            fail("options " + args + " threw " + e + " instead of a usage error");
        }
    }

    @AfterContainer
    static void report() {
        System.out.printf(
                "CommandLineFuzzTest: %d command lines tried over %d commands, %d refused with a usage error%n",
                TRIED.get(), COMMANDS.size(), REFUSED.get());
    }

    /** A refused command line, run for real, is one line on standard error and exit code 2. */
    private static void assertUsageError(List<String> args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Recurrent4jCli.run(
                args.toArray(String[]::new),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = err.toString(StandardCharsets.UTF_8);
        assertEquals(CommandLines.USAGE, code, args + ": " + text);
        List<String> lines = text.lines().toList();
        assertEquals(1, lines.size(), args + ": " + text);
        assertTrue(lines.get(0).startsWith("recurrent4j: error: "), text);
    }

    private static Value value(OptionSpec option, Random random) {
        Class<?> type = option.type();
        Range range = option.userObject() instanceof Field field ? field.getAnnotation(Range.class) : null;
        boolean integral = type == int.class || type == Integer.class || type == long.class || type == Long.class;
        boolean decimal = type == double.class || type == Double.class || type == float.class;
        if (!integral && !decimal) {
            // Text, paths, names: anything may be accepted by the parser; the command checks it.
            return new Value(random.nextBoolean() ? word(random) : odd(random), false);
        }
        double min = range == null ? (integral ? Integer.MIN_VALUE : -1e6) : range.min();
        double max = range == null ? (integral ? Integer.MAX_VALUE : 1e6) : range.max();
        double low = Math.max(min, integral ? Integer.MIN_VALUE : -1e9);
        double high = Math.min(max, integral ? Integer.MAX_VALUE : 1e9);
        switch (random.nextInt(6)) {
            case 0, 1 -> {
                double v = low + random.nextDouble() * (high - low);
                return new Value(integral ? Long.toString((long) Math.floor(v)) : Double.toString(v), true);
            }
            case 2 -> {
                return new Value(integral ? Long.toString((long) low) : Double.toString(low), true);
            }
            case 3 -> {
                if (min > Integer.MIN_VALUE && min > -1e9) {
                    return new Value(integral ? Long.toString((long) min - 1) : Double.toString(min - 1), false);
                }
                return new Value(odd(random), false);
            }
            case 4 -> {
                return new Value(random.nextBoolean() ? "NaN" : "99999999999999999999", false);
            }
            default -> {
                return new Value(odd(random), false);
            }
        }
    }

    private static String word(Random random) {
        String letters = "abcxyz-_=";
        StringBuilder sb = new StringBuilder();
        int n = 1 + random.nextInt(8);
        for (int i = 0; i < n; i++) {
            sb.append(letters.charAt(random.nextInt(letters.length())));
        }
        return sb.toString();
    }

    private static String odd(Random random) {
        String[] odd = {
            "", " ", "-", "--", "1e400", "-1e400", "0x10", "1,5", "½", "∞", "\u0000", "💥", "\n", "'", "\"", "1 2", "=",
            "-0"
        };
        return odd[random.nextInt(odd.length)];
    }

    /** Every command and subcommand, the root first. */
    private static List<CommandLine> commands(CommandLine root) {
        List<CommandLine> all = new ArrayList<>();
        all.add(root);
        for (CommandLine sub : new HashSet<>(root.getSubcommands().values())) {
            all.addAll(commands(sub));
        }
        all.sort((a, b) -> String.join(" ", path(a)).compareTo(String.join(" ", path(b))));
        return all;
    }

    private static List<String> path(CommandLine command) {
        List<String> names = new ArrayList<>();
        for (CommandSpec spec = command.getCommandSpec(); spec.parent() != null; spec = spec.parent()) {
            names.add(0, spec.name());
        }
        return names;
    }

    /** A new command line: picocli keeps parsed values in the command objects. */
    private static CommandLine freshCommandLine() {
        return Recurrent4jCli.commandLine(
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()));
    }
}
