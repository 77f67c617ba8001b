package org.recurrent4j.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file that users keep (a model, a vocabulary, a normalizer, learning curves) so that,
 * whatever happens to the process or the machine, the path holds either the old file or the
 * complete new one, never a part of it.
 *
 * <p>The content goes to a temporary file in the same directory; the file is forced to disk
 * ({@code fsync}); it is renamed over the target in one atomic step; and the directory is forced
 * too, so that the rename itself survives a power cut. Without the first force, a crash soon after
 * the rename could leave a complete-looking name over unwritten blocks. The same steps, for a whole
 * directory, are what {@link org.recurrent4j.checkpoint.CheckpointStore} does with checkpoints.
 *
 * <pre>{@code
 * AtomicFile.write(Path.of("runs/model.zip"), tmp -> ModelSerializer.writeModel(net, tmp.toFile(), true));
 * AtomicFile.writeStream(Path.of("runs/vocabulary.txt"), out -> out.write(bytes));
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
     * to it, forces it to disk and renames it over {@code target}. On failure the temporary file is
     * removed and {@code target} is left as it was.
     */
    public static void write(Path target, Writer writer) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Files.createDirectories(dir);
        Path temporary = Files.createTempFile(dir, "." + absolute.getFileName(), ".tmp");
        try {
            writer.writeTo(temporary);
            force(temporary);
            move(temporary, absolute);
            force(dir);
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

    /** {@link #write(Path, Writer)} for content in memory. */
    public static void writeBytes(Path target, byte[] content) throws IOException {
        writeStream(target, out -> out.write(content));
    }

    /**
     * Renames {@code from} to {@code to} in one atomic step where the file system can (replacing
     * {@code to}), else with a plain move.
     */
    public static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Forces a file or a directory to disk. Some file systems cannot force a directory; its files
     * are on disk already then, and that is not an error.
     */
    public static void force(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            if (!Files.isDirectory(path)) {
                throw e;
            }
        }
    }
}
