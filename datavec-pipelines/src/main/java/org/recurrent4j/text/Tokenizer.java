package org.recurrent4j.text;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Splits text into word tokens for a {@link WordVocabulary}.
 *
 * <p>Text is split at Unicode whitespace. Optionally it is lower-cased first (by Unicode rules,
 * {@link Locale#ROOT}, so the result does not depend on the machine's locale), and punctuation
 * (Unicode categories P* and S*, such as {@code . , ! ? ' " ( ) - $}) is
 * <ul>
 *   <li>{@link Punctuation#SEPARATE}: split off as tokens of its own ({@code "great!" → great, !}),
 *   <li>{@link Punctuation#STRIP}: removed ({@code "great!" → great}), or
 *   <li>{@link Punctuation#KEEP}: left where it is ({@code "great!" → great!}).
 * </ul>
 * Letters, digits and marks of every script are word characters, so Chinese, accented or
 * Cyrillic text tokenizes at whitespace and punctuation like English. A run of punctuation keeps
 * apostrophes inside words ({@code don't}, {@code l'homme}) with {@code SEPARATE} and {@code
 * STRIP}, because splitting them produces fragments that no vocabulary handles well.
 *
 * <p>The settings are written into the vocabulary file, so a model is always fed text tokenized
 * the way its vocabulary was built. (DL4J's tokenizers live in {@code deeplearning4j-nlp}, a large
 * dependency whose default tokenizer splits at whitespace only; this class is the part needed.)
 *
 * <pre>{@code
 * Tokenizer tokenizer = Tokenizer.builder().lowerCase(true).punctuation(Punctuation.SEPARATE).build();
 * tokenizer.tokenize("A great, GREAT film!");   // [a, great, ",", great, film, !]
 * }</pre>
 */
public final class Tokenizer implements Serializable {

    private static final long serialVersionUID = 1L;

    /** What to do with punctuation and symbols. */
    public enum Punctuation {
        /** Each punctuation character becomes a token of its own. */
        SEPARATE,
        /** Punctuation is removed. */
        STRIP,
        /** Punctuation stays part of the word it touches; only whitespace splits. */
        KEEP
    }

    private final boolean lowerCase;
    private final Punctuation punctuation;

    private Tokenizer(boolean lowerCase, Punctuation punctuation) {
        this.lowerCase = lowerCase;
        this.punctuation = Objects.requireNonNull(punctuation, "punctuation");
    }

    /** Lower-casing on, punctuation as separate tokens. */
    public static Tokenizer standard() {
        return new Tokenizer(true, Punctuation.SEPARATE);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link Tokenizer}; defaults as {@link #standard()}. */
    public static final class Builder {
        private boolean lowerCase = true;
        private Punctuation punctuation = Punctuation.SEPARATE;

        public Builder lowerCase(boolean lowerCase) {
            this.lowerCase = lowerCase;
            return this;
        }

        public Builder punctuation(Punctuation punctuation) {
            this.punctuation = punctuation;
            return this;
        }

        public Tokenizer build() {
            return new Tokenizer(lowerCase, punctuation);
        }
    }

    public boolean lowerCase() {
        return lowerCase;
    }

    public Punctuation punctuation() {
        return punctuation;
    }

    /** The tokens of a text, in order; empty for text with no word or kept punctuation. */
    public List<String> tokenize(CharSequence text) {
        String s = lowerCase ? text.toString().toLowerCase(Locale.ROOT) : text.toString();
        List<String> tokens = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        int[] points = s.codePoints().toArray();
        for (int i = 0; i < points.length; i++) {
            int cp = points[i];
            if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
                flush(word, tokens);
            } else if (punctuation != Punctuation.KEEP && isPunctuation(cp) && !isInnerApostrophe(points, i)) {
                flush(word, tokens);
                if (punctuation == Punctuation.SEPARATE) {
                    tokens.add(new String(Character.toChars(cp)));
                }
            } else {
                word.appendCodePoint(cp);
            }
        }
        flush(word, tokens);
        return tokens;
    }

    private static void flush(StringBuilder word, List<String> tokens) {
        if (word.length() > 0) {
            tokens.add(word.toString());
            word.setLength(0);
        }
    }

    private static boolean isPunctuation(int cp) {
        return switch (Character.getType(cp)) {
            case Character.CONNECTOR_PUNCTUATION,
                    Character.DASH_PUNCTUATION,
                    Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION,
                    Character.INITIAL_QUOTE_PUNCTUATION,
                    Character.FINAL_QUOTE_PUNCTUATION,
                    Character.OTHER_PUNCTUATION,
                    Character.MATH_SYMBOL,
                    Character.CURRENCY_SYMBOL,
                    Character.MODIFIER_SYMBOL,
                    Character.OTHER_SYMBOL -> true;
            default -> false;
        };
    }

    private static boolean isInnerApostrophe(int[] points, int i) {
        int cp = points[i];
        return (cp == '\'' || cp == '\u2019')
                && i > 0
                && i + 1 < points.length
                && Character.isLetter(points[i - 1])
                && Character.isLetter(points[i + 1]);
    }

    /** The settings as written in a vocabulary file, e.g. {@code lowercase=true punctuation=SEPARATE}. */
    public String describe() {
        return "lowercase=" + lowerCase + " punctuation=" + punctuation;
    }

    /**
     * Parses {@link #describe()}'s form.
     *
     * @throws IllegalArgumentException for any other text
     */
    public static Tokenizer parse(String description) {
        String[] parts = description.trim().split(" ");
        if (parts.length != 2 || !parts[0].matches("lowercase=(true|false)") || !parts[1].startsWith("punctuation=")) {
            throw new IllegalArgumentException("expected tokenizer settings as \"lowercase=true|false"
                    + " punctuation=SEPARATE|STRIP|KEEP\", got \"" + description + "\"");
        }
        String mode = parts[1].substring("punctuation=".length());
        try {
            return new Tokenizer(Boolean.parseBoolean(parts[0].substring(10)), Punctuation.valueOf(mode));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "unknown punctuation mode \"" + mode + "\" (expected SEPARATE, STRIP or KEEP)");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tokenizer t && t.lowerCase == lowerCase && t.punctuation == punctuation;
    }

    @Override
    public int hashCode() {
        return Objects.hash(lowerCase, punctuation);
    }

    @Override
    public String toString() {
        return "Tokenizer(" + describe() + ")";
    }
}
