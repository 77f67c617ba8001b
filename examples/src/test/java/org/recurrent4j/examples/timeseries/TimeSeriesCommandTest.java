package org.recurrent4j.examples.timeseries;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;
import org.recurrent4j.examples.Recurrent4jCli;
import org.recurrent4j.examples.diagnostics.CurvesChart;
import org.recurrent4j.synthetic.SyntheticControlCharts;
import org.recurrent4j.training.LearningCurves;

/**
 * {@code timeseries classify} and {@code timeseries forecast} from the command line: they learn
 * (beyond what the untrained network and the naive forecast reach), save a model that reloads with
 * its normalizer, and report every mistake in their input as one line with exit code 2.
 */
class TimeSeriesCommandTest {

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Recurrent4jCli.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void assertOneLineError(Run r, String... mustContain) {
        assertEquals(2, r.code(), r.out() + r.err());
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.size(), "one line, no stack trace: " + r.err());
        assertTrue(lines.get(0).startsWith("recurrent4j: error: "), r.err());
        for (String s : mustContain) {
            assertTrue(lines.get(0).contains(s), "error should mention " + s + ": " + r.err());
        }
    }

    /** The number after {@code label} in the output line that starts with {@code start}. */
    private static double number(Run r, String start, String label) {
        String line = r.out()
                .lines()
                .filter(l -> l.startsWith(start))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no line starting with " + start + ": " + r.out()));
        Matcher m = Pattern.compile(Pattern.quote(label) + " ([0-9.]+)").matcher(line);
        assertTrue(m.find(), label + " in " + line);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void classifyLearnsTheControlChartsAndSavesTheNormalizerWithTheModel(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("model");
        Run r = run(
                "timeseries",
                "classify",
                "--train-series",
                "600",
                "--test-series",
                "120",
                "--hidden",
                "32",
                "--epochs",
                "10",
                "--report-every",
                "5",
                "--seed",
                "3",
                "--out",
                out.toString());
        assertEquals(0, r.code(), r.err());
        double untrained = number(r, "untrained:", "test accuracy");
        double trained = number(r, "trained 10 epochs", "test accuracy");
        assertTrue(untrained < 0.5, "untrained accuracy " + untrained + " (chance 1/6): " + r.out());
        assertTrue(trained > 0.9, "trained accuracy " + trained + ": " + r.out());
        assertTrue(r.out().contains("epoch   5") && r.out().contains("epoch  10"), r.out());
        assertTrue(r.out().contains("Predicted:"), "DL4J's confusion matrix: " + r.out());

        LearningCurves curves = LearningCurves.read(out.resolve(CurvesChart.CSV));
        assertEquals(List.of("test_loss", "test_accuracy"), curves.metrics());
        assertEquals(
                1 + 10,
                Arrays.stream(curves.column("test_accuracy"))
                        .filter(Double::isFinite)
                        .count(),
                "the untrained network and each epoch measured: " + curves.csv());
        assertTrue(Files.size(out.resolve(CurvesChart.PNG)) > 0);
        assertTrue(Files.size(out.resolve(CurvesChart.METRICS_PNG)) > 0);

        // The saved model with its saved normalizer classifies the same test series as well again;
        // without the normalizer, the raw values (around 30) are not what it learned from.
        TimeSeriesModel saved = TimeSeriesModel.load(out);
        assertEquals("classify", saved.settings().getProperty("task"));
        List<String> classes = List.of(saved.settings().getProperty("classes").split(","));
        assertEquals(List.of(SyntheticControlCharts.CLASSES), classes);
        DataSet test = new SyntheticControlCharts(60, 120, 1, 3 + 1).next();
        DataSet raw = test.copy();
        saved.normalizer().transform(test);
        assertEquals(
                trained,
                SeriesClassification.evaluate(saved.net(), test, classes).accuracy(),
                1e-4); // the command prints it to 4 decimals
        assertTrue(SeriesClassification.evaluate(saved.net(), raw, classes).accuracy() < trained);
    }

    /**
     * A cell type registered by one line in a {@code META-INF/services} file (this module's test
     * resources, {@link PeepholeLstmType}) is offered by {@code --cell} and listed in the help, and
     * the command builds its network from it.
     */
    @Test
    void aRegisteredCellIsOfferedByTheCommandLine(@TempDir Path dir) throws Exception {
        Run help = run("timeseries", "classify", "--help");
        assertEquals(0, help.code(), help.err());
        assertTrue(help.out().contains("rnn, lstm, gru, qrnn, sru, onlstm"), help.out());
        assertTrue(help.out().contains(PeepholeLstmType.ID), help.out());

        Path out = dir.resolve("model");
        Run r = run(
                "timeseries",
                "classify",
                "--train-series",
                "60",
                "--test-series",
                "30",
                "--cell",
                PeepholeLstmType.ID.toUpperCase(Locale.ROOT),
                "--hidden",
                "8",
                "--epochs",
                "1",
                "--out",
                out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("1 " + PeepholeLstmType.ID + " layer(s) of 8"), r.out());
        ComputationGraph net = TimeSeriesModel.load(out).net();
        long peepholes = Arrays.stream(net.getLayers())
                .filter(l -> l.paramTable().keySet().stream().anyMatch(k -> k.endsWith("wpeep")))
                .count();
        assertEquals(1, peepholes, "the saved network's recurrent layer is the registered cell's");
    }

    /** Rows "label,v_1,...,v_T" of three control-chart classes named by words. */
    private static Path csv(Path file, int rows, long seed) throws Exception {
        String[] names = {"flat", "up", "down"};
        int[] patterns = {0, 2, 5};
        Random random = new Random(seed);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < rows; i++) {
            int c = i % 3;
            sb.append(names[c]);
            for (double v : SyntheticControlCharts.series(patterns[c], 30, random)) {
                sb.append(',').append(String.format(Locale.ROOT, "%.3f", v));
            }
            sb.append('\n');
        }
        return Files.writeString(file, sb.toString());
    }

    @Test
    void classifyReadsCsvFilesWithALabelColumn(@TempDir Path dir) throws Exception {
        Path train = csv(dir.resolve("train.csv"), 300, 1);
        Path test = csv(dir.resolve("test.csv"), 90, 2);
        Run r = run(
                "timeseries",
                "classify",
                "--train",
                train.toString(),
                "--test",
                test.toString(),
                "--cell",
                "lstm",
                "--hidden",
                "12",
                "--epochs",
                "6",
                "--lr",
                "0.02",
                "--out",
                dir.resolve("model").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(
                r.out().contains("300 training and 90 test series of 30 steps, 3 classes [down, flat, up]"), r.out());
        double untrained = number(r, "untrained:", "test accuracy");
        double trained = number(r, "trained 6 epochs", "test accuracy");
        assertTrue(untrained < 0.67, "untrained accuracy " + untrained + ": " + r.out());
        assertTrue(trained > 0.9, "trained accuracy " + trained + ": " + r.out());
    }

    @Test
    void forecastBeatsTheNaiveForecastOnTheHeldOutEnd(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("model");
        Run r = run(
                "timeseries",
                "forecast",
                "--series",
                "2",
                "--length",
                "500",
                "--window",
                "24",
                "--hidden",
                "16",
                "--epochs",
                "4",
                "--lr",
                "0.01",
                "--out",
                out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("test: the last 100 steps of each series, 200 windows"), r.out());
        double naive = number(r, "naive forecast", "test MSE");
        double untrained = number(r, "naive forecast", "untrained network: MSE");
        double trained = number(r, "trained 4 epochs", "test MSE");
        assertTrue(untrained > naive, "the untrained network " + untrained + " vs naive " + naive + ": " + r.out());
        assertTrue(trained < 0.5 * naive, "trained MSE " + trained + " vs naive " + naive + ": " + r.out());
        assertTrue(r.out().contains("the network beats the naive forecast"), r.out());

        assertEquals(
                "step,seconds,train_loss,test_loss,test_mse",
                Files.readAllLines(out.resolve(CurvesChart.CSV)).get(0));
        TimeSeriesModel saved = TimeSeriesModel.load(out);
        assertEquals("24", saved.settings().getProperty("window"));
        assertEquals(1, saved.normalizer().getMean().length());
    }

    @Test
    void forecastReadsAColumnOfACsvFile(@TempDir Path dir) throws Exception {
        StringBuilder sb = new StringBuilder("date,value\n");
        for (int t = 0; t < 300; t++) {
            sb.append("2024-01-")
                    .append(t)
                    .append(',')
                    .append(String.format(Locale.ROOT, "%.4f", 10 + 3 * Math.sin(t / 3.0)));
            sb.append('\n');
        }
        Path file = Files.writeString(dir.resolve("values.csv"), sb.toString());
        Run r = run(
                "timeseries",
                "forecast",
                "--csv",
                file.toString(),
                "--column",
                "1",
                "--skip-lines",
                "1",
                "--window",
                "12",
                "--horizon",
                "2",
                "--hidden",
                "8",
                "--epochs",
                "2",
                "--out",
                dir.resolve("model").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("data: " + file + ", column 1;"), r.out());
        assertTrue(
                r.out().contains("the last 60 steps of each series, 59 windows (forecast 2 step(s) ahead)"), r.out());
    }

    @Test
    void classifyMistakesAreOneLineErrors(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("none.csv");
        Path good = csv(dir.resolve("good.csv"), 12, 1);
        assertOneLineError(run("timeseries"), "missing subcommand", "classify", "forecast");
        assertOneLineError(run("timeseries", "classify", "--dataset", "ecg"), "unknown data set \"ecg\"");
        assertOneLineError(run("timeseries", "classify", "--train", good.toString()), "--train and --test go together");
        assertOneLineError(
                run("timeseries", "classify", "--train", missing.toString(), "--test", good.toString()),
                "--train: no such file",
                missing.toString());
        assertOneLineError(
                run("timeseries", "classify", "--train", good.toString(), "--test", missing.toString()),
                "--test: no such file");
        assertOneLineError(
                run(
                        "timeseries",
                        "classify",
                        "--train",
                        good.toString(),
                        "--test",
                        good.toString(),
                        "--dataset",
                        ClassificationData.UCI),
                "--dataset");
        Path text = Files.writeString(dir.resolve("text.csv"), "up,1,2,3\ndown,3,x,1\n");
        assertOneLineError(
                run("timeseries", "classify", "--train", text.toString(), "--test", good.toString()),
                text + ":2: column 2 is \"x\", not a number");
        Path unknown = Files.writeString(dir.resolve("unknown.csv"), "up,1,2,3\nsideways,3,2,1\n");
        Path known = Files.writeString(dir.resolve("known.csv"), "up,1,2,3\ndown,3,2,1\n");
        assertOneLineError(
                run("timeseries", "classify", "--train", known.toString(), "--test", unknown.toString()),
                unknown + ":2: unknown label \"sideways\"");
        assertOneLineError(
                run(
                        "timeseries",
                        "classify",
                        "--train",
                        known.toString(),
                        "--test",
                        known.toString(),
                        "--label-column",
                        "7"),
                "column 7");
        Path ragged = Files.writeString(dir.resolve("ragged.csv"), "up,1,2,3\ndown,3,2\n");
        assertOneLineError(
                run("timeseries", "classify", "--train", ragged.toString(), "--test", known.toString()),
                ragged + ":2: 3 column(s), expected 4");
        assertOneLineError(run("timeseries", "classify", "--epochs", "0"), "--epochs must be between 1 and");
        assertOneLineError(run("timeseries", "classify", "--cell", "transformer"), "--cell", "transformer");
    }

    @Test
    void aBrokenUciDownloadIsAOneLineError(@TempDir Path cache) throws Exception {
        String before = System.getProperty("recurrent4j.data.dir");
        try {
            System.setProperty("recurrent4j.data.dir", cache.toString());
            Path cached = cache.resolve(ClassificationData.UCI).resolve("synthetic_control.data");
            Files.createDirectories(cached.getParent());
            Files.writeString(cached, "<html>not the data</html>\n");
            assertOneLineError(
                    run("timeseries", "classify", "--dataset", ClassificationData.UCI),
                    "--dataset " + ClassificationData.UCI,
                    cached.toString());
        } finally {
            if (before == null) {
                System.clearProperty("recurrent4j.data.dir");
            } else {
                System.setProperty("recurrent4j.data.dir", before);
            }
        }
    }

    @Test
    void forecastMistakesAreOneLineErrors(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("none.csv");
        assertOneLineError(
                run("timeseries", "forecast", "--csv", missing.toString()), "--csv: no such file", missing.toString());
        Path two = Files.writeString(dir.resolve("two.csv"), "1,2\n3,4\n");
        assertOneLineError(
                run("timeseries", "forecast", "--csv", two.toString(), "--column", "5"),
                two + ":1: 2 column(s), no column 5");
        Path header = Files.writeString(dir.resolve("header.csv"), "day,value\n1,2\n");
        assertOneLineError(
                run("timeseries", "forecast", "--csv", header.toString(), "--column", "1"),
                header + ":1: column 1 is \"value\", not a number",
                "--skip-lines 1");
        Path gap = Files.writeString(dir.resolve("gap.csv"), "1,2\n2,n/a\n3,4\n");
        assertOneLineError(
                run("timeseries", "forecast", "--csv", gap.toString(), "--column", "1"),
                gap + ":2: column 1 is \"n/a\", not a number");
        Path nan = Files.writeString(dir.resolve("nan.csv"), "1\nNaN\n3\n");
        assertOneLineError(run("timeseries", "forecast", "--csv", nan.toString()), nan + ":2: column 0 is NaN");
        Path blank = Files.writeString(dir.resolve("blank.csv"), "1\n\n3\n");
        assertOneLineError(run("timeseries", "forecast", "--csv", blank.toString()), blank + ":2: empty line");
        Path empty = Files.writeString(dir.resolve("empty.csv"), "");
        assertOneLineError(run("timeseries", "forecast", "--csv", empty.toString()), "no values");
        Path shortSeries = Files.writeString(dir.resolve("short.csv"), "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n");
        assertOneLineError(
                run("timeseries", "forecast", "--csv", shortSeries.toString()),
                shortSeries + ", column 0: 10 steps",
                "fewer than --window 48 plus --horizon 1");
        assertOneLineError(run("timeseries", "forecast", "--length", "50"), "generated series 0: 50 steps", "--window");
        assertOneLineError(run("timeseries", "forecast", "--test-fraction", "0.95"), "--test-fraction must be between");
    }
}
