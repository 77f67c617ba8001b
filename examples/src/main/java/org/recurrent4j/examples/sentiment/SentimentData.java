package org.recurrent4j.examples.sentiment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.recurrent4j.datasets.Imdb;
import org.recurrent4j.datasets.Sst2;
import org.recurrent4j.examples.cli.UsageException;
import org.recurrent4j.text.LabelledText;
import org.recurrent4j.text.LabelledTextFiles;

/**
 * The labelled texts of the sentiment commands: SST-2 or IMDB by name (downloaded once), or the
 * user's own, as a TSV file {@code sentence<TAB>label} with a header (SST-2's layout) or a folder
 * with {@code neg/} and {@code pos/} folders of one text per file (IMDB's).
 */
final class SentimentData {

    /** The label names, by label index. */
    static final List<String> LABEL_NAMES = List.of("negative", "positive");

    /** Labelled texts to train and evaluate on, and how they are laid out. */
    record Corpus(String name, LabelledTextFiles files, List<LabelledText> train, List<LabelledText> dev) {}

    private SentimentData() {}

    /**
     * The training and dev texts: {@code train} and {@code dev} when given (both or neither), else the
     * named data set.
     */
    static Corpus load(String dataset, Path train, Path dev) throws UsageException {
        if ((train == null) != (dev == null)) {
            throw new UsageException("--train and --dev go together: give both, or neither to use --dataset");
        }
        if (train != null && dataset != null) {
            throw new UsageException("--train/--dev and --dataset both name the data: give one of them");
        }
        try {
            if (train != null) {
                Path trainPath = existing(train, "--train");
                Path devPath = existing(dev, "--dev");
                if (Files.isDirectory(trainPath)) {
                    LabelledTextFiles files = Imdb.files();
                    return new Corpus(
                            trainPath.toString(),
                            files,
                            files.readFolders(trainPath),
                            files.readFolders(existingDirectory(devPath)));
                }
                LabelledTextFiles files = Sst2.files();
                return new Corpus(trainPath.toString(), files, files.read(trainPath), files.read(devPath));
            }
            String name = dataset == null ? "sst2" : dataset;
            switch (name) {
                case "sst2" -> {
                    Sst2 sst2 = new Sst2().progress(SentimentData::downloadProgress);
                    LabelledTextFiles files = Sst2.files();
                    return new Corpus("SST-2", files, files.read(sst2.train()), files.read(sst2.dev()));
                }
                case "imdb" -> {
                    Imdb imdb = new Imdb().progress(SentimentData::downloadProgress);
                    LabelledTextFiles files = Imdb.files();
                    return new Corpus("IMDB", files, files.readFolders(imdb.train()), files.readFolders(imdb.test()));
                }
                default -> throw new UsageException("unknown data set \"" + name + "\" (known: sst2, imdb)");
            }
        } catch (IOException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** The dev texts alone: {@code dev} when given, else the named data set's dev (or test) part. */
    static Corpus dev(String dataset, Path dev) throws UsageException {
        if (dev != null && dataset != null) {
            throw new UsageException("--dev and --dataset both name the data: give one of them");
        }
        if (dev == null) {
            return load(dataset, null, null);
        }
        Path devPath = existing(dev, "--dev");
        try {
            LabelledTextFiles files = Files.isDirectory(devPath) ? Imdb.files() : Sst2.files();
            List<LabelledText> texts = Files.isDirectory(devPath) ? files.readFolders(devPath) : files.read(devPath);
            return new Corpus(devPath.toString(), files, List.of(), texts);
        } catch (IOException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static void downloadProgress(long bytes, long total) {
        if (bytes == total) {
            System.err.printf("downloaded %,d bytes%n", bytes);
        }
    }

    private static Path existing(Path p, String option) throws UsageException {
        if (!Files.exists(p)) {
            throw new UsageException(option + ": no such file or folder: " + p.toAbsolutePath());
        }
        return p;
    }

    private static Path existingDirectory(Path p) throws UsageException {
        if (!Files.isDirectory(p)) {
            throw new UsageException("--dev: " + p.toAbsolutePath()
                    + " is not a folder, but --train is (give both as folders with neg/ and pos/, or both as TSV)");
        }
        return p;
    }
}
