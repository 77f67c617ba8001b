package org.recurrent4j.examples.charrnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.recurrent4j.conf.CellType;
import org.recurrent4j.conf.CellTypes;
import org.recurrent4j.text.CharacterSequenceRecordReader;
import org.recurrent4j.text.CharacterVocabulary;

/** The char-RNN pipeline learns, samples from its vocabulary, and saves a model that reloads. */
class CharRnnTest {

    /** A small text this test owns: a few sentences with repeated structure. */
    static String tinyText() {
        StringBuilder sb = new StringBuilder();
        String[] words = {"red", "green", "blue", "cyan"};
        for (int i = 0; i < 120; i++) {
            sb.append("the ").append(words[i % 4]).append(" cell keeps its state. ");
        }
        return sb.toString();
    }

    private static final CharRnnModel.Settings SMALL = new CharRnnModel.Settings(CellTypes.LSTM, 48, 1, 25, 0.01, 7);

    /** Entropy in nats of the text's character frequencies: the best a memoryless model can do. */
    static double unigramEntropy(String text) {
        Map<Integer, Integer> counts = new HashMap<>();
        text.codePoints().forEach(c -> counts.merge(c, 1, Integer::sum));
        double n = text.codePointCount(0, text.length());
        return -counts.values().stream()
                .mapToDouble(c -> c / n * Math.log(c / n))
                .sum();
    }

    /** Random windows of the whole text, as the command reads its training part. */
    private static CharacterSequenceRecordReader.Batches windows(
            String text, CharacterVocabulary vocabulary, int length, int batch) {
        try {
            return CharRnnTrainer.randomWindows(
                    text, "test", vocabulary, CharacterSequenceRecordReader.Part.ALL, 0.1, length, batch, 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<CellType> projectCells() {
        return List.of(CellTypes.RNN, CellTypes.LSTM, CellTypes.GRU, CellTypes.QRNN, CellTypes.SRU, CellTypes.ONLSTM);
    }

    /** Every cell of this project learns the text: one layer, 48 units, 150 steps. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("projectCells")
    void trainingBeatsEveryMemorylessModel(CellType cell) {
        String text = tinyText();
        CharacterVocabulary vocabulary = CharacterVocabulary.of(text);
        MultiLayerNetwork net = CharRnnModel.build(
                vocabulary.size(),
                new CharRnnModel.Settings(
                        cell, SMALL.hidden(), SMALL.layers(), SMALL.tbptt(), SMALL.learningRate(), SMALL.seed()));
        CharacterSequenceRecordReader.Batches batches = windows(text, vocabulary, 25, 16);

        CharRnnTrainer.Result result =
                CharRnnTrainer.train(net, batches, 25, Duration.ofMinutes(5), 150, Duration.ofHours(1), p -> {});

        assertEquals(150, result.steps());
        double uniform = Math.log(vocabulary.size());
        assertTrue(
                Math.abs(result.firstLoss() - uniform) < 0.5,
                "untrained loss " + result.firstLoss() + " vs ln V " + uniform);
        double bound = 0.5 * unigramEntropy(text);
        assertTrue(
                result.lastLoss() < bound,
                cell + ": loss " + result.lastLoss() + " must beat half the unigram entropy " + bound);
    }

    /**
     * Under a time budget the schedule sees the share of the time used, from where a resumed run's
     * start says its budget stood; the rate it returns is the network's for the next step.
     */
    @Test
    void aTimeBudgetSchedulesByTheShareOfTimeUsedCarryingOnFromTheStart() {
        String text = tinyText();
        CharacterVocabulary vocabulary = CharacterVocabulary.of(text);
        MultiLayerNetwork net = CharRnnModel.build(vocabulary.size(), SMALL);
        CharacterSequenceRecordReader.Batches batches = windows(text, vocabulary, 25, 4);
        List<Double> shares = new ArrayList<>();
        CharRnnTrainer.Result result = CharRnnTrainer.train(
                net,
                batches,
                25,
                new CharRnnTrainer.Start(0, Double.NaN, Double.NaN, 0.6),
                Duration.ofSeconds(3),
                0,
                share -> {
                    shares.add(share);
                    return 0.01 * (1 - share);
                },
                Duration.ofHours(1),
                p -> {},
                now -> {});

        assertTrue(shares.size() >= 2, "steps in 3 s: " + shares.size());
        assertEquals(result.steps(), shares.size(), "the rate is set before every step");
        assertTrue(shares.get(0) >= 0.6 && shares.get(0) < 0.7, "starts where the budget stood: " + shares.get(0));
        for (int i = 1; i < shares.size(); i++) {
            assertTrue(shares.get(i) > shares.get(i - 1) && shares.get(i) <= 1, "rises towards 1: " + shares);
        }
        assertTrue(result.budgetUsed() > 0.99 && result.budgetUsed() <= 1, "ends at 1: " + result.budgetUsed());
        Adam adam = (Adam) net.getLayer(0)
                .conf()
                .getLayer()
                .getUpdaterByParam(
                        net.getLayer(0).paramTable().keySet().iterator().next());
        assertEquals(0.01 * (1 - shares.get(shares.size() - 1)), adam.getLearningRate(), 1e-12);
    }

    @Test
    void samplesOnlyVocabularyCharactersAndIsReproducible() {
        String text = tinyText();
        CharacterVocabulary vocabulary = CharacterVocabulary.of(text);
        MultiLayerNetwork net = CharRnnModel.build(vocabulary.size(), SMALL);
        String sample = CharRnnSampler.sample(net, vocabulary, "the ", 200, 1.0, new Random(3));
        assertEquals(204, sample.codePointCount(0, sample.length()));
        assertTrue(sample.codePoints().allMatch(vocabulary::contains), sample);
        assertEquals(sample, CharRnnSampler.sample(net, vocabulary, "the ", 200, 1.0, new Random(3)));
    }

    @Test
    void savedModelReloadsWithTheSameOutputs(@TempDir Path dir) throws Exception {
        String text = tinyText();
        CharacterVocabulary vocabulary = CharacterVocabulary.of(text);
        MultiLayerNetwork net = CharRnnModel.build(vocabulary.size(), SMALL);
        CharacterSequenceRecordReader.Batches batches = windows(text, vocabulary, 25, 4);
        CharRnnTrainer.train(net, batches, 25, Duration.ofMinutes(1), 3, Duration.ofHours(1), p -> {});

        Path model = CharRnnCommand.save(net, vocabulary, dir);
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(model.toFile(), true);
        CharacterVocabulary restoredVocabulary = CharacterVocabulary.load(dir.resolve(CharRnnCommand.VOCABULARY_FILE));

        assertEquals(vocabulary, restoredVocabulary);
        INDArray features = batches.nextContinuing().getFeatures();
        assertEquals(net.output(features), restored.output(features));
        assertEquals(
                CharRnnSampler.sample(net, vocabulary, "the ", 80, 0.8, new Random(5)),
                CharRnnSampler.sample(restored, restoredVocabulary, "the ", 80, 0.8, new Random(5)));
        try (var files = java.nio.file.Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no temporary file left");
        }
    }

    @Test
    void aStreamReadInChunksScoresAsOneWholeWindow() {
        String text = tinyText().substring(0, 301);
        CharacterVocabulary vocabulary = CharacterVocabulary.of(tinyText());
        int[] encoded = vocabulary.encode(text, "test");
        MultiLayerNetwork net = CharRnnModel.build(vocabulary.size(), SMALL);
        CharRnnTrainer.train(
                net, windows(text, vocabulary, 25, 4), 25, Duration.ofMinutes(1), 20, Duration.ofHours(1), p -> {});
        double whole = CharRnnTrainer.evaluate(net, encoded, vocabulary.size(), 300, 1);
        double chunked = CharRnnTrainer.evaluateAsStream(net, encoded, vocabulary.size(), 37);
        assertEquals(whole, chunked, 1e-5, "the state carried across chunks is the state of one long window");
        assertTrue(
                Math.abs(chunked - CharRnnTrainer.evaluate(net, encoded, vocabulary.size(), 10, 4)) > 1e-3,
                "windows from a zero state are another measure");
    }

    @Test
    void lastSegmentIsWhatTheScoreCovers() {
        assertEquals(50, CharRnnCommand.lastSegment(100, 50));
        assertEquals(20, CharRnnCommand.lastSegment(120, 50));
        assertEquals(30, CharRnnCommand.lastSegment(30, 50));
    }
}
