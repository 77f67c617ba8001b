package org.recurrent4j.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * One change to a valid input, of the kinds that damaged or hostile files show: flipped bits,
 * truncation, duplicated, removed or swapped lines, invalid UTF-8, huge or odd numbers, an empty
 * file, a very long line, stray delimiters, quotes, byte-order marks, control characters and line
 * endings. Deterministic from its seed, so that jqwik can replay and shrink a failing sample.
 *
 * @param kind what to change
 * @param seed where and with what
 */
public record Mutation(Kind kind, long seed) {

    /** The kinds of change. */
    public enum Kind {
        FLIP_BITS,
        TRUNCATE,
        DUPLICATE_LINE,
        REMOVE_LINE,
        SWAP_LINES,
        INVALID_UTF8,
        HUGE_NUMBER,
        ODD_TOKEN,
        EMPTY,
        LONG_LINE,
        INSERT_BYTES,
        EMPTY_LINE,
        CRLF,
        BYTE_ORDER_MARK,
        DELIMITER
    }

    /** Replacements for a token: numbers that are not, numbers too large, separators, labels. */
    private static final String[] ODD_TOKENS = {
        "",
        " ",
        "NaN",
        "Infinity",
        "-Infinity",
        "1e309",
        "-1e309",
        "4.9e-325",
        "0x1p3",
        "1d",
        "1f",
        "\u0661\u0662",
        "+",
        "-",
        ".",
        "1.2.3",
        "--1",
        "1e",
        "\u00a0",
        "\t",
        ",",
        ";",
        "\"",
        "\"\"",
        "\"a,b\"",
        "pos",
        "neg",
        "0",
        "1",
        "-0",
        "  7  ",
        "\u00e9",
        "\ufffd",
        "\u0000",
        "\u2028",
        "U+10FFFF",
        "U+110000",
        "U+D800",
        "<pad>",
        "<unk>",
        "\ud83d\ude00"
    };

    private static final byte[][] INVALID_UTF8 = {
        {(byte) 0xff},
        {(byte) 0xc0, (byte) 0x80},
        {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
        {(byte) 0xe2, (byte) 0x82},
        {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
        {(byte) 0x80}
    };

    /** Any single mutation. */
    public static Arbitrary<Mutation> any() {
        return Combinators.combine(Arbitraries.of(Kind.class), Arbitraries.longs())
                .as(Mutation::new);
    }

    /** No mutation (the valid input itself), or one to three of them. */
    public static Arbitrary<List<Mutation>> some() {
        return Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just(List.of())),
                Tuple.of(6, any().list().ofMinSize(1).ofMaxSize(3)));
    }

    /** {@code input} with every mutation applied in turn. */
    public static byte[] applyAll(List<Mutation> mutations, byte[] input) {
        byte[] bytes = input;
        for (Mutation m : mutations) {
            bytes = m.apply(bytes);
        }
        return bytes;
    }

    /** {@code input} changed by this mutation (the input itself is not modified). */
    public byte[] apply(byte[] input) {
        Random random = new Random(seed);
        byte[] bytes = input.clone();
        switch (kind) {
            case FLIP_BITS -> {
                if (bytes.length > 0) {
                    for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
                        bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
                    }
                }
                return bytes;
            }
            case TRUNCATE -> {
                return Arrays.copyOf(bytes, bytes.length == 0 ? 0 : random.nextInt(bytes.length));
            }
            case EMPTY -> {
                return new byte[0];
            }
            case INVALID_UTF8 -> {
                return insert(
                        bytes, random.nextInt(bytes.length + 1), INVALID_UTF8[random.nextInt(INVALID_UTF8.length)]);
            }
            case INSERT_BYTES -> {
                byte[] noise = new byte[1 + random.nextInt(16)];
                random.nextBytes(noise);
                return insert(bytes, random.nextInt(bytes.length + 1), noise);
            }
            case BYTE_ORDER_MARK -> {
                return insert(bytes, 0, new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf});
            }
            case CRLF -> {
                return new String(bytes, StandardCharsets.ISO_8859_1)
                        .replace("\n", random.nextBoolean() ? "\r\n" : "\r")
                        .getBytes(StandardCharsets.ISO_8859_1);
            }
            default -> {
                return lines(bytes, random);
            }
        }
    }

    /** The mutations that work on lines and tokens; bytes are kept as they are (ISO-8859-1 round trip). */
    private byte[] lines(byte[] bytes, Random random) {
        List<String> lines = new ArrayList<>(List.of(new String(bytes, StandardCharsets.ISO_8859_1).split("\n", -1)));
        int at = random.nextInt(lines.size());
        switch (kind) {
            case DUPLICATE_LINE -> lines.add(at, lines.get(at));
            case REMOVE_LINE -> lines.remove(at);
            case SWAP_LINES -> {
                int other = random.nextInt(lines.size());
                String line = lines.get(at);
                lines.set(at, lines.get(other));
                lines.set(other, line);
            }
            case EMPTY_LINE -> lines.add(at, random.nextBoolean() ? "" : "   ");
            case LONG_LINE -> lines.add(at, longLine(random, lines.get(at)));
            case HUGE_NUMBER -> lines.set(at, replaceToken(lines.get(at), random, hugeNumber(random)));
            case ODD_TOKEN -> lines.set(
                    at,
                    replaceToken(lines.get(at), random, utf8AsLatin1(ODD_TOKENS[random.nextInt(ODD_TOKENS.length)])));
            case DELIMITER -> {
                String line = lines.get(at);
                int pos = line.isEmpty() ? 0 : random.nextInt(line.length() + 1);
                String delimiter = new String[] {",", "\t", ";", " ", "\"", ",,", "\t\t"}[random.nextInt(7)];
                lines.set(at, line.substring(0, pos) + delimiter + line.substring(pos));
            }
            default -> throw new IllegalStateException("not a line mutation: " + kind);
        }
        return String.join("\n", lines).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String longLine(Random random, String like) {
        int length = 10_000 + random.nextInt(200_000);
        if (!like.isEmpty() && random.nextBoolean()) {
            StringBuilder sb = new StringBuilder(length + like.length());
            while (sb.length() < length) {
                sb.append(like);
            }
            return sb.toString();
        }
        char[] chars = new char[length];
        Arrays.fill(chars, random.nextBoolean() ? 'x' : '9');
        return new String(chars);
    }

    private static String hugeNumber(Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> "9".repeat(20 + random.nextInt(400));
            case 1 -> "1e" + (300 + random.nextInt(10_000));
            case 2 -> "-" + "9".repeat(310) + ".5";
            case 3 -> Long.toString(Long.MAX_VALUE) + "0";
            default -> "0." + "0".repeat(400) + "1";
        };
    }

    /** Replaces a random token (a run between separators) of a line. */
    private static String replaceToken(String line, Random random, String replacement) {
        List<int[]> tokens = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= line.length(); i++) {
            boolean separator = i == line.length() || ",;\t \"".indexOf(line.charAt(i)) >= 0;
            if (!separator && start < 0) {
                start = i;
            } else if (separator && start >= 0) {
                tokens.add(new int[] {start, i});
                start = -1;
            }
        }
        if (tokens.isEmpty()) {
            return line + replacement;
        }
        int[] token = tokens.get(random.nextInt(tokens.size()));
        return line.substring(0, token[0]) + replacement + line.substring(token[1]);
    }

    private static String utf8AsLatin1(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    private static byte[] insert(byte[] bytes, int at, byte[] inserted) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + inserted.length);
        out.write(bytes, 0, at);
        out.writeBytes(inserted);
        out.write(bytes, at, bytes.length - at);
        return out.toByteArray();
    }
}
