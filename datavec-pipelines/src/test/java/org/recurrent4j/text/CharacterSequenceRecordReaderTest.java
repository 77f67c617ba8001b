package org.recurrent4j.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.datavec.api.records.SequenceRecord;
import org.datavec.api.split.CollectionInputSplit;
import org.datavec.api.split.FileSplit;
import org.datavec.api.writable.Writable;
import org.deeplearning4j.datasets.datavec.SequenceRecordReaderDataSetIterator;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.recurrent4j.conf.Lstm;
import org.recurrent4j.text.CharacterSequenceRecordReader.Features;
import org.recurrent4j.text.CharacterSequenceRecordReader.Part;

class CharacterSequenceRecordReaderTest {

    @TempDir
    Path dir;

    private File write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file.toFile();
    }

    private static List<List<List<Writable>>> readAll(CharacterSequenceRecordReader reader) {
        List<List<List<Writable>>> all = new ArrayList<>();
        while (reader.hasNext()) {
            all.add(reader.sequenceRecord());
        }
        return all;
    }

    @Test
    void windowsLabelEachStepWithTheNextCharacter() throws Exception {
        String text = "abcdefgh";
        CharacterVocabulary v = CharacterVocabulary.of(text);
        CharacterSequenceRecordReader reader =
                new CharacterSequenceRecordReader.Builder(v).length(3).stride(2).build();
        reader.initialize(new FileSplit(write("t.txt", text)));
        // Windows need 4 characters: starts 0, 2, 4 (start 6 would need "gh?").
        assertEquals(3, reader.windows());
        List<List<List<Writable>>> all = readAll(reader);
        assertEquals(3, all.size());
        assertEquals("[[2, 3], [3, 4], [4, 5]]", all.get(1).toString(), "window at 2: c->d, d->e, e->f");
        assertFalse(reader.hasNext());
        reader.reset();
        assertEquals(all, readAll(reader));
        SequenceRecord second = reader.loadSequenceFromMetaData(
                        List.of(new org.datavec.api.records.metadata.RecordMetaDataIndex(
                                1, null, CharacterSequenceRecordReader.class)))
                .get(0);
        assertEquals(all.get(1), second.getSequenceRecord());
    }

    @Test
    void oneHotFeaturesKeepTheLabelLast() throws Exception {
        CharacterVocabulary v = CharacterVocabulary.of("xyz");
        CharacterSequenceRecordReader reader = new CharacterSequenceRecordReader.Builder(v)
                .length(2)
                .features(Features.ONE_HOT)
                .build();
        reader.initialize(new FileSplit(write("t.txt", "zyx")));
        assertEquals("[[0, 0, 1, 1], [0, 1, 0, 0]]", reader.sequenceRecord().toString());
    }

    @Test
    void trainingAndValidationPartsNeverShareAWindow() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            sb.append((char) ('a' + i % 26));
        }
        CharacterVocabulary v = CharacterVocabulary.of(sb);
        File file = write("t.txt", sb.toString());
        CharacterSequenceRecordReader train = new CharacterSequenceRecordReader.Builder(v)
                .length(9)
                .stride(1)
                .part(Part.TRAINING, 0.2)
                .build();
        CharacterSequenceRecordReader validation = new CharacterSequenceRecordReader.Builder(v)
                .length(9)
                .stride(1)
                .part(Part.VALIDATION, 0.2)
                .build();
        train.initialize(new FileSplit(file));
        validation.initialize(new FileSplit(file));
        // 80 training characters: windows of 10 at starts 0..70; 20 validation characters: starts 0..10.
        assertEquals(71, train.windows());
        assertEquals(11, validation.windows());
        List<List<Writable>> lastTraining = train.sequence(70);
        assertEquals(v.index('a' + 79 % 26), lastTraining.get(8).get(1).toInt(), "the last label is character 79");
        assertEquals(
                v.index('a' + 80 % 26), validation.sequence(0).get(0).get(0).toInt(), "validation starts at 80");
    }

    @Test
    void severalFilesAreJoinedInOrderAndUnicodeCountsCodePoints() throws Exception {
        File one = write("1.txt", "雨🌧");
        File two = write("2.txt", "晴");
        CharacterVocabulary v = CharacterVocabulary.of("雨🌧晴");
        CharacterSequenceRecordReader reader =
                new CharacterSequenceRecordReader.Builder(v).length(2).build();
        reader.initialize(new CollectionInputSplit(List.of(one.toURI(), two.toURI())));
        List<List<Writable>> window = reader.sequenceRecord();
        assertEquals(v.index("雨".codePointAt(0)), window.get(0).get(0).toInt());
        assertEquals(v.index("🌧".codePointAt(0)), window.get(0).get(1).toInt());
        assertEquals(v.index("晴".codePointAt(0)), window.get(1).get(1).toInt());
    }

    @Test
    void badInputIsNamed() throws Exception {
        CharacterVocabulary v = CharacterVocabulary.of("abc");
        Path latin1 = dir.resolve("latin1.txt");
        Files.write(latin1, new byte[] {'a', 'b', (byte) 0xE9, 'c'});
        CharacterSequenceRecordReader reader =
                new CharacterSequenceRecordReader.Builder(v).length(2).build();
        IOException e = assertThrows(IOException.class, () -> reader.initialize(new FileSplit(latin1.toFile())));
        assertTrue(e.getMessage().contains("latin1.txt") && e.getMessage().contains("byte offset 2"), e.getMessage());

        IllegalArgumentException unknown = assertThrows(
                IllegalArgumentException.class, () -> reader.initialize(new FileSplit(write("u.txt", "abcd"))));
        assertTrue(
                unknown.getMessage().contains("u.txt") && unknown.getMessage().contains("offset 3"),
                unknown.getMessage());

        e = assertThrows(IOException.class, () -> new CharacterSequenceRecordReader.Builder(v)
                .length(5)
                .build()
                .initialize(new FileSplit(write("s.txt", "abcab"))));
        assertTrue(e.getMessage().contains("5 characters") && e.getMessage().contains("(6)"), e.getMessage());
    }

    // found by CharacterSequenceRecordReaderFuzzTest: length + 1 overflowed for a window of
    // Integer.MAX_VALUE steps, and a short text gave one window instead of the error
    @Test
    void aWindowOfIntegerMaxValueStepsNeedsMoreTextThanThereIs() throws Exception {
        CharacterVocabulary v = CharacterVocabulary.of("film");
        File file = write("short.txt", "filmfilmfilm");
        IOException e = assertThrows(IOException.class, () -> new CharacterSequenceRecordReader.Builder(v)
                .length(Integer.MAX_VALUE)
                .stride(Integer.MAX_VALUE)
                .build()
                .initialize(new FileSplit(file)));
        assertEquals(
                file + ": the text has 12 characters, fewer than one window of 2147483647 steps needs"
                        + " (2147483648): use more text or a shorter window",
                e.getMessage());
    }

    @Test
    void feedsAnEmbeddingLstmThroughDataVecsIterator() throws Exception {
        String text = "to be or not to be, that is the question. ".repeat(30);
        CharacterVocabulary v = CharacterVocabulary.of(text);
        CharacterSequenceRecordReader reader = new CharacterSequenceRecordReader.Builder(v)
                .length(20)
                .stride(7)
                .build();
        reader.initialize(new FileSplit(write("t.txt", text)));
        SequenceRecordReaderDataSetIterator it =
                new SequenceRecordReaderDataSetIterator(reader, 16, v.size(), 1, false);

        DataSet first = it.next();
        assertArrayEquals(new long[] {16, 1, 20}, first.getFeatures().shape());
        assertArrayEquals(new long[] {16, v.size(), 20}, first.getLabels().shape());

        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(1)
                .updater(new Adam(0.02))
                .list()
                .layer(new EmbeddingSequenceLayer.Builder()
                        .nIn(v.size())
                        .nOut(16)
                        .build())
                .layer(new Lstm.Builder().nIn(16).nOut(32).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX)
                        .dataFormat(RNNFormat.NCW)
                        .nIn(32)
                        .nOut(v.size())
                        .build())
                .build());
        net.init();
        double before = net.score(first);
        for (int epoch = 0; epoch < 8; epoch++) {
            it.reset();
            net.fit(it);
        }
        double after = net.score(first);
        assertTrue(after < 0.5 * before, "loss " + before + " -> " + after);
    }

    /** The characters of a sequence: its inputs, then the last step's label. */
    private static String window(CharacterVocabulary v, List<List<Writable>> sequence) {
        StringBuilder sb = new StringBuilder();
        for (List<Writable> step : sequence) {
            sb.append(v.character(step.get(0).toInt()));
        }
        List<Writable> last = sequence.get(sequence.size() - 1);
        return sb.append(v.character(last.get(last.size() - 1).toInt())).toString();
    }

    private static CharacterSequenceRecordReader random(CharacterVocabulary v, long seed, Features features) {
        return new CharacterSequenceRecordReader.Builder(v)
                .length(12)
                .randomOffsets(seed)
                .features(features)
                .part(Part.TRAINING, 0.25)
                .build();
    }

    @Test
    void randomOffsetsDrawNewWindowsFromThePartAtEveryPassReproducibly() throws Exception {
        StringBuilder sb = new StringBuilder();
        Random letters = new Random(5);
        for (int i = 0; i < 400; i++) {
            sb.append((char) ('a' + letters.nextInt(26)));
        }
        String text = sb.toString();
        String training = text.substring(0, 300);
        CharacterVocabulary v = CharacterVocabulary.of(text);
        CharacterSequenceRecordReader a = random(v, 11, Features.INDEX);
        CharacterSequenceRecordReader b = random(v, 11, Features.INDEX);
        a.initialize(text, "text");
        b.initialize(text, "text");
        assertEquals((300 - 13) / 12 + 1, a.sequences(), "as many windows as a stride of the length gives");

        List<String> firstPass = new ArrayList<>();
        while (a.hasNext()) {
            firstPass.add(window(v, a.sequenceRecord()));
        }
        for (String w : firstPass) {
            assertEquals(13, w.length());
            assertTrue(training.contains(w), w + " lies inside the training part");
        }
        for (String w : firstPass) {
            assertEquals(w, window(v, b.sequenceRecord()), "the same seed draws the same windows");
        }
        a.reset();
        List<String> secondPass = new ArrayList<>();
        while (a.hasNext()) {
            secondPass.add(window(v, a.sequenceRecord()));
        }
        assertFalse(secondPass.equals(firstPass), "a new pass draws new offsets");
        assertTrue(firstPass.stream().distinct().count() > firstPass.size() / 2, "offsets vary: " + firstPass);
        assertThrows(IllegalStateException.class, () -> new CharacterSequenceRecordReader.Builder(v)
                .stride(3)
                .randomOffsets(1)
                .build());
    }

    @Test
    void batchesEqualDataVecsIteratorOverTheSameWindows() throws Exception {
        String text = "all the world's a stage, and all the men and women merely players. ".repeat(8);
        CharacterVocabulary v = CharacterVocabulary.of(text);
        for (Features features : Features.values()) {
            CharacterSequenceRecordReader reader = random(v, 3, features);
            reader.initialize(text, "text");
            int labelIndex = features == Features.INDEX ? 1 : v.size();
            SequenceRecordReaderDataSetIterator expected =
                    new SequenceRecordReaderDataSetIterator(reader, 8, v.size(), labelIndex, false);
            int compared = 0;
            for (int pass = 0; pass < 2; pass++) {
                // DataVec's iterator resets the reader before its first batch (a new draw of offsets): the
                // direct batches start once it has, on the same pass
                DataSet e = expected.next();
                CharacterSequenceRecordReader.Batches batches = reader.batches(8);
                while (true) {
                    DataSet d = batches.next();
                    assertEquals(e.getFeatures().castTo(d.getFeatures().dataType()), d.getFeatures(), features + "");
                    assertEquals(e.getLabels().castTo(d.getLabels().dataType()), d.getLabels(), features + "");
                    compared++;
                    if (!expected.hasNext()) {
                        break;
                    }
                    e = expected.next();
                }
                assertFalse(batches.hasNext(), "the pass ends with the reader's");
                expected.reset();
            }
            assertTrue(compared > 4, "a short last batch included: " + compared);
        }
    }

    @Test
    void skippingContinuingBatchesDrawsTheSameOffsetsAsReadingThem() throws Exception {
        String text = "now is the winter of our discontent made glorious summer. ".repeat(6);
        CharacterVocabulary v = CharacterVocabulary.of(text);
        CharacterSequenceRecordReader read = random(v, 9, Features.ONE_HOT);
        CharacterSequenceRecordReader skipped = random(v, 9, Features.ONE_HOT);
        read.initialize(text, "text");
        skipped.initialize(text, "text");
        CharacterSequenceRecordReader.Batches a = read.batches(5);
        CharacterSequenceRecordReader.Batches b = skipped.batches(5);
        int perPass = (read.sequences() + 4) / 5;
        int count = 2 * perPass + 1; // past two pass boundaries
        for (int i = 0; i < count; i++) {
            a.nextContinuing();
        }
        b.skipContinuing(count);
        for (int i = 0; i < perPass + 2; i++) {
            DataSet x = a.nextContinuing();
            DataSet y = b.nextContinuing();
            assertEquals(x.getFeatures(), y.getFeatures());
            assertEquals(x.getLabels(), y.getLabels());
        }
        assertEquals(5L * 12, a.charactersPerBatch());
    }
}
