package org.recurrent4j.examples.cli;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The values a numeric {@code @Option} field accepts, inclusive; checked by {@link RangeCheck}
 * after parsing, so a command declares an option and its range in one place.
 *
 * <pre>{@code
 * @Option(names = "--batch", description = "...")
 * @Range(min = 1, max = 4096)
 * int batch = 32;
 * }</pre>
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Range {
    /** The smallest value accepted. */
    double min() default Double.NEGATIVE_INFINITY;

    /** The largest value accepted. */
    double max() default Double.POSITIVE_INFINITY;
}
