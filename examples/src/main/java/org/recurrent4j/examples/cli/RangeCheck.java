package org.recurrent4j.examples.cli;

import java.lang.reflect.Field;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/** Checks every {@link Range}-annotated option of the parsed commands against its range. */
public final class RangeCheck {

    private RangeCheck() {}

    /**
     * @throws ParameterException naming the option (by its first name), the value received and the
     *     range allowed
     */
    public static void check(ParseResult parsed) {
        for (CommandLine command : parsed.asCommandLineList()) {
            for (OptionSpec option : command.getCommandSpec().options()) {
                Range range = option.userObject() instanceof Field field ? field.getAnnotation(Range.class) : null;
                if (range != null && option.getValue() instanceof Number value) {
                    double v = value.doubleValue();
                    if (!(v >= range.min() && v <= range.max())) {
                        throw new ParameterException(command, message(option.names()[0], value, range));
                    }
                }
            }
        }
    }

    static String message(String option, Number value, Range range) {
        String allowed = range.max() == Double.POSITIVE_INFINITY
                ? "at least " + format(range.min())
                : range.min() == Double.NEGATIVE_INFINITY
                        ? "at most " + format(range.max())
                        : "between " + format(range.min()) + " and " + format(range.max());
        return option + " must be " + allowed + ", got " + value;
    }

    private static String format(double bound) {
        return bound == Math.rint(bound) && Math.abs(bound) < 1e15
                ? Long.toString((long) bound)
                : Double.toString(bound);
    }
}
