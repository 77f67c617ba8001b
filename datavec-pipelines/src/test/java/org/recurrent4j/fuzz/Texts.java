package org.recurrent4j.fuzz;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/** Generators of text for fuzzing, and the strict decoding the oracles compare against. */
public final class Texts {

    /** Pieces of text: words, spaces, punctuation, accents, CJK, an emoji outside the BMP, a tab, a comma, a quote. */
    private static final List<String> PIECES = List.of(
            "a", "film", "great", "Dull", "PLOT", " ", " ", "  ", ".", ",", "!", "?", "'", "don't", "\"", "-", "é", "ü",
            "中文", "😀", "١٢", "\u00a0", "\t", "x1", "42");

    private Texts() {}

    /** Text of up to {@code maxPieces} pieces; {@code forbidden} characters are left out. */
    public static Arbitrary<String> text(int maxPieces, String forbidden) {
        List<String> allowed = PIECES.stream()
                .filter(p -> p.chars().noneMatch(c -> forbidden.indexOf(c) >= 0))
                .toList();
        return Arbitraries.of(allowed).list().ofMaxSize(maxPieces).map(pieces -> String.join("", pieces));
    }

    /**
     * The bytes as the readers decode them: strict UTF-8, a leading byte-order mark dropped; {@code
     * null} for bytes that are not UTF-8.
     */
    public static String decode(byte[] bytes) {
        try {
            String text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
            return text.startsWith("\ufeff") ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
