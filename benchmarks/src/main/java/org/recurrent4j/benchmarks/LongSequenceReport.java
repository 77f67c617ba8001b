package org.recurrent4j.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code benchmarks/run --long}: {@link LongSequenceMemory} in a JVM of its own for each length and
 * mode (full BPTT; truncated BPTT of 100 steps), then the table and, per mode, the least-squares line
 * of the off-heap peak against T: its slope is the memory each step costs.
 */
final class LongSequenceReport {

    static final int[] LENGTHS = {1000, 2000, 5000, 10000};
    static final String[] MODES = {"full", "truncated:100"};

    private LongSequenceReport() {}

    static String run() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("java.class.path");
        List<String[]> rows = new ArrayList<>();
        for (String mode : MODES) {
            for (int steps : LENGTHS) {
                System.err.printf("long sequences: T %d, %s%n", steps, mode);
                Process p = new ProcessBuilder(
                                java,
                                "-Xmx4g",
                                "-Dorg.bytedeco.javacpp.maxbytes=16g",
                                "-Dorg.bytedeco.javacpp.maxphysicalbytes=20g",
                                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                                "-cp",
                                classpath,
                                LongSequenceMemory.class.getName(),
                                "" + steps,
                                mode)
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start();
                String line;
                try (BufferedReader in =
                        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    line = in.readLine();
                }
                if (p.waitFor() != 0 || line == null) {
                    rows.add(new String[] {"" + steps, mode, "failed (exit code " + p.exitValue() + ")"});
                } else {
                    rows.add(line.trim().split(" "));
                }
            }
        }
        StringBuilder sb = new StringBuilder(String.format(
                Locale.ROOT,
                "Training on one sequence of T steps, batch %d, nIn %d, LSTM hidden 256, a softmax at every step,"
                        + " Adam; median of 3 fits; memory as the peak above the level before training%n%n",
                LongSequenceMemory.BATCH,
                LongSequenceMemory.N_IN));
        sb.append("| T | BPTT | ms per fit | ms per step | heap MB | off-heap MB | resident MB | off-heap bytes"
                + " per step | input and labels MB |\n");
        sb.append("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (String[] r : rows) {
            if (r.length < 11) {
                sb.append("| ")
                        .append(r[0])
                        .append(" | ")
                        .append(r[1])
                        .append(" | ")
                        .append(r[2])
                        .append(" |\n");
                continue;
            }
            sb.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                    r[0],
                    r[1],
                    r[4],
                    r[5],
                    r[6],
                    r[7],
                    r[8],
                    r[9],
                    r[10]));
        }
        sb.append("\nOff-heap peak against T (least squares): MB = slope · T + intercept\n\n");
        sb.append("| BPTT | slope, bytes per step | intercept MB | R² |\n| --- | ---: | ---: | ---: |\n");
        for (String mode : MODES) {
            List<double[]> points = new ArrayList<>();
            for (String[] r : rows) {
                if (r.length >= 11 && r[1].equals(mode)) {
                    points.add(new double[] {Double.parseDouble(r[0]), Double.parseDouble(r[7])});
                }
            }
            if (points.size() >= 2) {
                double[] f = BenchmarkReport.fitPoints(points);
                sb.append(String.format(
                        Locale.ROOT, "| %s | %.0f | %.1f | %.4f |%n", mode, f[0] * 1024 * 1024, f[1], f[2]));
            }
        }
        return sb.toString();
    }
}
