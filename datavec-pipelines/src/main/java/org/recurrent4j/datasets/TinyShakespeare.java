package org.recurrent4j.datasets;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.recurrent4j.text.Utf8Text;

/**
 * Tiny Shakespeare: about 1.1 MB of Shakespeare's plays in one text file, the corpus of Karpathy's
 * char-rnn (public domain). The usual split keeps the last 10% for validation, as {@code
 * CharacterSequenceRecordReader}'s {@code part(Part.TRAINING, 0.1)} does.
 *
 * <pre>{@code
 * Path text = new TinyShakespeare().text();   // downloaded once into ~/.recurrent4j/data/tinyshakespeare
 * }</pre>
 */
public final class TinyShakespeare extends PublicDataSet<TinyShakespeare> {

    /** The canonical URL. */
    public static final URI URL =
            URI.create("https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt");

    /** The SHA-256 of the 1,115,394-byte file. */
    public static final String SHA256 = "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed";

    public TinyShakespeare() {
        this(SHA256);
    }

    /** A data set with another checksum, for a mirror of other content (tests, a trimmed copy). */
    public TinyShakespeare(String sha256) {
        super("tinyshakespeare", URL, "input.txt", Checksums.sha256(sha256));
    }

    /** The text file, checked. */
    public Path text() throws IOException {
        return fetch();
    }

    @Override
    protected void prepare(Path file) throws IOException {
        Utf8Text.decode(Files.readAllBytes(file), file.toString());
    }
}
