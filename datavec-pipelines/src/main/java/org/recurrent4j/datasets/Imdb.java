package org.recurrent4j.datasets;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.recurrent4j.text.LabelledTextFiles;

/**
 * The IMDB Large Movie Review Dataset (Maas et al. 2011): 25,000 training and 25,000 test reviews,
 * one per file, in {@code pos/} and {@code neg/} folders of {@code aclImdb/train} and {@code
 * aclImdb/test} (other files and the unlabelled {@code unsup/} folder are not used here).
 *
 * <p>The archive's MD5, {@value #MD5}, is published (by its authors' mirrors and the usual
 * data-set libraries): it is checked while the archive downloads and on every use; its structure
 * (the four label folders, none empty) is checked too. It extracts to about 100,000 files (the
 * unlabelled {@code unsup/} reviews included), within the default {@link DataLimits}.
 *
 * <pre>{@code
 * Imdb imdb = new Imdb();
 * List<LabelledText> train = Imdb.files().readFolders(imdb.train());
 * }</pre>
 */
public final class Imdb extends PublicDataSet<Imdb> {

    /** The canonical URL. */
    public static final URI URL = URI.create("https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz");

    /** The published MD5 of {@code aclImdb_v1.tar.gz}. */
    public static final String MD5 = "7c2ac02c03563afcf9b574c7e56c153a";

    public Imdb() {
        super("imdb", URL, "aclImdb_v1.tar.gz", Checksums.md5(MD5));
    }

    /** A data set with other checksums, for a mirror of other content (tests, a trimmed copy). */
    public Imdb(Checksums published) {
        super("imdb", URL, "aclImdb_v1.tar.gz", published);
    }

    /** One review per file, labelled by its folder, "neg" (0) and "pos" (1). */
    public static LabelledTextFiles files() {
        return LabelledTextFiles.folderPerLabel().labels("neg", "pos").build();
    }

    /** {@code aclImdb/train}, downloaded and unpacked if needed. */
    public Path train() throws IOException {
        fetch();
        return root().resolve("train");
    }

    /** {@code aclImdb/test}, downloaded and unpacked if needed. */
    public Path test() throws IOException {
        fetch();
        return root().resolve("test");
    }

    private Path extracted() {
        return directory().resolve("extracted");
    }

    private Path root() {
        return extracted().resolve("aclImdb");
    }

    @Override
    protected void prepare(Path archive) throws IOException {
        unpack(archive, extracted(), Archives.Format.TAR_GZ);
        for (String part : new String[] {"train", "test"}) {
            for (String label : new String[] {"neg", "pos"}) {
                Path folder = root().resolve(part).resolve(label);
                if (!Files.isDirectory(folder)) {
                    throw new IOException("the archive has no aclImdb/" + part + "/" + label + " folder");
                }
                try (Stream<Path> files = Files.list(folder)) {
                    if (files.findAny().isEmpty()) {
                        throw new IOException("aclImdb/" + part + "/" + label + " is empty");
                    }
                }
            }
        }
    }

    @Override
    protected void discardPrepared() throws IOException {
        discardExtraction(extracted());
    }
}
