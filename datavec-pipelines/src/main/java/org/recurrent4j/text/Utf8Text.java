package org.recurrent4j.text;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 decoding: invalid bytes are an error that names the source and the byte offset,
 * never silently replaced. A byte-order mark at the start (EF BB BF, which some editors write into
 * UTF-8 files) is not part of the text and is dropped.
 */
public final class Utf8Text {

    private static final String BYTE_ORDER_MARK = "\uFEFF";

    private Utf8Text() {}

    /**
     * @param source the file or resource the bytes come from, named in the error
     * @throws IOException {@code "<source>: not UTF-8 text: invalid bytes at byte offset N ..."}
     */
    public static String decode(byte[] bytes, String source) throws IOException {
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        var result = decoder.decode(in, out, true);
        if (result.isError()) {
            throw new IOException(source + ": not UTF-8 text: invalid bytes at byte offset " + in.position()
                    + "; convert the file to UTF-8");
        }
        decoder.flush(out);
        String text = out.flip().toString();
        return text.startsWith(BYTE_ORDER_MARK) ? text.substring(1) : text;
    }
}
