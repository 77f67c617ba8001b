package org.recurrent4j.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeTry;
import org.datavec.api.split.CollectionInputSplit;
import org.datavec.api.writable.Writable;
import org.recurrent4j.fuzz.Fuzz;
import org.recurrent4j.fuzz.Mutation;
import org.recurrent4j.fuzz.Texts;
import org.recurrent4j.text.CharacterSequenceRecordReader.Features;
import org.recurrent4j.text.CharacterSequenceRecordReader.Part;

/**
 * Fuzzes {@link CharacterSequenceRecordReader}: texts in one or two files, mutated, with any window
 * length and stride (up to {@link Integer#MAX_VALUE}) and any part — every window that fits is
 * given, each the text at its place, or an error names the file.
 */
class CharacterSequenceRecordReaderFuzzTest {

    private Path dir;

    @BeforeTry
    void createFolder() {
        dir = Fuzz.temporaryFolder("chars");
    }

    @AfterTry
    void deleteFolder() {
        Fuzz.delete(dir);
    }

    @Provide
    Arbitrary<Integer> sizes() {
        return Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.integers().between(1, 40)),
                Tuple.of(1, Arbitraries.integers().between(1, Integer.MAX_VALUE)),
                Tuple.of(1, Arbitraries.just(Integer.MAX_VALUE)));
    }

    @Provide
    Arbitrary<List<String>> texts() {
        return Texts.text(60, "").list().ofMinSize(1).ofMaxSize(2);
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        return Mutation.some();
    }

    @Property(tries = 300)
    void everyWindowThatFitsIsGivenAsTheTextAtItsPlace(
            @ForAll("texts") List<String> texts,
            @ForAll("mutations") List<Mutation> mutations,
            @ForAll("sizes") int length,
            @ForAll("sizes") int stride,
            @ForAll Part part,
            @ForAll @DoubleRange(min = 0.01, max = 0.99) double validation,
            @ForAll Features features,
            @ForAll boolean vocabularyFromTheMutatedText)
            throws IOException {
        List<URI> uris = new ArrayList<>();
        StringBuilder decoded = new StringBuilder();
        boolean utf8 = true;
        for (int i = 0; i < texts.size(); i++) {
            byte[] bytes = texts.get(i).getBytes(StandardCharsets.UTF_8);
            if (i == 0) {
                bytes = Mutation.applyAll(mutations, bytes);
            }
            Path file = Files.write(dir.resolve("text" + i + ".txt"), bytes);
            uris.add(file.toUri());
            String text = Texts.decode(bytes);
            utf8 &= text != null;
            decoded.append(text == null ? "" : text);
        }
        String all = String.join("", texts);
        String vocabularyText = vocabularyFromTheMutatedText && decoded.length() > 0 ? decoded.toString() : all;
        CharacterVocabulary vocabulary = CharacterVocabulary.of(vocabularyText.isEmpty() ? "a" : vocabularyText);
        CharacterSequenceRecordReader reader = new CharacterSequenceRecordReader.Builder(vocabulary)
                .length(length)
                .stride(stride)
                .features(features)
                .part(part, validation)
                .build();
        Fuzz.Outcome<Integer> outcome = Fuzz.run("text", () -> {
            reader.initialize(new CollectionInputSplit(uris));
            return reader.windows();
        });
        Fuzz.count(outcome, 5);
        if (!utf8) {
            assertNotNull(outcome.error(), "invalid UTF-8 was read");
            return;
        }
        int[] points = decoded.codePoints().toArray();
        boolean known = decoded.codePoints().allMatch(vocabulary::contains);
        long n = points.length;
        long cut = (long) Math.floor(n * (1 - validation));
        long from = part == Part.VALIDATION ? cut : 0;
        long to = part == Part.TRAINING ? cut : n;
        long partLength = to - from;
        long expected = !known || partLength < (long) length + 1 ? 0 : (partLength - length - 1) / stride + 1;
        if (!outcome.succeeded()) {
            assertEquals(0, expected, "the text holds windows, but: " + outcome.error());
            String message = outcome.error().getMessage();
            assertTrue(message.contains(dir.resolve("text0.txt").toString()) || message.contains("text1.txt"), message);
            return;
        }
        assertEquals(expected, outcome.value().longValue(), "windows of the part");
        int[] check = outcome.value() <= 3 ? new int[] {0, outcome.value() - 1} : new int[] {0, 1, outcome.value() - 1};
        for (int w : check) {
            List<List<Writable>> steps = reader.sequence(w);
            assertEquals(length, steps.size());
            long start = from + (long) w * stride;
            for (int t = 0; t < length; t++) {
                List<Writable> step = steps.get(t);
                int input = features == Features.INDEX ? step.get(0).toInt() : oneHot(step, vocabulary.size());
                assertEquals(vocabulary.index(points[(int) (start + t)]), input);
                assertEquals(
                        vocabulary.index(points[(int) (start + t + 1)]),
                        step.get(step.size() - 1).toInt());
            }
        }
    }

    private static int oneHot(List<Writable> step, int size) {
        assertEquals(size + 1, step.size());
        int hot = -1;
        for (int v = 0; v < size; v++) {
            if (step.get(v).toInt() == 1) {
                assertEquals(-1, hot, "one 1 per step");
                hot = v;
            }
        }
        return hot;
    }
}
