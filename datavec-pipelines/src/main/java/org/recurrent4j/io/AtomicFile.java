package org.recurrent4j.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a file that users keep (a model, a vocabulary, a checkpoint) so that it is either the
 * old file or the complete new one, never half written: the content goes to a temporary file in the
 * same directory, which is then renamed over the target.
 *
 * <pre>{@code
 * AtomicFile.write(Path.of("model.zip"), tmp -> ModelSerializer.writeModel(net, tmp.toFile(), true));
 * }</pre>
 */
public final class AtomicFile {

    /** Writes the content to a path (the temporary file). */
    @FunctionalInterface
    public interface Writer {
        void writeTo(Path temporary) throws IOException;
    }

    /** Writes the content to a stream. */
    @FunctionalInterface
    public interface StreamWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFile() {}

    /**
     * Creates {@code target}'s directory if needed, lets {@code writer} fill a temporary file next
     * to it, and renames that over {@code target}. On failure the temporary file is removed and
     * {@code target} is left as it was.
     */
    public static void write(Path target, Writer writer) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Files.createDirectories(dir);
        Path temporary = Files.createTempFile(dir, "." + absolute.getFileName(), ".tmp");
        try {
            writer.writeTo(temporary);
            try {
                Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** {@link #write(Path, Writer)} for content produced on a stream. */
    public static void writeStream(Path target, StreamWriter writer) throws IOException {
        write(target, temporary -> {
            try (OutputStream out = Files.newOutputStream(temporary)) {
                writer.writeTo(out);
            }
        });
    }
}
