package org.recurrent4j.examples.charrnn;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.recurrent4j.datasets.TinyShakespeare;
import org.recurrent4j.examples.cli.UsageException;
import org.recurrent4j.text.Utf8Text;

/**
 * A text to train on, and where it came from: {@code source} names it so that {@link
 * #fromSource} reads it again ({@code embedded}, {@code file:PATH} or {@code dataset:NAME}).
 *
 * <p>The embedded corpus is this project's own Java source code, concatenated into the examples
 * jar at build time (so it is text the project owns, and it works offline); char-RNN has been
 * trained on source code since Karpathy's original experiments.
 */
public record TextCorpus(String name, String text, String source) {

    /** Classpath location of the embedded corpus, written by the examples module's build. */
    public static final String EMBEDDED_RESOURCE = "/org/recurrent4j/examples/charrnn/corpus.txt";

    private static final String EMBEDDED = "embedded";
    private static final String FILE = "file:";
    private static final String DATASET = "dataset:";

    /**
     * The text a {@link #source()} names, e.g. one a checkpoint recorded.
     *
     * @throws UsageException if the source is not one this class wrote, or its text cannot be read
     */
    public static TextCorpus fromSource(String source) throws UsageException {
        if (source.equals(EMBEDDED)) {
            try {
                return embedded();
            } catch (IOException e) {
                throw new UsageException(e.getMessage());
            }
        }
        if (source.startsWith(FILE)) {
            return fromFile(Path.of(source.substring(FILE.length())));
        }
        if (source.startsWith(DATASET)) {
            return dataset(source.substring(DATASET.length()));
        }
        throw new UsageException("unknown text source '" + source + "' (expected embedded, file:PATH or dataset:NAME)");
    }

    /** The embedded corpus: recurrent4j's own sources. */
    public static TextCorpus embedded() throws IOException {
        try (InputStream in = TextCorpus.class.getResourceAsStream(EMBEDDED_RESOURCE)) {
            if (in == null) {
                throw new IOException("the embedded corpus " + EMBEDDED_RESOURCE
                        + " is missing from the classpath: build the examples module with ./mvnw package");
            }
            return new TextCorpus(
                    "embedded corpus (recurrent4j's own Java sources)",
                    new String(in.readAllBytes(), StandardCharsets.UTF_8),
                    EMBEDDED);
        }
    }

    /** A UTF-8 text file given by the user. */
    public static TextCorpus fromFile(Path file) throws UsageException {
        if (!Files.isRegularFile(file)) {
            throw new UsageException(
                    "text file not found: " + file.toAbsolutePath() + " (pass --text FILE with a UTF-8 text file)");
        }
        return new TextCorpus(file.toAbsolutePath().toString(), readUtf8(file), FILE + file.toAbsolutePath());
    }

    private static String readUtf8(Path file) throws UsageException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UsageException("cannot read " + file.toAbsolutePath() + ": " + e.getMessage());
        }
        try {
            return Utf8Text.decode(bytes, file.toAbsolutePath().toString());
        } catch (IOException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /**
     * A public data set by name, fetched with its loader (downloaded once, checksum verified).
     * Progress goes to standard error.
     */
    public static TextCorpus dataset(String name) throws UsageException {
        if (!name.equals("tinyshakespeare")) {
            throw new UsageException("unknown data set \"" + name + "\" (known: tinyshakespeare)");
        }
        Path file;
        try {
            file = new TinyShakespeare()
                    .progress((bytes, total) -> {
                        if (bytes == total) {
                            System.err.printf("downloaded %s: %,d bytes%n", name, bytes);
                        }
                    })
                    .text();
        } catch (IOException e) {
            throw new UsageException(e.getMessage());
        }
        return new TextCorpus(name + " (" + file + ")", readUtf8(file), DATASET + name);
    }

    /** Length in characters (code points). */
    public int characters() {
        return text.codePointCount(0, text.length());
    }
}
