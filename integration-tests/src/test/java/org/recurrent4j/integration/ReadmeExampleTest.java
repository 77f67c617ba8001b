package org.recurrent4j.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.dataset.api.preprocessor.NormalizerStandardize;
import org.nd4j.linalg.learning.config.Adam;
import org.recurrent4j.arch.SequenceClassifier;
import org.recurrent4j.checkpoint.CheckpointStore;
import org.recurrent4j.conf.CellTypes;
import org.recurrent4j.io.ModelFile;
import org.recurrent4j.synthetic.SyntheticControlCharts;
import org.recurrent4j.training.EarlyStopping;
import org.recurrent4j.training.Interval;
import org.recurrent4j.training.Metrics;
import org.recurrent4j.training.RunResult;
import org.recurrent4j.training.TrainingRun;

/**
 * The README's library example, as the README shows it (the test checks the README holds exactly
 * the code between the markers below): it trains, reaches an accuracy no untrained model reaches,
 * and saves its model.
 */
class ReadmeExampleTest {

    private static final Path RUNS = Path.of("runs/control-charts");
    private static final Path README = Path.of("../README.md");

    @BeforeEach
    @AfterEach
    void clean() throws IOException {
        if (Files.exists(RUNS)) {
            try (Stream<Path> files = Files.walk(RUNS)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static double example() throws IOException {
        // README begin
        // 20 batches of 32 series of 60 steps, 6 patterns; 300 other series to test on
        DataSetIterator train = new SyntheticControlCharts(60, 32, 20, 1);
        DataSetIterator test = new SyntheticControlCharts(60, 300, 1, 2);
        NormalizerStandardize normalizer = new NormalizerStandardize();
        normalizer.fit(train);
        train.setPreProcessor(normalizer);
        test.setPreProcessor(normalizer);

        ComputationGraph net = new ComputationGraph(new SequenceClassifier()
                .features(1)
                .cell(CellTypes.GRU)
                .hidden(32)
                .bidirectional(Bidirectional.Mode.CONCAT)
                .classes(6)
                .updater(new Adam(0.01))
                .seed(42)
                .build());
        net.init();

        Path dir = Path.of("runs/control-charts");
        RunResult result = TrainingRun.of(net)
                .data(train)
                .epochs(10)
                .evaluate(Interval.epochs(1), Metrics.loss(test), Metrics.accuracy(test))
                .earlyStopping(EarlyStopping.on("heldout_accuracy").patience(3).restoreBest(true))
                .checkpoints(new CheckpointStore(dir.resolve("checkpoints"), 2), Interval.epochs(1))
                .build()
                .train();
        System.out.printf(
                "held-out accuracy %.3f after %d steps%n",
                result.best().orElseThrow().value(), result.steps());
        ModelFile.save(net, dir.resolve("model.zip"), false);
        // README end
        return result.best().orElseThrow().value();
    }

    @Test
    void theExampleTrainsAClassifierFarAboveChanceAndSavesIt() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        double accuracy;
        try {
            accuracy = example();
        } finally {
            System.setOut(original);
        }
        assertTrue(accuracy > 0.9, "held-out accuracy " + accuracy + " (chance 1/6)");
        assertTrue(printed.toString(StandardCharsets.UTF_8).startsWith("held-out accuracy 0.9"), printed.toString());
        assertTrue(Files.isRegularFile(RUNS.resolve("model.zip")));
        ModelFile.verify(RUNS.resolve("model.zip"));
    }

    @Test
    void theReadmeShowsThisExampleAsItIs() throws IOException {
        List<String> source =
                Files.readAllLines(Path.of("src/test/java/org/recurrent4j/integration/ReadmeExampleTest.java"));
        int begin = source.indexOf("        // README begin");
        int end = source.indexOf("        // README end");
        List<String> code = source.subList(begin + 1, end).stream()
                .map(line -> line.length() >= 8 ? line.substring(8) : line.strip())
                .toList();
        String readme = Files.readString(README);
        String block = readme.substring(readme.indexOf("```java\n", readme.indexOf("## Use it as a library")) + 8);
        block = block.substring(0, block.indexOf("```"));
        assertEquals(String.join("\n", code) + "\n", block, "the README's example and this test's differ");
    }
}
