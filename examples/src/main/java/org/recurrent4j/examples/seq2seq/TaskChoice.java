package org.recurrent4j.examples.seq2seq;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.recurrent4j.examples.cli.UsageException;
import org.recurrent4j.io.AtomicFile;
import org.recurrent4j.synthetic.PairTask;

/**
 * The seq2seq task by name: {@code addition} of numbers of up to {@code digits} digits, or {@code
 * reverse}; saved beside a model as {@value #FILE}, since decoding needs the task's alphabets.
 */
public record TaskChoice(String name, int digits) {

    /** The task file in a model directory. */
    public static final String FILE = "task.properties";

    /** The task this choice names. */
    public PairTask task() throws UsageException {
        return switch (name) {
            case "addition" -> PairTask.addition(digits);
            case "reverse" -> PairTask.reverse(8, 3, 6);
            default -> throw new UsageException("--task: unknown task '" + name + "' (tasks: addition, reverse)");
        };
    }

    /** Writes the task file into {@code dir}, atomically. */
    public void save(Path dir) throws IOException {
        Properties p = new Properties();
        p.setProperty("task", name);
        p.setProperty("digits", Integer.toString(digits));
        AtomicFile.writeStream(dir.resolve(FILE), stream -> {
            Writer writer = new OutputStreamWriter(stream, StandardCharsets.UTF_8);
            p.store(writer, "recurrent4j seq2seq task");
            writer.flush();
        });
    }

    /** Reads a task file written by {@link #save}. */
    public static TaskChoice load(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Properties p = new Properties();
            p.load(reader);
            return new TaskChoice(p.getProperty("task"), Integer.parseInt(p.getProperty("digits")));
        } catch (NumberFormatException e) {
            throw new IOException(file + ": no whole number of digits: " + e.getMessage());
        }
    }
}
