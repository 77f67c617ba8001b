package org.recurrent4j.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.recurrent4j.text.Tokenizer.Punctuation;

class TokenizerTest {

    @Test
    void separatesPunctuationAndLowerCases() {
        assertEquals(
                List.of("a", "great", ",", "great", "film", "!"),
                Tokenizer.standard().tokenize("A great, GREAT film!"));
    }

    @Test
    void stripsOrKeepsPunctuationAndCaseAsConfigured() {
        Tokenizer strip = Tokenizer.builder().punctuation(Punctuation.STRIP).build();
        assertEquals(List.of("it", "s", "ok"), strip.tokenize("(it) -- \"s\" ok..."));
        Tokenizer keep = Tokenizer.builder()
                .lowerCase(false)
                .punctuation(Punctuation.KEEP)
                .build();
        assertEquals(List.of("Great,", "isn't", "it?"), keep.tokenize("Great,  isn't\tit?"));
    }

    @Test
    void keepsApostrophesInsideWordsOnly() {
        assertEquals(
                List.of("don't", "'", "quote", "'", "l’homme"),
                Tokenizer.standard().tokenize("Don't 'quote' l’homme"));
    }

    @Test
    void handlesAnyScriptAndUnicodeSpaces() {
        assertEquals(
                List.of("我们", "喜欢", "。", "élan", "привет", "😀"),
                Tokenizer.standard().tokenize("我们\u3000喜欢。 Élan\u00a0Привет 😀"));
        assertEquals(List.of(), Tokenizer.standard().tokenize(" \t\n "));
    }

    @Test
    void settingsRoundTripThroughTheirDescription() {
        for (Punctuation p : Punctuation.values()) {
            Tokenizer t = Tokenizer.builder().lowerCase(false).punctuation(p).build();
            assertEquals(t, Tokenizer.parse(t.describe()));
        }
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Tokenizer.parse("lowercase=true punctuation=DROP"));
        assertEquals("unknown punctuation mode \"DROP\" (expected SEPARATE, STRIP or KEEP)", e.getMessage());
    }
}
