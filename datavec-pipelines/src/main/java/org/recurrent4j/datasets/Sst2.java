package org.recurrent4j.datasets;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.recurrent4j.text.LabelledTextFiles;
import org.recurrent4j.text.Utf8Text;

/**
 * SST-2, the binary Stanford Sentiment Treebank of the GLUE benchmark: movie-review sentences
 * labelled 0 (negative) or 1 (positive) — {@code train.tsv} (67,349 phrases) and {@code dev.tsv}
 * (872 sentences), each {@code sentence<TAB>label} under a header line. (GLUE's test labels are
 * not public, so {@code dev.tsv} is the usual test set.)
 *
 * <p>The zip's SHA-256 is not published: the first download is checked by its structure (both
 * files, their header, 872 dev rows) and then pinned.
 *
 * <pre>{@code
 * Sst2 sst2 = new Sst2();
 * List<LabelledText> train = Sst2.files().read(sst2.train());
 * }</pre>
 */
public final class Sst2 extends PublicDataSet<Sst2> {

    /** The canonical URL. */
    public static final URI URL = URI.create("https://dl.fbaipublicfiles.com/glue/data/SST-2.zip");

    /** The number of rows of {@code dev.tsv}. */
    public static final int DEV_ROWS = 872;

    private static final String HEADER = "sentence\tlabel";

    public Sst2() {
        super("sst2", URL, "SST-2.zip", Checksums.NONE);
    }

    /** How SST-2's files are laid out: tab-separated, a header, labels "0" and "1". */
    public static LabelledTextFiles files() {
        return LabelledTextFiles.tsv().header(true).labels("0", "1").build();
    }

    /** {@code train.tsv}, downloaded and unpacked if needed. */
    public Path train() throws IOException {
        fetch();
        return folder().resolve("train.tsv");
    }

    /** {@code dev.tsv}, downloaded and unpacked if needed. */
    public Path dev() throws IOException {
        fetch();
        return folder().resolve("dev.tsv");
    }

    private Path extracted() {
        return directory().resolve("extracted");
    }

    private Path folder() {
        return extracted().resolve("SST-2");
    }

    @Override
    protected void prepare(Path zip) throws IOException {
        unpack(zip, extracted(), Archives.Format.ZIP);
        int train = rows(folder().resolve("train.tsv"));
        int dev = rows(folder().resolve("dev.tsv"));
        if (train == 0) {
            throw new IOException(folder().resolve("train.tsv") + " has no rows");
        }
        if (dev != DEV_ROWS) {
            throw new IOException(folder().resolve("dev.tsv") + " has " + dev + " rows, expected " + DEV_ROWS);
        }
    }

    private static int rows(Path tsv) throws IOException {
        if (!Files.isRegularFile(tsv)) {
            throw new IOException("the archive has no " + tsv.getParent().getFileName() + "/" + tsv.getFileName());
        }
        List<String> lines =
                Utf8Text.decode(Files.readAllBytes(tsv), tsv.toString()).lines().toList();
        if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
            throw new IOException(tsv + ": expected the header \"sentence<TAB>label\"");
        }
        return (int) lines.stream().skip(1).filter(line -> !line.isEmpty()).count();
    }

    @Override
    protected void discardPrepared() throws IOException {
        discardExtraction(extracted());
    }
}
