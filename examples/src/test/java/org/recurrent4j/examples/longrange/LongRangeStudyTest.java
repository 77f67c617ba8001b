package org.recurrent4j.examples.longrange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.recurrent4j.conf.CellTypes;
import org.recurrent4j.examples.cli.CommandLines;
import picocli.CommandLine;

/** The study harness runs end to end on a budget of seconds and writes every output file. */
class LongRangeStudyTest {

    @Test
    void smokeRunWritesTheTableCurvesAndPlotsForEveryTaskAndCell(@TempDir Path dir) throws IOException {
        StudyOptions options = parse("--smoke", "--out", dir.toString());
        assertEquals(StudyBudget.SMOKE, options.budget());
        StringWriter printed = new StringWriter();
        StudyReport report = LongRangeStudy.run(options, new PrintWriter(printed, true));
        // every measurement is printed as it is taken: before training, then every eval-every (3) steps
        for (String measured : List.of("adding-8 lstm step 0:", "adding-8 lstm step 3:", "recall-4 gru step 6:")) {
            assertTrue(printed.toString().contains(measured), measured + " in\n" + printed);
        }

        List<String> tasks = List.of("adding-8", "recall-4");
        List<String> cells = List.of("rnn", "lstm", "gru");
        assertEquals(6, report.results().size());

        List<String> csv = Files.readAllLines(dir.resolve(StudyReport.RESULTS_CSV), StandardCharsets.UTF_8);
        assertEquals(
                "task,cell,error,final_test_error,baseline,solved_below,steps_to_solve,steps_run,diverged,seconds",
                csv.get(0));
        assertEquals(7, csv.size(), String.join("\n", csv));
        Set<String> pairs = new HashSet<>();
        for (String row : csv.subList(1, csv.size())) {
            String[] f = row.split(",", -1);
            pairs.add(f[0] + "/" + f[1]);
            double error = Double.parseDouble(f[3]);
            assertTrue(error >= 0 && Double.isFinite(error), row);
            assertEquals(StudyBudget.SMOKE.steps(), Long.parseLong(f[7]), row);
        }
        String md = Files.readString(dir.resolve(StudyReport.RESULTS_MD));
        assertTrue(md.startsWith("Budget per run: 6 steps of batch 4, hidden size 8"), md);
        for (String task : tasks) {
            for (String cell : cells) {
                assertTrue(pairs.contains(task + "/" + cell), task + "/" + cell + " in " + pairs);
                assertTrue(md.contains("| " + task + " | " + cell + " | "), task + " " + cell + " in\n" + md);
                Path run = dir.resolve("runs").resolve(task + "-" + cell);
                assertTrue(Files.size(run.resolve("state-gradients.csv")) > 0, run.toString());
                assertTrue(Files.size(run.resolve("parameter-gradients.csv")) > 0, run.toString());
            }
            assertPng(dir.resolve(task + "-test-error.png"));
            assertPng(dir.resolve(task + "-gradient-flow.png"));
        }
        List<String> curves = Files.readAllLines(dir.resolve(StudyReport.CURVES_CSV));
        assertEquals("task,cell,step,train_loss,test_error", curves.get(0));
        // Step 0, then every 3 steps up to 6: three points per run.
        assertEquals(1 + 6 * 3, curves.size(), String.join("\n", curves));
    }

    private static void assertPng(Path file) throws IOException {
        BufferedImage image = ImageIO.read(file.toFile());
        assertTrue(image != null && image.getWidth() > 100 && image.getHeight() > 100, file + " is a PNG image");
    }

    @Test
    void theErrorsAreWhatTheyClaim() {
        AddingTask adding = new AddingTask(10);
        DataSet test = adding.test(200, 3);
        // Predicting the mean of the target, 1, scores about its variance, 1/6.
        INDArray mean = Nd4j.ones(DataType.FLOAT, 200, 1);
        assertEquals(adding.baseline(), adding.error(mean, test), 0.03);
        assertEquals(0.0, adding.error(test.getLabels(), test), 1e-12);

        LongRangeTask recall = StudyTasks.named("recall-5");
        DataSet sequences = recall.test(50, 4);
        assertEquals(0.0, recall.error(sequences.getLabels(), sequences), 0.0);
        // Echoing the input is wrong wherever the symbol changed: about 3 times in 4 with 4 symbols.
        assertEquals(recall.baseline(), recall.error(sequences.getFeatures(), sequences), 0.05);
    }

    @Test
    void badOptionsSayWhatIsWrong() {
        assertMessage("Unknown options: '--step'", "--step", "5");
        assertMessage("'many' is not an int", "--steps", "many");
        assertMessage("--steps must be at least 1, got 0", "--steps", "0");
        assertMessage("Missing required parameter for option '--lr'", "--lr");
        assertMessage("unknown task 'adding'", "--tasks", "adding");
        assertMessage("unknown task 'sorting-100'", "--tasks", "adding-50,sorting-100");
        assertMessage(
                "unknown cell 'transformer'; known cells: rnn, lstm, gru, qrnn, sru, onlstm",
                "--cells",
                "lstm,transformer");
        StudyOptions full = parse("--tasks", "adding-200", "--cells", "gru", "--steps", "50");
        assertEquals(50, full.budget().steps());
        assertEquals(StudyBudget.FULL.hidden(), full.budget().hidden());
        assertEquals("adding-200", full.tasks().get(0).name());
        assertEquals(List.of(CellTypes.GRU), full.cells());
        StudyOptions smoke = parse("--smoke", "--hidden", "5");
        assertEquals(5, smoke.budget().hidden(), "an option beside --smoke applies");
        assertEquals(StudyBudget.SMOKE.steps(), smoke.budget().steps());
    }

    private static StudyOptions parse(String... args) {
        LongRangeStudyCommand command = new LongRangeStudyCommand();
        CommandLine line = CommandLines.create(command, "LongRangeStudy", System.out, System.err);
        line.parseArgs(args);
        return command.options();
    }

    /** The study's command line exits with code 2 and one line naming the mistake. */
    private static void assertMessage(String expected, String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = CommandLines.create(
                        new LongRangeStudyCommand(),
                        "LongRangeStudy",
                        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8))
                .execute(args);
        String message = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, code, message);
        assertEquals(1, message.lines().count(), message);
        assertTrue(message.startsWith("LongRangeStudy: error: ") && message.contains(expected), message);
    }
}
