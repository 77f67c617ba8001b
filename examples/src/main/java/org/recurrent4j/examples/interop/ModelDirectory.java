package org.recurrent4j.examples.interop;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.recurrent4j.interop.ImportedModel;
import org.recurrent4j.io.ModelFile;

/**
 * Writes an imported model's directory whole or not at all: every file is written into a hidden
 * directory beside the target, which is renamed to the target at the end (a failed import leaves
 * nothing). Files: {@code model.zip} (a {@link ModelFile}: DL4J's model with its integrity record), {@code import.txt} (the
 * summary), {@code import.properties} (how the network is fed), and any extra files given.
 */
final class ModelDirectory {

    static final String MODEL_FILE = "model.zip";
    static final String SUMMARY_FILE = "import.txt";
    static final String PROPERTIES_FILE = "import.properties";

    /** Writes one extra file into the directory being built. */
    @FunctionalInterface
    interface Extra {
        void writeInto(Path directory) throws IOException;
    }

    private ModelDirectory() {}

    static void write(Path out, ImportedModel model, String summary, Map<String, String> properties, Extra extra)
            throws IOException {
        Path target = out.toAbsolutePath();
        Files.createDirectories(target.getParent());
        Path temp = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".importing-");
        try {
            ModelFile.save(model.network(), temp.resolve(MODEL_FILE), false);
            Files.writeString(temp.resolve(SUMMARY_FILE), summary, StandardCharsets.UTF_8);
            Properties p = new Properties();
            properties.forEach(p::setProperty);
            try (Writer w = Files.newBufferedWriter(temp.resolve(PROPERTIES_FILE), StandardCharsets.UTF_8)) {
                p.store(w, "recurrent4j import");
            }
            extra.writeInto(temp);
            if (Files.isDirectory(target)) {
                Files.delete(target); // empty: checked before the import started
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target);
            }
        } finally {
            if (Files.exists(temp)) {
                try (Stream<Path> files = Files.walk(temp)) {
                    for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(f);
                    }
                }
            }
        }
    }
}
