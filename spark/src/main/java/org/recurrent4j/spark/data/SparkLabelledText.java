package org.recurrent4j.spark.data;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.datavec.api.split.CollectionInputSplit;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.recurrent4j.text.LabelledText;
import org.recurrent4j.text.LabelledTextFiles;
import org.recurrent4j.text.LabelledTextRecordReader;
import org.recurrent4j.text.Tokenizer;
import org.recurrent4j.text.WordVocabulary;

/**
 * Labelled text files read on a Spark cluster by the project's own readers: every executor reads
 * its share of the files with {@link LabelledTextFiles} and encodes them with {@link
 * LabelledTextRecordReader} and one broadcast {@link WordVocabulary}, exactly as a single machine
 * does, so a batch on Spark is the batch the reader gives locally.
 *
 * <p>The files are divided among the partitions whole (a file is one partition's), in the given
 * order; split a large corpus into several files (for example with {@code split -l}) so that every
 * executor has some. Every executor must be able to open the files at their URI ({@code file:} on
 * a shared file system, or any scheme Java's {@code URL} opens).
 *
 * <p>Batches: features {@code [B, 1, T]} (token indices) with a mask, and labels either {@code [B,
 * C, T]} at each example's last token with a mask ({@link LabelledTextRecordReader#iterator}) or
 * {@code [B, C]} (see {@link LabelLayout}); each partition makes its own batches, so T is the longest
 * example of each batch.
 *
 * <pre>{@code
 * LabelledTextFiles tsv = LabelledTextFiles.tsv().header(true).labels("0", "1").build();
 * SparkLabelledText train = new SparkLabelledText(sc, tsv, trainFiles, 8);
 * WordVocabulary vocabulary = train.vocabulary(Tokenizer.standard(), 2, 20_000);  // counted on the executors
 * Broadcast<WordVocabulary> words = sc.broadcast(vocabulary);
 * JavaRDD<DataSet> batches = train.batches(words, 60, 32, LabelLayout.PER_SEQUENCE).cache();
 * }</pre>
 */
public final class SparkLabelledText {

    private final JavaSparkContext sc;
    private final LabelledTextFiles layout;
    private final List<URI> files;
    private final int partitions;

    /**
     * @param layout how the files are laid out and their labels
     * @param files the files, read in this order
     * @param partitions how many partitions to divide the files among (at most one per file)
     */
    public SparkLabelledText(JavaSparkContext sc, LabelledTextFiles layout, List<URI> files, int partitions) {
        this.sc = Objects.requireNonNull(sc, "sc");
        this.layout = Objects.requireNonNull(layout, "layout");
        this.files = List.copyOf(files);
        this.partitions = partitions;
        FilePartitions.groups(this.files, partitions);
    }

    /**
     * The vocabulary of the training text: each executor counts the tokens of its files, the
     * counts are summed, and the driver builds the vocabulary from them. Equal to {@code
     * WordVocabulary.builder(tokenizer).minCount(minCount).maxSize(maxSize).build(texts)} over all
     * the texts on one machine.
     */
    public WordVocabulary vocabulary(Tokenizer tokenizer, int minCount, int maxSize) {
        WordVocabulary.Builder builder =
                WordVocabulary.builder(tokenizer).minCount(minCount).maxSize(maxSize);
        LabelledTextFiles layout = this.layout;
        Map<String, Long> counts = FilePartitions.of(sc, files, partitions)
                .map(group -> {
                    Map<String, Long> partial = new HashMap<>();
                    for (LabelledText example : layout.read(new CollectionInputSplit(group))) {
                        for (String token : tokenizer.tokenize(example.text())) {
                            partial.merge(token, 1L, Long::sum);
                        }
                    }
                    return partial;
                })
                .reduce((a, b) -> {
                    Map<String, Long> sum = new HashMap<>(a);
                    b.forEach((token, count) -> sum.merge(token, count, Long::sum));
                    return sum;
                });
        return builder.fromCounts(counts);
    }

    /**
     * The mini-batches of the files, encoded on the executors with the broadcast vocabulary;
     * examples longer than {@code maxLength} tokens keep their first {@code maxLength}.
     */
    public JavaRDD<DataSet> batches(
            Broadcast<WordVocabulary> vocabulary, int maxLength, int batchSize, LabelLayout labels) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        LabelledTextFiles layout = this.layout;
        return FilePartitions.of(sc, files, partitions).mapPartitions((Iterator<List<URI>> groups) -> {
            List<DataSet> batches = new ArrayList<>();
            while (groups.hasNext()) {
                LabelledTextRecordReader reader = new LabelledTextRecordReader.Builder(layout, vocabulary.value())
                        .maxLength(maxLength)
                        .build();
                reader.initialize(new CollectionInputSplit(groups.next()));
                DataSetIterator iterator = reader.iterator(batchSize);
                while (iterator.hasNext()) {
                    DataSet batch = iterator.next();
                    labels.apply(batch);
                    batches.add(batch);
                }
            }
            return batches.iterator();
        });
    }
}
