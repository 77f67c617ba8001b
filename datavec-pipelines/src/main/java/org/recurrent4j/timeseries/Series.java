package org.recurrent4j.timeseries;

/**
 * One multivariate time series as read from a file.
 *
 * @param values the inputs, {@code [T][F]}: T steps of F features
 * @param targets per-step regression targets {@code [T][K]}, or {@code null} when there are none
 * @param label the per-sequence class index, or -1 when there is none
 * @param source where the series was read ({@code file}, {@code file:line} or {@code file, id
 *     "x"}), for errors
 */
public record Series(double[][] values, double[][] targets, int label, String source) {

    /** The number of steps. */
    public int length() {
        return values.length;
    }

    /** The number of features per step. */
    public int features() {
        return values.length == 0 ? 0 : values[0].length;
    }
}
