package org.recurrent4j.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeTry;
import org.recurrent4j.fuzz.Fuzz;
import org.recurrent4j.fuzz.Mutation;
import org.recurrent4j.fuzz.Texts;

/**
 * Fuzzes the vocabulary files: saved {@link CharacterVocabulary} and {@link WordVocabulary} files,
 * mutated, load as a vocabulary that works (every index decodes, it saves and loads again the
 * same) or fail with an error naming the file.
 */
class VocabularyFilesFuzzTest {

    private Path dir;

    @BeforeTry
    void createFolder() {
        dir = Fuzz.temporaryFolder("vocabulary");
    }

    @AfterTry
    void deleteFolder() {
        Fuzz.delete(dir);
    }

    @Provide
    Arbitrary<String> text() {
        return Texts.text(40, "").filter(t -> !t.isEmpty());
    }

    @Provide
    Arbitrary<List<String>> texts() {
        return Texts.text(20, "").list().ofMinSize(1).ofMaxSize(6).filter(l -> l.stream()
                .anyMatch(t -> !Tokenizer.standard().tokenize(t).isEmpty()
                        && !Tokenizer.builder()
                                .punctuation(Tokenizer.Punctuation.STRIP)
                                .build()
                                .tokenize(t)
                                .isEmpty()));
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        return Mutation.some();
    }

    @Property(tries = 400)
    void characterVocabularyFilesLoadAsAWorkingVocabularyOrANamedError(
            @ForAll("text") String text, @ForAll("mutations") List<Mutation> mutations) throws IOException {
        CharacterVocabulary saved = CharacterVocabulary.of(text);
        Path file = dir.resolve("chars.txt");
        saved.save(file);
        Files.write(file, Mutation.applyAll(mutations, Files.readAllBytes(file)));
        Fuzz.Outcome<CharacterVocabulary> outcome = Fuzz.run(file.toString(), () -> CharacterVocabulary.load(file));
        Fuzz.count(outcome, 5);
        if (!outcome.succeeded()) {
            assertTrue(!mutations.isEmpty(), "a saved vocabulary was refused: " + outcome.error());
            return;
        }
        CharacterVocabulary loaded = outcome.value();
        if (mutations.isEmpty()) {
            assertEquals(saved, loaded);
        }
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < loaded.size(); i++) {
            int cp = loaded.codePoint(i);
            assertTrue(
                    Character.isValidCodePoint(cp) && !(cp >= 0xD800 && cp <= 0xDFFF),
                    "a character, not U+" + Integer.toHexString(cp));
            assertEquals(cp, loaded.character(i).codePointAt(0));
            all.append(loaded.character(i));
        }
        assertEquals(loaded.size(), loaded.encode(all, "all").length);
        Path again = dir.resolve("again.txt");
        loaded.save(again);
        assertEquals(loaded, CharacterVocabulary.load(again));
    }

    @Property(tries = 400)
    void wordVocabularyFilesLoadAsAWorkingVocabularyOrANamedError(
            @ForAll("texts") List<String> texts,
            @ForAll("mutations") List<Mutation> mutations,
            @ForAll boolean lowerCase,
            @ForAll Tokenizer.Punctuation punctuation,
            @ForAll @IntRange(min = 1, max = 2) int minCount)
            throws IOException {
        Tokenizer tokenizer = Tokenizer.builder()
                .lowerCase(lowerCase)
                .punctuation(punctuation)
                .build();
        WordVocabulary saved;
        try {
            saved = WordVocabulary.builder(tokenizer).minCount(minCount).build(texts);
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().startsWith("cannot build a word vocabulary"), e.getMessage());
            return;
        }
        Path file = dir.resolve("words.txt");
        saved.save(file);
        Files.write(file, Mutation.applyAll(mutations, Files.readAllBytes(file)));
        Fuzz.Outcome<WordVocabulary> outcome = Fuzz.run(file.toString(), () -> WordVocabulary.load(file));
        Fuzz.count(outcome, 5);
        if (!outcome.succeeded()) {
            assertTrue(!mutations.isEmpty(), "a saved vocabulary was refused: " + outcome.error());
            return;
        }
        WordVocabulary loaded = outcome.value();
        if (mutations.isEmpty()) {
            assertEquals(saved, loaded);
        }
        assertEquals("<pad>", loaded.token(WordVocabulary.PAD));
        assertEquals("<unk>", loaded.token(WordVocabulary.UNK));
        for (int i = 2; i < loaded.size(); i++) {
            String token = loaded.token(i);
            assertEquals(i, loaded.index(token), "each word has one index");
            assertTrue(loaded.count(i) >= 0);
        }
        for (String text : texts) {
            for (int index : loaded.encode(text)) {
                assertTrue(index >= 1 && index < loaded.size());
            }
        }
        Path again = dir.resolve("again.txt");
        loaded.save(again);
        assertEquals(loaded, WordVocabulary.load(again));
    }
}
