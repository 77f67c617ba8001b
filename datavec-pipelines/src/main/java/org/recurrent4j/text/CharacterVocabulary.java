package org.recurrent4j.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import org.recurrent4j.io.AtomicFile;

/**
 * The characters of a text, numbered for a character-level model.
 *
 * <p>Characters are Unicode code points (so text outside the Basic Multilingual Plane, such as
 * emoji, counts one character each), numbered in ascending code-point order: the same text always
 * gives the same numbering, whatever order it was read in. A character that is not in the
 * vocabulary is an error that names where it was found; a model cannot embed what it never saw.
 *
 * <p>File format (UTF-8 text, written atomically): a first line {@code recurrent4j-char-vocabulary
 * 1} (format and version), then one line per character in index order, as {@code U+XXXX}.
 *
 * <pre>{@code
 * CharacterVocabulary vocab = CharacterVocabulary.of(text);
 * int[] indices = vocab.encode(text, "input.txt");
 * vocab.save(Path.of("model-dir/vocabulary.txt"));
 * }</pre>
 */
public final class CharacterVocabulary {

    /** The first line of a vocabulary file. */
    public static final String HEADER = "recurrent4j-char-vocabulary 1";

    private final int[] codePoints;
    private final Map<Integer, Integer> indexOf;

    private CharacterVocabulary(int[] codePoints) {
        this.codePoints = codePoints;
        this.indexOf = new HashMap<>();
        for (int i = 0; i < codePoints.length; i++) {
            indexOf.put(codePoints[i], i);
        }
    }

    /** The vocabulary of every character that occurs in {@code text}. */
    public static CharacterVocabulary of(CharSequence text) {
        TreeSet<Integer> set = new TreeSet<>();
        text.codePoints().forEach(set::add);
        if (set.isEmpty()) {
            throw new IllegalArgumentException("Cannot build a character vocabulary from empty text");
        }
        return new CharacterVocabulary(set.stream().mapToInt(Integer::intValue).toArray());
    }

    /** The number of characters. */
    public int size() {
        return codePoints.length;
    }

    /** Whether the code point is in the vocabulary. */
    public boolean contains(int codePoint) {
        return indexOf.containsKey(codePoint);
    }

    /** The index of a code point; an unknown one is an {@link IllegalArgumentException}. */
    public int index(int codePoint) {
        Integer i = indexOf.get(codePoint);
        if (i == null) {
            throw new IllegalArgumentException("Character " + describe(codePoint) + " is not in the vocabulary");
        }
        return i;
    }

    /** The code point at an index. */
    public int codePoint(int index) {
        if (index < 0 || index >= codePoints.length) {
            throw new IndexOutOfBoundsException(
                    "Character index " + index + " outside the vocabulary [0, " + codePoints.length + ")");
        }
        return codePoints[index];
    }

    /** The character at an index, as a string (one or two UTF-16 chars). */
    public String character(int index) {
        return new String(Character.toChars(codePoint(index)));
    }

    /**
     * The indices of every character of {@code text}.
     *
     * @param source where the text comes from, named in the error for an unknown character
     * @throws IllegalArgumentException naming the source, the character offset and the character,
     *     for a character not in the vocabulary
     */
    public int[] encode(CharSequence text, String source) {
        int[] points = text.codePoints().toArray();
        int[] indices = new int[points.length];
        for (int i = 0; i < points.length; i++) {
            Integer index = indexOf.get(points[i]);
            if (index == null) {
                throw new IllegalArgumentException(
                        source + ": character " + describe(points[i]) + " at character offset "
                                + i + " is not in the vocabulary of " + size()
                                + " characters. Use a vocabulary built from text that contains it.");
            }
            indices[i] = index;
        }
        return indices;
    }

    /** The text of a sequence of indices. */
    public String decode(int... indices) {
        StringBuilder sb = new StringBuilder();
        for (int i : indices) {
            sb.appendCodePoint(codePoint(i));
        }
        return sb.toString();
    }

    /** Writes the vocabulary file atomically. */
    public void save(Path file) throws IOException {
        byte[] bytes = fileText().getBytes(StandardCharsets.UTF_8);
        AtomicFile.writeStream(file, out -> out.write(bytes));
    }

    /** The text of the vocabulary file ({@link #parse} reads it back). */
    public String fileText() {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (int cp : codePoints) {
            sb.append(String.format("U+%04X", cp)).append('\n');
        }
        return sb.toString();
    }

    /** Reads a vocabulary file written by {@link #save}. */
    public static CharacterVocabulary load(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "vocabulary file not found");
        }
        return parse(Utf8Text.decode(bytes, file.toString()), file.toString());
    }

    /**
     * Parses the text of a vocabulary file.
     *
     * @param source the file's name, for errors
     */
    public static CharacterVocabulary parse(String content, String source) throws IOException {
        BufferedReader reader = new BufferedReader(new StringReader(content));
        String header = reader.readLine();
        if (header == null || !header.startsWith("recurrent4j-char-vocabulary ")) {
            throw new IOException(source + ":1: not a recurrent4j character vocabulary (expected first line \"" + HEADER
                    + "\", got " + (header == null ? "an empty file" : "\"" + header + "\"") + ")");
        }
        if (!header.equals(HEADER)) {
            throw new IOException(source + ":1: vocabulary format version \"" + header.substring(28)
                    + "\" is not supported by this version of recurrent4j, which reads version 1. Rebuild the"
                    + " vocabulary (and the model) with this version.");
        }
        int[] points = new int[16];
        int count = 0;
        String line;
        int lineNumber = 1;
        while ((line = reader.readLine()) != null) {
            lineNumber++;
            if (!line.matches("U\\+[0-9A-F]{4,6}")) {
                throw new IOException(
                        source + ":" + lineNumber + ": expected a character as U+XXXX, got \"" + line + "\"");
            }
            int codePoint = Integer.parseInt(line.substring(2), 16);
            if (!Character.isValidCodePoint(codePoint) || codePoint >= 0xD800 && codePoint <= 0xDFFF) {
                throw new IOException(source + ":" + lineNumber + ": " + line + " is not a Unicode character (code"
                        + " points go to U+10FFFF, and U+D800..U+DFFF are surrogates, not characters)");
            }
            if (count == points.length) {
                points = Arrays.copyOf(points, count * 2);
            }
            points[count++] = codePoint;
        }
        if (count == 0) {
            throw new IOException(source + ": the vocabulary has no characters");
        }
        int[] result = Arrays.copyOf(points, count);
        for (int i = 1; i < count; i++) {
            if (result[i] <= result[i - 1]) {
                throw new IOException(source + ":" + (i + 2) + ": characters must be in ascending order without"
                        + " repeats; the file was edited or is damaged");
            }
        }
        return new CharacterVocabulary(result);
    }

    private static String describe(int codePoint) {
        String shown = Character.isISOControl(codePoint) || Character.isWhitespace(codePoint)
                ? ""
                : " '" + new String(Character.toChars(codePoint)) + "'";
        return String.format("U+%04X", codePoint) + shown;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CharacterVocabulary other && Arrays.equals(codePoints, other.codePoints);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(codePoints);
    }

    @Override
    public String toString() {
        return "CharacterVocabulary(" + size() + " characters)";
    }
}
