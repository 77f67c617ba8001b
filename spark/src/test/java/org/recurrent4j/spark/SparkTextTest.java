package org.recurrent4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.datavec.api.split.FileSplit;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.learning.config.Adam;
import org.recurrent4j.arch.SequenceClassifier;
import org.recurrent4j.conf.CellTypes;
import org.recurrent4j.spark.data.LabelLayout;
import org.recurrent4j.spark.data.SparkLabelledText;
import org.recurrent4j.spark.training.TrainingMasters;
import org.recurrent4j.text.LabelledText;
import org.recurrent4j.text.LabelledTextFiles;
import org.recurrent4j.text.LabelledTextRecordReader;
import org.recurrent4j.text.Tokenizer;
import org.recurrent4j.text.WordVocabulary;

/**
 * Labelled text files on Spark through the project's reader, vocabulary and tokenizer, and the
 * sentiment model (a stacked bidirectional GRU classifier over word embeddings) trained on them:
 * sentences of 3 to 14 words whose label is the sign of their opinion words, in TSV files with a
 * header. The vocabulary counted on the executors equals one machine's, a partition's batches equal
 * the local reader's, the model learns, and the trained network saves and loads with {@code
 * ModelSerializer} and continues on one machine exactly as it would have in memory.
 */
class SparkTextTest {

    private static final String[] GOOD = {"good", "great", "moving", "fine", "superb", "charming"};
    private static final String[] BAD = {"bad", "dull", "awful", "poor", "tedious", "weak"};
    private static final String[] FILLER = {
        "the", "film", "plot", "actors", "a", "story", "is", "was", "and", "it", "this", "music", "very", "quite"
    };
    private static final LabelledTextFiles TSV =
            LabelledTextFiles.tsv().header(true).labels("0", "1").build();

    @TempDir
    static Path directory;

    private static List<URI> trainFiles;
    private static Path testFile;

    @BeforeAll
    static void writeSentences() throws IOException {
        Random random = new Random(4);
        trainFiles = new ArrayList<>();
        for (int f = 0; f < 4; f++) {
            Path file = directory.resolve("train-" + f + ".tsv");
            write(file, 150, random);
            trainFiles.add(file.toUri());
        }
        testFile = directory.resolve("test.tsv");
        write(testFile, 200, random);
    }

    /** A sentence per line: fillers and opinion words, labelled 1 when the good ones outnumber the bad. */
    private static void write(Path file, int sentences, Random random) throws IOException {
        StringBuilder text = new StringBuilder("sentence\tlabel\n");
        for (int i = 0; i < sentences; i++) {
            int label = random.nextInt(2);
            int length = 3 + random.nextInt(12);
            int opinions = 1 + random.nextInt(2);
            List<String> words = new ArrayList<>();
            for (int w = 0; w < length - opinions; w++) {
                words.add(FILLER[random.nextInt(FILLER.length)]);
            }
            for (int o = 0; o < opinions; o++) {
                String[] side = label == 1 ? GOOD : BAD;
                words.add(random.nextInt(words.size() + 1), side[random.nextInt(side.length)]);
            }
            text.append(String.join(" ", words)).append('\t').append(label).append('\n');
        }
        Files.writeString(file, text);
    }

    private static List<String> texts(List<URI> files) throws IOException {
        List<String> texts = new ArrayList<>();
        for (URI file : files) {
            for (LabelledText example : TSV.read(Path.of(file))) {
                texts.add(example.text());
            }
        }
        return texts;
    }

    @Test
    void vocabularyCountedOnTheExecutorsEqualsOneMachines() throws IOException {
        SparkLabelledText train = new SparkLabelledText(LocalSpark.context(), TSV, trainFiles, 3);
        WordVocabulary distributed = train.vocabulary(Tokenizer.standard(), 2, 15);
        WordVocabulary local = WordVocabulary.builder(Tokenizer.standard())
                .minCount(2)
                .maxSize(15)
                .build(texts(trainFiles));
        assertEquals(local, distributed);
        assertEquals(15, distributed.size());
    }

    @Test
    void aPartitionsBatchesAreTheLocalReadersBatches() throws IOException {
        JavaSparkContext sc = LocalSpark.context();
        WordVocabulary vocabulary = WordVocabulary.builder(Tokenizer.standard()).build(texts(trainFiles));
        List<DataSet> distributed = new SparkLabelledText(sc, TSV, trainFiles, 4)
                .batches(sc.broadcast(vocabulary), 10, 16, LabelLayout.AT_LAST_STEP)
                .collect();
        LabelledTextRecordReader reader = new LabelledTextRecordReader.Builder(TSV, vocabulary)
                .maxLength(10)
                .build();
        List<DataSet> local = new ArrayList<>();
        for (URI file : trainFiles) {
            reader.initialize(new FileSplit(new File(file)));
            DataSetIterator it = reader.iterator(16);
            while (it.hasNext()) {
                local.add(it.next());
            }
        }
        assertEquals(local.size(), distributed.size());
        for (int i = 0; i < local.size(); i++) {
            assertEquals(local.get(i), distributed.get(i), "batch " + i);
        }
        assertTrue(local.get(0).getFeaturesMaskArray().minNumber().doubleValue() == 0, "padding, so masks matter");
    }

    @Test
    void stackedBidirectionalGruLearnsSentimentAndContinuesOnOneMachine() throws IOException {
        JavaSparkContext sc = LocalSpark.context();
        SparkLabelledText train = new SparkLabelledText(sc, TSV, trainFiles, 4);
        WordVocabulary vocabulary = train.vocabulary(Tokenizer.standard(), 1, 1000);
        Broadcast<WordVocabulary> words = sc.broadcast(vocabulary);
        JavaRDD<DataSet> batches =
                train.batches(words, 20, 25, LabelLayout.PER_SEQUENCE).cache();

        ComputationGraph net = new ComputationGraph(new SequenceClassifier()
                .tokens(vocabulary.size(), 8)
                .cell(CellTypes.GRU)
                .hidden(12, 12)
                .bidirectional(Bidirectional.Mode.CONCAT)
                .classes(2)
                .updater(new Adam(0.02))
                .seed(6)
                .build());
        net.init();
        LabelledTextRecordReader testReader = new LabelledTextRecordReader.Builder(TSV, vocabulary)
                .maxLength(20)
                .build();
        testReader.initialize(new FileSplit(testFile.toFile()));
        double untrained = accuracy(net, testReader.iterator(100));

        SparkComputationGraph spark = new SparkComputationGraph(sc, net, TrainingMasters.parameterAveraging(2, 25, 3));
        for (int epoch = 0; epoch < 3; epoch++) {
            spark.fit(batches);
        }
        ComputationGraph trained = spark.getNetwork();
        double accuracy = accuracy(trained, testReader.iterator(100));
        assertTrue(untrained < 0.7, "untrained accuracy " + untrained);
        assertTrue(accuracy >= 0.9, "accuracy after training on Spark " + accuracy);

        File saved = directory.resolve("sentiment.zip").toFile();
        ModelSerializer.writeModel(trained, saved, true);
        ComputationGraph loaded = ModelSerializer.restoreComputationGraph(saved, true);
        assertEquals(trained.params(), loaded.params());
        DataSet batch = batches.first();
        INDArray[] in = {batch.getFeatures()};
        INDArray[] masks = {batch.getFeaturesMaskArray()};
        assertEquals(trained.output(false, in, masks)[0], loaded.output(false, in, masks)[0]);
        // one more step on one machine: the loaded network (updater state and Adam's step count included)
        // steps exactly as the trained one in memory does (DL4J's clone() would not do: it restarts the count)
        trained.fit(batch);
        loaded.fit(batch);
        assertEquals(trained.params(), loaded.params());
        assertTrue(accuracy(loaded, testReader.iterator(100)) >= 0.9, "the continued model still classifies");
    }

    private static double accuracy(ComputationGraph net, DataSetIterator test) {
        Evaluation evaluation = new Evaluation(2);
        while (test.hasNext()) {
            DataSet batch = test.next();
            LabelLayout.PER_SEQUENCE.apply(batch);
            INDArray output = net.output(
                            false, new INDArray[] {batch.getFeatures()}, new INDArray[] {batch.getFeaturesMaskArray()})[
                    0];
            evaluation.eval(batch.getLabels(), output);
        }
        return evaluation.accuracy();
    }
}
