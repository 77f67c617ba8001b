package org.recurrent4j.datasets;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.recurrent4j.text.LabelledText;

/**
 * The main class of a child JVM that prepares the IMDB fixture: {@code <cache> <url>}. Prints one
 * line with the training examples it read and exits 0, or prints the error and exits 1.
 */
final class PrepareInChildProcess {

    private PrepareInChildProcess() {}

    public static void main(String[] args) {
        try {
            Imdb imdb = new Imdb(Checksums.NONE)
                    .source(URI.create(args[1]))
                    .cache(Path.of(args[0]))
                    .progress(Download.Progress.NONE);
            List<LabelledText> train = Imdb.files().readFolders(imdb.train());
            System.out.println("read " + train.size() + ": "
                    + train.stream().map(t -> t.label() + "=" + t.text()).collect(Collectors.joining(" | ")));
            System.exit(0);
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1);
        }
    }

    /** Starts this class in a new JVM with the test class path; its output goes to {@code <log>.out/.err}. */
    static Process start(Path cache, URI uri, Path log) throws java.io.IOException {
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                PrepareInChildProcess.class.getName(),
                cache.toString(),
                uri.toString());
        builder.redirectOutput(log.resolveSibling(log.getFileName() + ".out").toFile());
        builder.redirectError(log.resolveSibling(log.getFileName() + ".err").toFile());
        return builder.start();
    }
}
