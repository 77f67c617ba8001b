package org.recurrent4j.examples.serving;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.recurrent4j.examples.charrnn.CharRnnCommand;
import org.recurrent4j.examples.cli.UsageException;
import org.recurrent4j.examples.sentiment.SentimentCommand;
import org.recurrent4j.examples.seq2seq.TaskChoice;
import org.recurrent4j.examples.timeseries.TimeSeriesModel;
import org.recurrent4j.serving.ModelContext;
import org.recurrent4j.serving.ServedModel;

/**
 * The kinds of model the commands save, each known by the file that only its directory holds:
 *
 * <pre>
 *   sentiment.properties    sentiment                  ServedSentiment
 *   task.properties         seq2seq                    ServedSeq2Seq
 *   timeseries.properties   timeseries classify|forecast ServedTimeSeries
 *   vocabulary.txt          char-rnn                   ServedCharRnn
 * </pre>
 */
final class ServedKinds {

    private record Kind(String marker, String command, Opener opener) {}

    @FunctionalInterface
    private interface Opener {
        ServedModel open(Path dir, ModelContext context) throws IOException;
    }

    private static final List<Kind> KINDS = List.of(
            new Kind(SentimentCommand.SETTINGS_FILE, "sentiment", ServedSentiment::open),
            new Kind(TaskChoice.FILE, "seq2seq", ServedSeq2Seq::open),
            new Kind(TimeSeriesModel.SETTINGS_FILE, "timeseries", ServedTimeSeries::open),
            new Kind(CharRnnCommand.VOCABULARY_FILE, "char-rnn", ServedCharRnn::open));

    private ServedKinds() {}

    /**
     * Opens the model in {@code dir}, checked whole before it is served.
     *
     * @throws UsageException one line naming the directory: not a model directory, or its files
     *     damaged, missing or of different models
     */
    static ServedModel open(Path dir, ModelContext context) throws UsageException {
        if (!Files.isDirectory(dir)) {
            throw new UsageException("--model " + dir + ": no such directory (give the --out directory of a"
                    + " training command, e.g. runs/char-rnn)");
        }
        for (Kind kind : KINDS) {
            if (Files.isRegularFile(dir.resolve(kind.marker()))) {
                try {
                    return kind.opener().open(dir, context);
                } catch (IOException | RuntimeException e) {
                    throw new UsageException(
                            "--model " + dir + ": not a usable " + kind.command() + " model: " + e.getMessage());
                }
            }
        }
        throw new UsageException("--model " + dir + ": not a recurrent4j model directory (it has none of "
                + String.join(
                        ", ",
                        KINDS.stream()
                                .map(k -> k.marker() + " (" + k.command() + ")")
                                .toList()) + ")");
    }
}
