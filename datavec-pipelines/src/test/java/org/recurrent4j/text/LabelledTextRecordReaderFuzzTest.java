package org.recurrent4j.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeTry;
import org.datavec.api.split.FileSplit;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.recurrent4j.fuzz.Fuzz;
import org.recurrent4j.fuzz.Mutation;
import org.recurrent4j.fuzz.Texts;
import org.recurrent4j.text.LabelledTextRecordReader.Truncation;

/**
 * Fuzzes {@link LabelledTextRecordReader} over mutated TSV corpora and vocabularies built from
 * other text: every example read by the corpus is a sequence (cut to the maximum length, counted
 * as truncated) or counted as skipped, and DataVec's iterator gives each of them once, with its
 * tokens under the mask; or an error names the file.
 */
class LabelledTextRecordReaderFuzzTest {

    private static final List<String> LABELS = List.of("neg", "pos");

    private Path dir;

    @BeforeTry
    void createFolder() {
        dir = Fuzz.temporaryFolder("reader");
    }

    @AfterTry
    void deleteFolder() {
        Fuzz.delete(dir);
    }

    @Provide
    Arbitrary<List<String>> rows() {
        return Combinators.combine(Texts.text(12, "\t\n\r"), Arbitraries.of(LABELS))
                .as((text, label) -> text + "\t" + label)
                .list()
                .ofMinSize(1)
                .ofMaxSize(10);
    }

    @Provide
    Arbitrary<List<String>> vocabularyTexts() {
        return Texts.text(15, "").list().ofMinSize(1).ofMaxSize(5).map(l -> {
            List<String> texts = new ArrayList<>(l);
            texts.add("film"); // a vocabulary needs a word
            return texts;
        });
    }

    @Provide
    Arbitrary<Integer> maxLength() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.integers().between(1, 12)), Tuple.of(1, Arbitraries.just(Integer.MAX_VALUE)));
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        return Mutation.some();
    }

    @Property(tries = 150)
    void everyExampleIsASequenceOrCountedAsSkipped(
            @ForAll("rows") List<String> rows,
            @ForAll("mutations") List<Mutation> mutations,
            @ForAll("vocabularyTexts") List<String> vocabularyTexts,
            @ForAll("maxLength") int maxLength,
            @ForAll Truncation truncation,
            @ForAll boolean skipEmpty,
            @ForAll boolean shuffle,
            @ForAll @IntRange(min = 1, max = 4) int batch)
            throws IOException {
        byte[] bytes = Mutation.applyAll(mutations, (String.join("\n", rows) + "\n").getBytes(StandardCharsets.UTF_8));
        Path file = Files.write(dir.resolve("corpus.tsv"), bytes);
        WordVocabulary vocabulary = WordVocabulary.builder(Tokenizer.standard()).build(vocabularyTexts);
        LabelledTextFiles files =
                LabelledTextFiles.tsv().labels(LABELS).skipEmpty(skipEmpty).build();
        LabelledTextRecordReader.Builder builder = new LabelledTextRecordReader.Builder(files, vocabulary)
                .maxLength(maxLength)
                .truncation(truncation);
        if (shuffle) {
            builder.shuffle(mutations.size());
        }
        LabelledTextRecordReader reader = builder.build();
        Fuzz.Outcome<Integer> outcome = Fuzz.run(file.toString(), () -> {
            reader.initialize(new FileSplit(file.toFile()));
            return reader.sequences();
        });
        Fuzz.count(outcome, 5);

        // what the corpus alone reads, to compare with
        LabelledTextFiles alone =
                LabelledTextFiles.tsv().labels(LABELS).skipEmpty(skipEmpty).build();
        List<LabelledText> examples;
        try {
            examples = alone.read(file);
        } catch (IOException e) {
            assertTrue(!outcome.succeeded(), "the reader read a corpus that does not read: " + e);
            return;
        }
        List<Integer> lengths = new ArrayList<>();
        long noTokens = 0;
        long longer = 0;
        for (LabelledText example : examples) {
            int tokens = vocabulary.encode(example.text()).length;
            if (tokens == 0) {
                noTokens++;
            } else {
                lengths.add(Math.min(tokens, maxLength));
                longer += tokens > maxLength ? 1 : 0;
            }
        }
        if (!outcome.succeeded()) {
            assertTrue(noTokens > 0 && !skipEmpty || lengths.isEmpty(), "refused: " + outcome.error());
            return;
        }
        assertEquals(examples.size() + alone.skipped(), reader.sequences() + reader.skipped(), "in = out + skipped");
        assertEquals(longer, reader.truncated());
        List<Integer> read = new ArrayList<>();
        for (int i = 0; i < reader.sequences(); i++) {
            read.add(reader.sequence(i).size());
        }
        assertEquals(lengths.stream().sorted().toList(), read.stream().sorted().toList());

        DataSetIterator iterator = reader.iterator(batch);
        List<Integer> masked = new ArrayList<>();
        while (iterator.hasNext()) {
            DataSet data = iterator.next();
            long examplesInBatch = data.getFeatures().size(0);
            for (int b = 0; b < examplesInBatch; b++) {
                masked.add(
                        data.getFeaturesMaskArray() == null
                                ? (int) data.getFeatures().size(2)
                                : data.getFeaturesMaskArray()
                                        .getRow(b)
                                        .sumNumber()
                                        .intValue());
                assertEquals(
                        1,
                        data.getLabelsMaskArray() == null
                                ? 1
                                : data.getLabelsMaskArray()
                                        .getRow(b)
                                        .sumNumber()
                                        .intValue(),
                        "one label per example");
            }
        }
        assertEquals(read, masked, "the iterator gives every sequence once, its tokens under the mask");
    }
}
