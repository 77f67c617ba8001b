package org.recurrent4j.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CharacterVocabularyTest {

    @Test
    void numbersCodePointsInAscendingOrder() {
        CharacterVocabulary v = CharacterVocabulary.of("banana");
        assertEquals(3, v.size());
        assertEquals("abn", v.decode(0, 1, 2));
        assertArrayEquals(new int[] {1, 0, 2, 0, 2, 0}, v.encode("banana", "test"));
        assertEquals(v, CharacterVocabulary.of("nab"), "the numbering does not depend on the order of the text");
    }

    @Test
    void charactersOutsideTheBmpCountOnce() {
        String text = "雨が降る 🌧️ rain";
        CharacterVocabulary v = CharacterVocabulary.of(text);
        int[] encoded = v.encode(text, "test");
        assertEquals(text.codePointCount(0, text.length()), encoded.length);
        assertEquals(text, v.decode(encoded));
        assertTrue(v.contains("🌧".codePointAt(0)));
    }

    @Test
    void unknownCharacterNamesSourceAndOffset() {
        CharacterVocabulary v = CharacterVocabulary.of("abc");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> v.encode("abxc", "notes.txt"));
        assertTrue(
                e.getMessage().contains("notes.txt")
                        && e.getMessage().contains("U+0078")
                        && e.getMessage().contains("offset 2"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CharacterVocabulary.of(""));
    }

    @Test
    void savesAndLoadsAtomically(@TempDir Path dir) throws IOException {
        CharacterVocabulary v = CharacterVocabulary.of("Hello, 世界!\n\t");
        Path file = dir.resolve("sub/vocabulary.txt");
        v.save(file);
        assertEquals(v, CharacterVocabulary.load(file));
        assertTrue(Files.readString(file).startsWith(CharacterVocabulary.HEADER + "\n"));
        try (var files = Files.list(file.getParent())) {
            assertEquals(1, files.count(), "no temporary file is left next to the vocabulary");
        }
    }

    @Test
    void rejectsOtherVersionsAndDamagedFiles(@TempDir Path dir) throws IOException {
        Path future = dir.resolve("future.txt");
        Files.writeString(future, "recurrent4j-char-vocabulary 2\nU+0061\n");
        IOException e = assertThrows(IOException.class, () -> CharacterVocabulary.load(future));
        assertTrue(e.getMessage().contains("version \"2\"") && e.getMessage().contains(":1:"), e.getMessage());

        Path other = dir.resolve("other.txt");
        Files.writeString(other, "a\nb\n");
        e = assertThrows(IOException.class, () -> CharacterVocabulary.load(other));
        assertTrue(e.getMessage().contains("not a recurrent4j character vocabulary"), e.getMessage());

        Path damaged = dir.resolve("damaged.txt");
        Files.writeString(damaged, CharacterVocabulary.HEADER + "\nU+0062\nU+0061\n");
        e = assertThrows(IOException.class, () -> CharacterVocabulary.load(damaged));
        assertTrue(e.getMessage().contains(":3:") && e.getMessage().contains("ascending"), e.getMessage());

        Path garbage = dir.resolve("garbage.txt");
        Files.writeString(garbage, CharacterVocabulary.HEADER + "\nhello\n");
        e = assertThrows(IOException.class, () -> CharacterVocabulary.load(garbage));
        assertTrue(e.getMessage().contains(":2:"), e.getMessage());
    }

    // found by VocabularyFilesFuzzTest: the decoding error named no file, and code points past
    // U+10FFFF or surrogates were accepted, to fail later far from the file
    @Test
    void invalidUtf8AndNonCharactersNameTheFile(@TempDir Path dir) throws IOException {
        Path flipped = dir.resolve("flipped.txt");
        Files.write(flipped, (CharacterVocabulary.HEADER + "\nU+0061\n").getBytes(StandardCharsets.UTF_8));
        byte[] bytes = Files.readAllBytes(flipped);
        bytes[bytes.length - 2] = (byte) 0xE1;
        Files.write(flipped, bytes);
        IOException e = assertThrows(IOException.class, () -> CharacterVocabulary.load(flipped));
        assertEquals(
                flipped + ": not UTF-8 text: invalid bytes at byte offset 35; convert the file to UTF-8",
                e.getMessage());

        for (String line : new String[] {"U+110000", "U+D800", "U+DFFF"}) {
            Path beyond = dir.resolve("beyond.txt");
            Files.writeString(beyond, CharacterVocabulary.HEADER + "\nU+0061\n" + line + "\n");
            e = assertThrows(IOException.class, () -> CharacterVocabulary.load(beyond));
            assertTrue(
                    e.getMessage().startsWith(beyond + ":3: " + line + " is not a Unicode character"), e.getMessage());
        }
    }
}
