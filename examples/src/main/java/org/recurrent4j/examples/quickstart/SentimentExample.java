package org.recurrent4j.examples.quickstart;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.learning.config.Adam;
import org.recurrent4j.arch.SequenceClassifier;
import org.recurrent4j.conf.CellTypes;
import org.recurrent4j.datasets.Sst2;
import org.recurrent4j.text.LabelledText;
import org.recurrent4j.text.LabelledTextFiles;
import org.recurrent4j.text.LabelledTextRecordReader;
import org.recurrent4j.text.Tokenizer;
import org.recurrent4j.text.WordVocabulary;
import org.recurrent4j.training.Interval;
import org.recurrent4j.training.Metrics;
import org.recurrent4j.training.RunListener;
import org.recurrent4j.training.RunResult;
import org.recurrent4j.training.TrainingRun;

/**
 * Sentence classification: is a sentence positive or negative? Words become indices, a GRU reads
 * them, and a softmax at the last word decides.
 *
 * <pre>
 *   w_1 .. w_T   token indices (WordVocabulary: 0 padding, 1 unknown)   features [B, 1, T], mask [B, T]
 *   e_t = E[w_t]                                                          [B, 64, T]
 *   h_t = GRU(e_t, h_{t-1})                                               [B, H, T]
 *   p   = softmax(W h_T + b),  h_T the last real word's state              [B, 2]
 * </pre>
 *
 * <p>The data is SST-2 (GLUE's Stanford Sentiment Treebank: 67,349 labelled phrases for training,
 * 872 sentences for evaluation), downloaded once by {@link Sst2} into {@code ~/.recurrent4j/data}.
 * A file of your own in SST-2's layout ({@code sentence<TAB>label} per line, a header line, labels
 * 0 and 1) can be given instead; a tenth of it, drawn at random, is then held out for evaluation.
 * The {@link Tokenizer} splits words and punctuation and lower-cases; the {@link WordVocabulary}
 * keeps the 20,000 most frequent training words seen at least twice; {@link
 * LabelledTextRecordReader} turns each example into its token indices and label.
 *
 * <p>Run it (after {@code ./mvnw -B -q -pl examples -am package -DskipTests}):
 *
 * <pre>
 * java -cp "examples/target/classes:$(cat examples/target/classpath.txt)" \
 *     org.recurrent4j.examples.quickstart.SentimentExample [FILE.tsv] [--epochs 1] [--train-rows 20000] [--hidden 128]
 * </pre>
 *
 * <p>Expected output: the numbers of examples and words, then after each epoch the training loss
 * and the held-out accuracy, where 0.5 is guessing. The defaults (20,000 training phrases, one
 * epoch) take a few minutes on 2 cores; {@code --train-rows 0} trains on every row. The {@code
 * sentiment} command of {@code ./recurrent4j}, with the same kind of network, reached 0.91 on a
 * re-split of SST-2's phrases (docs/data.md).
 */
public final class SentimentExample {

    private SentimentExample() {}

    public static void main(String[] args) {
        try {
            run(args);
        } catch (IOException e) {
            System.err.println(e.getMessage());
            System.exit(1);
        }
    }

    /** Trains and returns the accuracy on the held-out examples. */
    static double run(String... args) throws IOException {
        List<String> options = Arrays.asList(args);
        int epochs = option(options, "--epochs", 1);
        int trainRows = option(options, "--train-rows", 20_000);
        int hidden = option(options, "--hidden", 128);
        LabelledTextFiles layout = Sst2.files();
        List<LabelledText> train;
        List<LabelledText> test;
        Path file = dataFile(args);
        if (file == null) {
            Sst2 sst2 = new Sst2();
            train = new ArrayList<>(layout.read(sst2.train()));
            test = layout.read(sst2.dev());
        } else {
            List<LabelledText> all = new ArrayList<>(layout.read(file));
            Collections.shuffle(all, new Random(1));
            int held = Math.max(1, all.size() / 10);
            test = all.subList(0, held);
            train = new ArrayList<>(all.subList(held, all.size()));
        }
        // A random subset keeps the default run short; the order is shuffled either way.
        Collections.shuffle(train, new Random(2));
        if (trainRows > 0 && trainRows < train.size()) {
            train = train.subList(0, trainRows);
        }
        WordVocabulary vocabulary = WordVocabulary.builder(Tokenizer.standard())
                .minCount(2)
                .maxSize(20_000)
                .build(train.stream().map(LabelledText::text).toList());
        System.out.printf(
                "%,d training and %,d held-out examples; vocabulary of %,d words%n",
                train.size(), test.size(), vocabulary.size());

        ComputationGraph net = new ComputationGraph(new SequenceClassifier()
                .tokens(vocabulary.size(), 64)
                .cell(CellTypes.GRU)
                .hidden(hidden)
                .pooling(SequenceClassifier.Pooling.LAST)
                .classes(layout.labels().size())
                .updater(new Adam(0.005))
                .seed(3)
                .build());
        net.init();

        DataSetIterator trainBatches = batches(layout, vocabulary, train, 32);
        DataSetIterator testBatches = batches(layout, vocabulary, test, 256);
        RunResult result = TrainingRun.of(net)
                .data(trainBatches)
                .epochs(epochs)
                .evaluate(Interval.epochs(1), Metrics.accuracy(testBatches))
                .measureAtStart(false)
                .listener(new RunListener() {
                    @Override
                    public void measured(Measurement m) {
                        System.out.printf(
                                "epoch %d: training loss %.3f, held-out accuracy %.3f%n",
                                m.epoch(), net.score(), m.values().get("heldout_accuracy"));
                    }
                })
                .build()
                .train();
        double accuracy = result.lastMeasurement().get("heldout_accuracy");
        return accuracy;
    }

    /**
     * Mini-batches of token indices with the label of each example as a {@code [B, classes]} row.
     * The reader's iterator puts each label at the example's last token ({@code [B, classes, T]},
     * zero elsewhere); the classifier outputs one prediction per example, so the steps are summed
     * away and the label mask dropped. The feature mask stays: it tells the classifier where each
     * example's last real token is.
     */
    private static DataSetIterator batches(
            LabelledTextFiles layout, WordVocabulary vocabulary, List<LabelledText> texts, int batch)
            throws IOException {
        LabelledTextRecordReader reader = new LabelledTextRecordReader.Builder(layout, vocabulary)
                .maxLength(60)
                .build();
        reader.initialize(texts);
        DataSetIterator iterator = reader.iterator(batch);
        iterator.setPreProcessor(d -> {
            d.setLabels(d.getLabels().sum(2));
            d.setLabelsMaskArray(null);
        });
        return iterator;
    }

    /** The first argument that is neither an option nor an option's value, or null. */
    private static Path dataFile(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--")) {
                i++;
            } else {
                return Path.of(args[i]);
            }
        }
        return null;
    }

    private static int option(List<String> args, String name, int otherwise) {
        int i = args.indexOf(name);
        return i < 0 ? otherwise : Integer.parseInt(args.get(i + 1));
    }
}
