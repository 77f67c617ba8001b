package org.recurrent4j.examples.charrnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.recurrent4j.conf.CellType;
import org.recurrent4j.conf.CellTypes;
import org.recurrent4j.io.ModelFile;
import org.recurrent4j.text.CharacterSequenceRecordReader;
import org.recurrent4j.text.CharacterVocabulary;
import org.recurrent4j.training.RunListener;
import org.recurrent4j.training.TrainingRun;

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
        CharacterSequenceRecordReader reader = new CharacterSequenceRecordReader.Builder(vocabulary)
                .length(length)
                .randomOffsets(1)
                .features(CharacterSequenceRecordReader.Features.ONE_HOT)
                .build();
        try {
            reader.initialize(text, "test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return reader.batches(batch);
    }

    /** Trains {@code steps} steps on {@code batches}; the losses per character of every step. */
    private static List<Double> train(MultiLayerNetwork net, CharacterSequenceRecordReader.Batches batches, int steps)
            throws IOException {
        List<Double> losses = new ArrayList<>();
        TrainingRun.of(net)
                .data(batches::nextContinuing)
                .steps(steps)
                .trainingLoss(score -> score / 25)
                .listener(new RunListener() {
                    @Override
                    public void stepDone(Step step) {
                        losses.add(step.loss());
                    }
                })
                .build()
                .train();
        return losses;
    }

    static List<CellType> projectCells() {
        return List.of(CellTypes.RNN, CellTypes.LSTM, CellTypes.GRU, CellTypes.QRNN, CellTypes.SRU, CellTypes.ONLSTM);
    }

    /** Every cell of this project learns the text: one layer, 48 units, 150 steps. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("projectCells")
    void trainingBeatsEveryMemorylessModel(CellType cell) throws IOException {
        String text = tinyText();
        CharacterVocabulary vocabulary = CharacterVocabulary.of(text);
        MultiLayerNetwork net = CharRnnModel.build(
                vocabulary.size(),
                new CharRnnModel.Settings(
                        cell, SMALL.hidden(), SMALL.layers(), SMALL.tbptt(), SMALL.learningRate(), SMALL.seed()));
        CharacterSequenceRecordReader.Batches batches = windows(text, vocabulary, 25, 16);

        List<Double> losses = train(net, batches, 150);

        assertEquals(150, losses.size());
        double uniform = Math.log(vocabulary.size());
        assertTrue(Math.abs(losses.get(0) - uniform) < 0.5, "untrained loss " + losses.get(0) + " vs ln V " + uniform);
        double last = losses.subList(140, 150).stream()
                .mapToDouble(Double::doubleValue)
                .average()
                .orElseThrow();
        double bound = 0.5 * unigramEntropy(text);
        assertTrue(last < bound, cell + ": loss " + last + " must beat half the unigram entropy " + bound);
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
        train(net, batches, 3);

        Path model = CharRnnCommand.save(net, vocabulary, dir);
        MultiLayerNetwork restored = ModelFile.loadMultiLayerNetwork(model, true);
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
    void lastSegmentIsWhatTheScoreCovers() {
        assertEquals(50, CharRnnCommand.lastSegment(100, 50));
        assertEquals(20, CharRnnCommand.lastSegment(120, 50));
        assertEquals(30, CharRnnCommand.lastSegment(30, 50));
    }
}
