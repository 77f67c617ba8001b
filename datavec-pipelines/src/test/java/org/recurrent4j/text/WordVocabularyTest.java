package org.recurrent4j.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recurrent4j.text.Tokenizer.Punctuation;

class WordVocabularyTest {

    private static final List<String> TEXTS = List.of("the film was good", "The film was bad.", "good good fun");

    @TempDir
    Path dir;

    @Test
    void reservesPadAndUnkAndNumbersWordsByFrequencyThenText() {
        WordVocabulary v = WordVocabulary.builder(Tokenizer.standard()).build(TEXTS);
        assertEquals("<pad>", v.token(WordVocabulary.PAD));
        assertEquals("<unk>", v.token(WordVocabulary.UNK));
        // good 3; film, the, was 2; ".", bad, fun 1
        assertEquals(
                List.of("good", "film", "the", "was", ".", "bad", "fun"),
                List.of(v.token(2), v.token(3), v.token(4), v.token(5), v.token(6), v.token(7), v.token(8)));
        assertEquals(9, v.size());
        assertEquals(3, v.count(2));
        assertEquals(0, v.count(WordVocabulary.UNK));
    }

    @Test
    void minCountAndMaxSizeSendTheRestToUnk() {
        WordVocabulary v = WordVocabulary.builder(Tokenizer.standard())
                .minCount(2)
                .maxSize(4)
                .build(TEXTS);
        assertEquals(4, v.size(), "PAD, UNK, good, film");
        assertTrue(v.contains("film"));
        assertFalse(v.contains("the"));
        assertArrayEquals(new int[] {1, 3, 1, 2, 1}, v.encode("The film was good!"));
        assertEquals("<unk> film <unk> good <unk>", v.decode(v.encode("The film was good!")));
    }

    @Test
    void fromCountsIsTheVocabularyOfTheTextsCounted() {
        List<String> texts = List.of("The film, the film!", "a film", "The end");
        WordVocabulary.Builder builder =
                WordVocabulary.builder(Tokenizer.standard()).minCount(2).maxSize(4);
        Map<String, Long> counts = new HashMap<>();
        for (String text : texts) {
            for (String token : Tokenizer.standard().tokenize(text)) {
                counts.merge(token, 1L, Long::sum);
            }
        }
        assertEquals(builder.build(texts), builder.fromCounts(counts));
        IllegalArgumentException zero =
                assertThrows(IllegalArgumentException.class, () -> builder.fromCounts(Map.of("film", 0L)));
        assertEquals("token \"film\": a count must be at least 1, got 0", zero.getMessage());
    }

    @Test
    void refusesToBuildFromNothing() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> WordVocabulary.builder(Tokenizer.standard()).minCount(5).build(TEXTS));
        assertEquals("cannot build a word vocabulary: no word occurs at least 5 times; lower minCount", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> WordVocabulary.builder(Tokenizer.standard())
                .build(List.of("  ")));
    }

    @Test
    void savesAndLoadsWithItsTokenizer() throws IOException {
        Tokenizer tokenizer = Tokenizer.builder()
                .lowerCase(false)
                .punctuation(Punctuation.STRIP)
                .build();
        WordVocabulary v = WordVocabulary.builder(tokenizer).build(List.of("Été <pad> naïve 東京 ok ok"));
        Path file = dir.resolve("model/words.txt");
        v.save(file);
        List<String> lines = Files.readAllLines(file);
        assertEquals(WordVocabulary.HEADER, lines.get(0));
        assertEquals("tokenizer lowercase=false punctuation=STRIP", lines.get(1));
        assertEquals("<pad>\t0", lines.get(2));
        WordVocabulary loaded = WordVocabulary.load(file);
        assertEquals(v, loaded);
        assertEquals(tokenizer, loaded.tokenizer());
        assertArrayEquals(v.encode("ok Été pad 東京"), loaded.encode("ok Été pad 東京"));
        try (var files = Files.list(file.getParent())) {
            assertEquals(1, files.count(), "no temporary file left");
        }
    }

    @Test
    void rejectsAFileOfAnotherVersionOrFormat() throws IOException {
        Path file = dir.resolve("v2.txt");
        Files.writeString(file, "recurrent4j-word-vocabulary 2\ntokenizer lowercase=true punctuation=SEPARATE\n");
        IOException e = assertThrows(IOException.class, () -> WordVocabulary.load(file));
        assertTrue(
                e.getMessage().startsWith(file + ":1: word vocabulary format version \"2\" is not supported"),
                e.getMessage());

        Files.writeString(file, "recurrent4j-char-vocabulary 1\nU+0041\n");
        e = assertThrows(IOException.class, () -> WordVocabulary.load(file));
        assertTrue(e.getMessage().contains(":1: not a recurrent4j word vocabulary"), e.getMessage());
    }

    @Test
    void rejectsDamagedEntriesWithTheLine() throws IOException {
        String head = WordVocabulary.HEADER + "\ntokenizer lowercase=true punctuation=SEPARATE\n";
        Path file = dir.resolve("bad.txt");
        Files.writeString(file, head + "<pad>\t0\n<unk>\t0\ngood 3\n");
        IOException e = assertThrows(IOException.class, () -> WordVocabulary.load(file));
        assertEquals(file + ":5: expected \"token<TAB>count\", got \"good 3\"", e.getMessage());

        Files.writeString(file, head + "<unk>\t0\n<pad>\t0\ngood\t3\n");
        e = assertThrows(IOException.class, () -> WordVocabulary.load(file));
        assertTrue(e.getMessage().startsWith(file + ":3: entry 0 must be <pad>"), e.getMessage());

        Files.writeString(file, head + "<pad>\t0\n<unk>\t0\ngood\t3\ngood\t2\n");
        e = assertThrows(IOException.class, () -> WordVocabulary.load(file));
        assertTrue(e.getMessage().contains("a token appears twice"), e.getMessage());

        Files.write(file, new byte[] {'r', (byte) 0xC3, (byte) 0x28});
        e = assertThrows(IOException.class, () -> WordVocabulary.load(file));
        assertTrue(e.getMessage().contains("invalid bytes at byte offset 1"), e.getMessage());
    }
}
