package org.recurrent4j.examples.quickstart;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.datavec.api.split.FileSplit;
import org.deeplearning4j.datasets.datavec.SequenceRecordReaderDataSetIterator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.learning.config.Adam;
import org.recurrent4j.arch.SequenceLabeler;
import org.recurrent4j.conf.CellTypes;
import org.recurrent4j.datasets.TinyShakespeare;
import org.recurrent4j.decode.LanguageModelSampler;
import org.recurrent4j.decode.TokenSampler;
import org.recurrent4j.text.CharacterSequenceRecordReader;
import org.recurrent4j.text.CharacterSequenceRecordReader.Part;
import org.recurrent4j.text.CharacterVocabulary;
import org.recurrent4j.training.Interval;
import org.recurrent4j.training.Metrics;
import org.recurrent4j.training.RunListener;
import org.recurrent4j.training.RunResult;
import org.recurrent4j.training.TrainingRun;

/**
 * A character-level language model: it learns to predict each next character of a text, reports
 * how well it predicts text it never trained on, then writes new text one character at a time.
 *
 * <pre>
 *   x_t   index of character t                       features [B, 1, L]   (L = window length)
 *   e_t = E[x_t]                                     embedding [B, 64, L]
 *   h_t = LSTM(e_t, h_{t-1})                         [B, H, L]
 *   p(x_{t+1} | x_1 .. x_t) = softmax(W h_t + b)     output [B, V, L]     (V = distinct characters)
 *   loss = −(1/N) Σ ln p(x_{t+1})                    nats per character; guessing uniformly scores ln V
 * </pre>
 *
 * <p>The text is read by {@link CharacterSequenceRecordReader} in windows of L characters, each
 * step labelled with the next character, through DataVec's {@code SequenceRecordReaderDataSetIterator}.
 * The last 10% of the text is the validation part: it is never trained on, and the validation loss is
 * measured on every window of it. The network comes from {@link SequenceLabeler} (a language model:
 * unidirectional) and trains through the library's {@link TrainingRun}; {@link LanguageModelSampler}
 * then generates from it directly with a {@link TokenSampler} at two settings (temperature 0.8, and
 * temperature 1 keeping the 5 likeliest characters).
 *
 * <p>Run it (after {@code ./mvnw -B -q -pl examples -am package -DskipTests}):
 *
 * <pre>
 * java -cp "examples/target/classes:$(cat examples/target/classpath.txt)" \
 *     org.recurrent4j.examples.quickstart.CharRnnExample [TEXT_FILE] [--steps 600] [--hidden 128] [--length 100]
 * </pre>
 *
 * Without a file it trains on tinyshakespeare (1.1 MB), downloaded once into {@code
 * ~/.recurrent4j/data}; offline it stops with a message that says where to put a copy.
 *
 * <p>Expected output: the validation loss every 100 steps, falling from about ln V (4.17 nats/char
 * for tinyshakespeare's 65 characters), then two samples that take on the text's look (words, line
 * breaks, punctuation) as the loss falls. Measured on the project's own Java sources (909,005
 * characters, 144 distinct, ln V = 4.97) with {@code --hidden 256}: 5.01 nats/char untrained, 2.75
 * after 100 steps, about 1.7 s per step on 2 busy cores. The default hidden size of 128 needs under a
 * third of the recurrent arithmetic per step; bigger models and more steps write better text.
 */
public final class CharRnnExample {

    private CharRnnExample() {}

    public static void main(String[] args) {
        try {
            run(args);
        } catch (IOException e) {
            System.err.println(e.getMessage());
            System.exit(1);
        }
    }

    /** Trains, samples, and returns the final validation loss in nats per character. */
    static double run(String... args) throws IOException {
        List<String> options = Arrays.asList(args);
        int steps = option(options, "--steps", 600);
        int hidden = option(options, "--hidden", 128);
        int length = option(options, "--length", 100);
        int sampleLength = option(options, "--sample", 300);
        int batch = 32;
        Path file = textFile(args);
        if (file == null) {
            file = new TinyShakespeare().text();
        }
        String text = Files.readString(file);
        CharacterVocabulary vocabulary = CharacterVocabulary.of(text);
        int v = vocabulary.size();
        System.out.printf("text: %s, %,d characters, %d distinct (ln V = %.3f)%n", file, text.length(), v, Math.log(v));

        DataSetIterator train = windows(vocabulary, length, Part.TRAINING, file, batch);
        DataSetIterator validation = windows(vocabulary, length, Part.VALIDATION, file, batch);

        ComputationGraph net = new ComputationGraph(new SequenceLabeler()
                .tokens(v, 64)
                .cell(CellTypes.LSTM)
                .hidden(hidden)
                .classes(v)
                .languageModel(true)
                .updater(new Adam(2e-3))
                .seed(12)
                .build());
        net.init();

        // The library's training run: the steps, the held-out loss per character every 100 steps (and before the
        // first).
        RunResult result = TrainingRun.of(net)
                .data(train)
                .steps(steps)
                .evaluate(Interval.steps(100), Metrics.natsPerStep(validation))
                .listener(new RunListener() {
                    @Override
                    public void measured(Measurement m) {
                        System.out.printf(
                                "step %5d   validation loss %.3f nats/char%n",
                                m.step(), m.values().get("heldout_loss"));
                    }
                })
                .build()
                .train();
        double loss = result.lastMeasurement().get("heldout_loss");

        LanguageModelSampler sampler = LanguageModelSampler.indices(net);
        // The validation part alone holds more than a window, so the text has far more than 20 characters.
        String prime = text.substring(0, text.offsetByCodePoints(0, 20));
        for (TokenSampler how : List.of(
                TokenSampler.withTemperature(0.8), TokenSampler.unchanged().topK(5))) {
            int[] generated = sampler.generate(vocabulary.encode(prime, "prime"), sampleLength, how, new Random(7));
            System.out.printf(
                    "%n--- sample (%s), primed with the text's first characters ---%n%s%s%n",
                    how, prime, vocabulary.decode(generated));
        }
        return loss;
    }

    /** Windows of one part of the text, as DataVec mini-batches: features [B, 1, L], labels [B, V, L]. */
    private static DataSetIterator windows(CharacterVocabulary vocabulary, int length, Part part, Path file, int batch)
            throws IOException {
        CharacterSequenceRecordReader reader = new CharacterSequenceRecordReader.Builder(vocabulary)
                .length(length)
                .part(part, 0.1)
                .build();
        reader.initialize(new FileSplit(file.toFile()));
        // Label index 1: each step is [input index, next-character index].
        return new SequenceRecordReaderDataSetIterator(reader, batch, vocabulary.size(), 1, false);
    }

    /** The first argument that is neither an option nor an option's value, or null. */
    private static Path textFile(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--")) {
                i++;
            } else {
                return Path.of(args[i]);
            }
        }
        return null;
    }

    private static int option(List<String> args, String name, int otherwise) {
        int i = args.indexOf(name);
        return i < 0 ? otherwise : Integer.parseInt(args.get(i + 1));
    }
}
