package org.recurrent4j.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.datavec.api.split.FileSplit;
import org.datavec.api.writable.Writable;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.recurrent4j.conf.Gru;
import org.recurrent4j.records.IndexedSequenceRecordReader;
import org.recurrent4j.text.LabelledTextRecordReader.Truncation;

class LabelledTextRecordReaderTest {

    private static final String[] NEUTRAL = {"the", "film", "plot", "actor", "was", "and", "a", "story", "scene", "it"};
    private static final String[] POSITIVE = {"great", "superb", "moving", "fine"};
    private static final String[] NEGATIVE = {"awful", "dull", "boring", "poor"};

    @TempDir
    Path dir;

    private final LabelledTextFiles tsv =
            LabelledTextFiles.tsv().header(true).labels("neg", "pos").build();

    /** Sentences of 3 to 12 words; the one sentiment word decides the label. */
    private Path sentiment(String name, int examples, long seed) throws IOException {
        Random random = new Random(seed);
        StringBuilder sb = new StringBuilder("sentence\tlabel\n");
        for (int i = 0; i < examples; i++) {
            boolean positive = random.nextBoolean();
            int length = 3 + random.nextInt(10);
            int at = random.nextInt(length);
            List<String> words = new ArrayList<>();
            for (int w = 0; w < length; w++) {
                String[] pool = w == at ? (positive ? POSITIVE : NEGATIVE) : NEUTRAL;
                words.add(pool[random.nextInt(pool.length)]);
            }
            sb.append(String.join(" ", words))
                    .append('\t')
                    .append(positive ? "pos" : "neg")
                    .append('\n');
        }
        Path file = dir.resolve(name);
        Files.writeString(file, sb.toString());
        return file;
    }

    private WordVocabulary vocabularyOf(Path file) throws IOException {
        return WordVocabulary.builder(Tokenizer.standard())
                .build(tsv.read(file).stream().map(LabelledText::text).toList());
    }

    private static int[] tokens(List<List<Writable>> sequence) {
        return sequence.stream().mapToInt(step -> step.get(0).toInt()).toArray();
    }

    @Test
    void emitsTokenIndicesAndALabelSequenceInStep() throws Exception {
        Path file = Files.writeString(dir.resolve("t.tsv"), "sentence\tlabel\nA fine film.\tpos\nDull film\tneg\n");
        WordVocabulary v = vocabularyOf(file);
        LabelledTextRecordReader reader = new LabelledTextRecordReader.Builder(tsv, v).build();
        reader.initialize(new FileSplit(file.toFile()));
        IndexedSequenceRecordReader labels = reader.labelReader();

        assertEquals(2, reader.sequences());
        assertArrayEquals(v.encode("a fine film ."), tokens(reader.sequenceRecord()));
        assertEquals(
                List.of(List.of(1)),
                labels.sequenceRecord().stream()
                        .map(step -> step.stream().map(Writable::toInt).toList())
                        .toList());
        assertArrayEquals(v.encode("dull film"), tokens(reader.sequenceRecord()));
        assertEquals(0, labels.sequenceRecord().get(0).get(0).toInt());
        assertEquals(file + ":3", reader.source(1));
        assertEquals(List.of("neg", "pos"), reader.getLabels());
    }

    @Test
    void truncatesKeepingTheHeadOrTheTailAndCountsIt() throws Exception {
        Path file =
                Files.writeString(dir.resolve("t.tsv"), "sentence\tlabel\none two three four five\tpos\nsix\tneg\n");
        WordVocabulary v = vocabularyOf(file);
        LabelledTextRecordReader head =
                new LabelledTextRecordReader.Builder(tsv, v).maxLength(2).build();
        head.initialize(new FileSplit(file.toFile()));
        assertArrayEquals(v.encode("one two"), tokens(head.sequence(0)));
        assertArrayEquals(v.encode("six"), tokens(head.sequence(1)));
        assertEquals(1, head.truncated());

        LabelledTextRecordReader tail = new LabelledTextRecordReader.Builder(tsv, v)
                .maxLength(2)
                .truncation(Truncation.KEEP_TAIL)
                .build();
        tail.initialize(new FileSplit(file.toFile()));
        assertArrayEquals(v.encode("four five"), tokens(tail.sequence(0)));
    }

    @Test
    void shufflesReproduciblyKeepingEachLabelWithItsText() throws Exception {
        Path file = sentiment("s.tsv", 40, 3);
        WordVocabulary v = vocabularyOf(file);
        List<LabelledText> inFileOrder = tsv.read(file);
        LabelledTextRecordReader a =
                new LabelledTextRecordReader.Builder(tsv, v).shuffle(7).build();
        LabelledTextRecordReader b =
                new LabelledTextRecordReader.Builder(tsv, v).shuffle(7).build();
        a.initialize(new FileSplit(file.toFile()));
        b.initialize(new FileSplit(file.toFile()));
        List<String> order = new ArrayList<>();
        for (int i = 0; i < a.sequences(); i++) {
            assertArrayEquals(tokens(a.sequence(i)), tokens(b.sequence(i)));
            int line = Integer.parseInt(a.source(i).substring(a.source(i).lastIndexOf(':') + 1));
            LabelledText original = inFileOrder.get(line - 2);
            assertEquals(original.label(), a.label(i));
            assertArrayEquals(v.encode(original.text()), tokens(a.sequence(i)));
            order.add(a.source(i));
        }
        assertNotEquals(inFileOrder.stream().map(LabelledText::source).toList(), order);
    }

    @Test
    void aTextWithoutTokensIsAnErrorUnlessSkipped() throws Exception {
        Path file = Files.writeString(dir.resolve("t.tsv"), "sentence\tlabel\ngood\tpos\n...\tneg\n");
        Tokenizer strip =
                Tokenizer.builder().punctuation(Tokenizer.Punctuation.STRIP).build();
        WordVocabulary v = WordVocabulary.builder(strip).build(List.of("good"));
        LabelledTextRecordReader reader = new LabelledTextRecordReader.Builder(tsv, v).build();
        IOException e = assertThrows(IOException.class, () -> reader.initialize(new FileSplit(file.toFile())));
        assertTrue(e.getMessage().startsWith(file + ":3: the text has no tokens"), e.getMessage());

        LabelledTextFiles skipping = LabelledTextFiles.tsv()
                .header(true)
                .labels("neg", "pos")
                .skipEmpty(true)
                .build();
        LabelledTextRecordReader lenient = new LabelledTextRecordReader.Builder(skipping, v).build();
        lenient.initialize(new FileSplit(file.toFile()));
        assertEquals(1, lenient.sequences());
        assertEquals(1, lenient.skipped());
    }

    @Test
    void alignEndPutsTheLabelAtEachExamplesLastTokenAndMasksThePadding() throws Exception {
        Path file = Files.writeString(
                dir.resolve("t.tsv"), "sentence\tlabel\nfine\tpos\nawful plot twist here\tneg\nok plot\tpos\n");
        WordVocabulary v = vocabularyOf(file);
        LabelledTextRecordReader reader = new LabelledTextRecordReader.Builder(tsv, v).build();
        reader.initialize(new FileSplit(file.toFile()));
        DataSet batch = reader.iterator(3).next();

        assertArrayEquals(new long[] {3, 1, 4}, batch.getFeatures().shape());
        assertArrayEquals(new long[] {3, 2, 4}, batch.getLabels().shape());
        assertArrayEquals(
                new double[][] {{1, 0, 0, 0}, {1, 1, 1, 1}, {1, 1, 0, 0}},
                batch.getFeaturesMaskArray().toDoubleMatrix());
        assertArrayEquals(
                new double[][] {{1, 0, 0, 0}, {0, 0, 0, 1}, {0, 1, 0, 0}},
                batch.getLabelsMaskArray().toDoubleMatrix());
        assertEquals(1.0, batch.getLabels().getDouble(0, 1, 0), "pos at the only token");
        assertEquals(1.0, batch.getLabels().getDouble(1, 0, 3), "neg at the fourth token");
        assertEquals(v.index("twist"), batch.getFeatures().getInt(1, 0, 2));
    }

    @Test
    void trainsAnEmbeddingGruClassifierThatFindsTheSentimentWord() throws Exception {
        Path trainFile = sentiment("train.tsv", 480, 11);
        Path devFile = sentiment("dev.tsv", 200, 12);
        WordVocabulary v = vocabularyOf(trainFile);
        LabelledTextRecordReader train =
                new LabelledTextRecordReader.Builder(tsv, v).shuffle(1).build();
        train.initialize(new FileSplit(trainFile.toFile()));
        LabelledTextRecordReader dev = new LabelledTextRecordReader.Builder(tsv, v).build();
        dev.initialize(new FileSplit(devFile.toFile()));
        DataSetIterator trainBatches = train.iterator(32);
        DataSetIterator devBatches = dev.iterator(50);

        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(5)
                .updater(new Adam(0.02))
                .list()
                .layer(new EmbeddingSequenceLayer.Builder()
                        .nIn(v.size())
                        .nOut(8)
                        .build())
                .layer(new Gru.Builder().nIn(8).nOut(16).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX)
                        .dataFormat(RNNFormat.NCW)
                        .nIn(16)
                        .nOut(2)
                        .build())
                .build());
        net.init();
        DataSet probe = devBatches.next();
        INDArray labelsMask = probe.getLabelsMaskArray();
        assertEquals(probe.getFeatures().size(0), labelsMask.sumNumber().longValue(), "one label per example");
        double before = net.score(probe);
        for (int epoch = 0; epoch < 6; epoch++) {
            trainBatches.reset();
            net.fit(trainBatches);
        }
        double after = net.score(probe);
        devBatches.reset();
        Evaluation evaluation = net.evaluate(devBatches);
        assertEquals(200, evaluation.getNumRowCounter(), "every dev example counted once");
        assertTrue(after < 0.3 * before, "loss " + before + " -> " + after);
        assertTrue(evaluation.accuracy() > 0.9, "dev accuracy " + evaluation.accuracy() + " (chance 0.5)");
    }
}
