package org.recurrent4j.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Serializable;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.recurrent4j.io.AtomicFile;

/**
 * The words of a corpus, numbered for a token-level model, with the tokenizer that splits text into
 * them.
 *
 * <p>Index {@value #PAD} is reserved for padding and index {@value #UNK} for every token not in the
 * vocabulary; words follow from index 2, most frequent first (ties in {@link String} order, so the
 * same corpus always gives the same numbering). Words seen fewer than {@code minCount} times are
 * left out, and the vocabulary is cut to {@code maxSize} entries (the two reserved included): left
 * out words become {@code UNK} when text is encoded, which is the point of a vocabulary, not a loss
 * of data.
 *
 * <p>File format (UTF-8 text, written atomically): {@code recurrent4j-word-vocabulary 1} (format
 * and version), {@code tokenizer lowercase=… punctuation=…}, then one line per entry in index
 * order, {@code token<TAB>count}, starting with {@code <pad>} and {@code <unk>}. Tokens never
 * contain whitespace, so the file is unambiguous.
 *
 * <pre>{@code
 * WordVocabulary vocabulary = WordVocabulary.builder(Tokenizer.standard())
 *         .minCount(2).maxSize(20_000).build(trainingTexts);
 * int[] tokens = vocabulary.encode("A great film!");     // e.g. [5, 87, 23, 12]
 * vocabulary.save(Path.of("model-dir/words.txt"));
 * }</pre>
 */
public final class WordVocabulary implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The first line of a vocabulary file. */
    public static final String HEADER = "recurrent4j-word-vocabulary 1";

    /** The index of padding. */
    public static final int PAD = 0;

    /** The index of every token that is not in the vocabulary. */
    public static final int UNK = 1;

    private static final String PAD_TOKEN = "<pad>";
    private static final String UNK_TOKEN = "<unk>";

    private final Tokenizer tokenizer;
    private final List<String> tokens;
    private final long[] counts;
    private final Map<String, Integer> indexOf;

    private WordVocabulary(Tokenizer tokenizer, List<String> words, long[] counts) {
        this.tokenizer = tokenizer;
        this.tokens = Collections.unmodifiableList(new ArrayList<>(words));
        this.counts = counts;
        this.indexOf = new HashMap<>();
        for (int i = 2; i < words.size(); i++) {
            indexOf.put(words.get(i), i);
        }
    }

    public static Builder builder(Tokenizer tokenizer) {
        return new Builder(tokenizer);
    }

    /** Builds a {@link WordVocabulary} from training text. */
    public static final class Builder {
        private final Tokenizer tokenizer;
        private int minCount = 1;
        private int maxSize = Integer.MAX_VALUE;

        private Builder(Tokenizer tokenizer) {
            this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        }

        /** Words seen fewer times are left out (default 1: keep every word). */
        public Builder minCount(int minCount) {
            if (minCount < 1) {
                throw new IllegalArgumentException("minimum count must be at least 1, got " + minCount);
            }
            this.minCount = minCount;
            return this;
        }

        /** At most this many entries, PAD and UNK included (default: no limit). */
        public Builder maxSize(int maxSize) {
            if (maxSize < 3) {
                throw new IllegalArgumentException(
                        "maximum size must be at least 3 (PAD, UNK and one word), got " + maxSize);
            }
            this.maxSize = maxSize;
            return this;
        }

        /** The vocabulary of the tokens of {@code texts}. */
        public WordVocabulary build(Iterable<? extends CharSequence> texts) {
            Map<String, Long> frequency = new HashMap<>();
            for (CharSequence text : texts) {
                for (String token : tokenizer.tokenize(text)) {
                    frequency.merge(token, 1L, Long::sum);
                }
            }
            return fromCounts(frequency);
        }

        /**
         * The vocabulary of tokens counted elsewhere with this builder's tokenizer (for example on
         * the workers of a cluster, each over its part of the corpus): the same vocabulary as
         * {@link #build} gives on the whole corpus when the counts are the corpus' counts.
         *
         * @param frequency each token's number of occurrences (at least 1 each)
         */
        public WordVocabulary fromCounts(Map<String, Long> frequency) {
            for (Map.Entry<String, Long> e : frequency.entrySet()) {
                if (e.getValue() == null || e.getValue() < 1) {
                    throw new IllegalArgumentException(
                            "token \"" + e.getKey() + "\": a count must be at least 1, got " + e.getValue());
                }
            }
            List<Map.Entry<String, Long>> kept = new ArrayList<>();
            for (Map.Entry<String, Long> e : frequency.entrySet()) {
                if (e.getValue() >= minCount) {
                    kept.add(e);
                }
            }
            kept.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
            int words = (int) Math.min(kept.size(), (long) maxSize - 2);
            if (words == 0) {
                throw new IllegalArgumentException(
                        frequency.isEmpty()
                                ? "cannot build a word vocabulary: the texts have no tokens"
                                : "cannot build a word vocabulary: no word occurs at least " + minCount
                                        + " times; lower minCount");
            }
            List<String> tokens = new ArrayList<>(words + 2);
            long[] counts = new long[words + 2];
            tokens.add(PAD_TOKEN);
            tokens.add(UNK_TOKEN);
            for (int i = 0; i < words; i++) {
                tokens.add(kept.get(i).getKey());
                counts[i + 2] = kept.get(i).getValue();
            }
            return new WordVocabulary(tokenizer, tokens, counts);
        }
    }

    /** The tokenizer the vocabulary was built with; {@link #encode} uses it. */
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** The number of entries, PAD and UNK included: the input size of an embedding layer. */
    public int size() {
        return tokens.size();
    }

    /** Whether the word has an index of its own. */
    public boolean contains(String token) {
        return indexOf.containsKey(token);
    }

    /** The index of a token: its own, or {@link #UNK}. */
    public int index(String token) {
        return indexOf.getOrDefault(token, UNK);
    }

    /** The token at an index ({@code <pad>} and {@code <unk>} for the reserved ones). */
    public String token(int index) {
        if (index < 0 || index >= tokens.size()) {
            throw new IndexOutOfBoundsException(
                    "token index " + index + " outside the vocabulary [0, " + tokens.size() + ")");
        }
        return tokens.get(index);
    }

    /** How often the word at {@code index} occurred in the training text (0 for PAD and UNK). */
    public long count(int index) {
        token(index);
        return counts[index];
    }

    /** The indices of the tokens of {@code text}; unknown words become {@link #UNK}. */
    public int[] encode(CharSequence text) {
        return tokenizer.tokenize(text).stream().mapToInt(this::index).toArray();
    }

    /** The tokens of a sequence of indices, separated by spaces. */
    public String decode(int... indices) {
        StringBuilder sb = new StringBuilder();
        for (int i : indices) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(token(i));
        }
        return sb.toString();
    }

    /** Writes the vocabulary file atomically. */
    public void save(Path file) throws IOException {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        sb.append("tokenizer ").append(tokenizer.describe()).append('\n');
        for (int i = 0; i < tokens.size(); i++) {
            sb.append(tokens.get(i)).append('\t').append(counts[i]).append('\n');
        }
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        AtomicFile.writeStream(file, out -> out.write(bytes));
    }

    /** Reads a vocabulary file written by {@link #save}. */
    public static WordVocabulary load(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "word vocabulary file not found");
        }
        return parse(Utf8Text.decode(bytes, file.toString()), file.toString());
    }

    /**
     * Parses the text of a vocabulary file.
     *
     * @param source the file's name, for errors
     */
    public static WordVocabulary parse(String content, String source) throws IOException {
        BufferedReader reader = new BufferedReader(new StringReader(content));
        String header = reader.readLine();
        if (header == null || !header.startsWith("recurrent4j-word-vocabulary ")) {
            throw new IOException(source + ":1: not a recurrent4j word vocabulary (expected first line \"" + HEADER
                    + "\", got " + (header == null ? "an empty file" : "\"" + header + "\"") + ")");
        }
        if (!header.equals(HEADER)) {
            throw new IOException(source + ":1: word vocabulary format version \""
                    + header.substring("recurrent4j-word-vocabulary ".length())
                    + "\" is not supported by this version of recurrent4j, which reads version 1. Rebuild the"
                    + " vocabulary (and the model) with this version.");
        }
        String settings = reader.readLine();
        if (settings == null || !settings.startsWith("tokenizer ")) {
            throw new IOException(source + ":2: expected the tokenizer settings (\"tokenizer lowercase=..."
                    + " punctuation=...\"), got "
                    + (settings == null ? "the end of the file" : "\"" + settings + "\""));
        }
        Tokenizer tokenizer;
        try {
            tokenizer = Tokenizer.parse(settings.substring("tokenizer ".length()));
        } catch (IllegalArgumentException e) {
            throw new IOException(source + ":2: " + e.getMessage());
        }
        List<String> tokens = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        String line;
        int lineNumber = 2;
        while ((line = reader.readLine()) != null) {
            lineNumber++;
            int tab = line.indexOf('\t');
            if (tab <= 0 || !line.substring(tab + 1).matches("[0-9]{1,18}")) {
                throw new IOException(
                        source + ":" + lineNumber + ": expected \"token<TAB>count\", got \"" + line + "\"");
            }
            String token = line.substring(0, tab);
            int index = tokens.size();
            String reserved = index == PAD ? PAD_TOKEN : index == UNK ? UNK_TOKEN : null;
            if (reserved != null && !token.equals(reserved)) {
                throw new IOException(source + ":" + lineNumber + ": entry " + index + " must be " + reserved
                        + ", got \"" + token + "\"; the file was edited or is damaged");
            }
            if (token.codePoints().anyMatch(Character::isWhitespace)) {
                throw new IOException(source + ":" + lineNumber + ": token \"" + token + "\" contains whitespace");
            }
            tokens.add(token);
            counts.add(Long.parseLong(line.substring(tab + 1)));
        }
        if (tokens.size() < 3) {
            throw new IOException(
                    source + ": the vocabulary has no words (only " + tokens.size() + " of the reserved entries)");
        }
        if (tokens.subList(2, tokens.size()).stream().distinct().count() != tokens.size() - 2) {
            throw new IOException(source + ": a token appears twice; the file was edited or is damaged");
        }
        return new WordVocabulary(
                tokenizer, tokens, counts.stream().mapToLong(Long::longValue).toArray());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WordVocabulary v
                && v.tokenizer.equals(tokenizer)
                && v.tokens.equals(tokens)
                && Arrays.equals(v.counts, counts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tokenizer, tokens);
    }

    @Override
    public String toString() {
        return "WordVocabulary(" + size() + " entries, " + tokenizer.describe() + ")";
    }
}
