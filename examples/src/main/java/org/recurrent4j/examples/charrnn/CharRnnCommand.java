package org.recurrent4j.examples.charrnn;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.recurrent4j.decode.TokenSampler;
import org.recurrent4j.examples.cell.CellChoice;
import org.recurrent4j.examples.cli.Options;
import org.recurrent4j.examples.cli.UsageException;
import org.recurrent4j.io.AtomicFile;
import org.recurrent4j.text.CharacterVocabulary;

/**
 * {@code recurrent4j char-rnn}: trains a character-level language model (LSTM by default) on a text (by default
 * the embedded corpus), prints progress, a sample, and where the model was saved.
 *
 * <p>The model directory holds {@code model.zip} (a DL4J {@code ModelSerializer} file) and {@code
 * vocabulary.txt} (a {@link CharacterVocabulary}), both written atomically.
 */
public final class CharRnnCommand {

    static final String HELP = String.join(
            "\n",
            "usage: recurrent4j char-rnn [options]",
            "",
            "Trains a character-level language model (stacked LSTMs by default), then prints text sampled from it.",
            "",
            "  --text FILE          UTF-8 text to train on (default: the embedded corpus, recurrent4j's own sources)",
            "  --dataset NAME       train on a public data set, downloaded once into ~/.recurrent4j/data:",
            "                       tinyshakespeare (1.1 MB, needs the network the first time)",
            "  --out DIR            where to save model.zip and vocabulary.txt (default: runs/char-rnn)",
            "  --minutes M          training time budget (default: 3)",
            "  --steps N            stop after N training steps (default: no limit but --minutes)",
            "  --cell NAME          recurrent cell: lstm (default), gru, rnn, qrnn, sru or onlstm",
            "  --hidden H           units per layer (default: 256)",
            "  --layers L           stacked recurrent layers (default: 2)",
            "  --seq-length N       characters per training window (default: 100)",
            "  --tbptt N            truncated BPTT length (default: 50)",
            "  --batch B            windows per mini-batch (default: 32)",
            "  --learning-rate R    Adam learning rate (default: 0.002)",
            "  --temperature T      sampling temperature (default: 0.8)",
            "  --top-k K            sample among the K most probable characters only (default: 0, all)",
            "  --top-p P            sample among the most probable characters whose mass reaches P (default: 1, all)",
            "  --sample-length N    characters to generate (default: 600)",
            "  --seed S             random seed (default: 42)");

    private static final Set<String> VALUED = Set.of(
            "text",
            "dataset",
            "out",
            "minutes",
            "steps",
            "cell",
            "hidden",
            "layers",
            "seq-length",
            "tbptt",
            "batch",
            "learning-rate",
            "temperature",
            "top-k",
            "top-p",
            "sample-length",
            "seed");

    private final PrintStream out;

    public CharRnnCommand(PrintStream out) {
        this.out = out;
    }

    /** Runs the command; returns the exit code. */
    public int run(List<String> args) throws UsageException {
        Options o = Options.parse(args, VALUED, Set.of("help"));
        if (o.has("help")) {
            out.println(HELP);
            return 0;
        }
        if (o.has("text") && o.has("dataset")) {
            throw new UsageException("--text and --dataset both name the text to train on: give one of them");
        }
        TextCorpus corpus = o.has("text")
                ? TextCorpus.fromFile(Path.of(o.string("text", "")))
                : o.has("dataset") ? TextCorpus.dataset(o.string("dataset", "")) : embedded();
        Path dir = Path.of(o.string("out", "runs/char-rnn"));
        double minutes = o.doubleValue("minutes", 3.0, 0.0, 24 * 60);
        int steps = o.intValue("steps", 0, 0, Integer.MAX_VALUE);
        int seqLength = o.intValue("seq-length", 100, 2, 10_000);
        int batch = o.intValue("batch", 32, 1, 4096);
        double temperature = o.doubleValue("temperature", 0.8, 0.01, 10.0);
        TokenSampler sampler = TokenSampler.withTemperature(temperature)
                .topK(o.intValue("top-k", 0, 0, Integer.MAX_VALUE))
                .topP(o.doubleValue("top-p", 1.0, 1e-6, 1.0));
        int sampleLength = o.intValue("sample-length", 600, 0, 1_000_000);
        long seed = o.intValue("seed", 42, 0, Integer.MAX_VALUE);
        CellChoice cell;
        try {
            cell = CellChoice.named(o.string("cell", "lstm"));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--cell: " + e.getMessage());
        }
        CharRnnModel.Settings settings = new CharRnnModel.Settings(
                cell,
                o.intValue("hidden", 256, 1, 8192),
                o.intValue("layers", 2, 1, 16),
                o.intValue("tbptt", 50, 1, 10_000),
                o.doubleValue("learning-rate", 0.002, 1e-7, 1.0),
                seed);

        CharacterVocabulary vocabulary = CharacterVocabulary.of(corpus.text());
        int[] text = vocabulary.encode(corpus.text(), corpus.name());
        // The last 10% is held out; windows never cross the cut.
        int cut = (int) (text.length * 0.9);
        int[] training = Arrays.copyOfRange(text, 0, cut);
        int[] heldOut = Arrays.copyOfRange(text, cut, text.length);
        if (training.length <= seqLength) {
            throw new UsageException("the text has " + text.length + " characters; training needs more than "
                    + (seqLength + 1) + " in its first 90%: use a longer text or a smaller --seq-length");
        }
        out.printf(
                "corpus: %s, %,d characters, %d distinct (train on another UTF-8 text with --text FILE)%n",
                corpus.name(), text.length, vocabulary.size());

        MultiLayerNetwork net = CharRnnModel.build(vocabulary.size(), settings);
        out.printf(
                "model: %d x recurrent4j %s(%d) + softmax over %d characters, %,d parameters; truncated BPTT %d%n",
                settings.layers(),
                net.getLayer(0).conf().getLayer().getClass().getSimpleName(),
                settings.hidden(),
                vocabulary.size(),
                net.numParams(),
                settings.tbptt());
        out.printf(
                "training for %s%s on batches of %d x %d characters...%n",
                formatMinutes(minutes), steps > 0 ? " or " + steps + " steps" : "", batch, seqLength);

        Random random = new Random(seed);
        CharBatches batches = new CharBatches(training, vocabulary.size(), seqLength, batch, random);
        CharRnnTrainer.Result result = CharRnnTrainer.train(
                net,
                batches,
                lastSegment(seqLength, settings.tbptt()),
                Duration.ofMillis((long) (minutes * 60_000)),
                steps,
                Duration.ofSeconds(10),
                p -> out.printf(
                        "  step %5d   loss %.3f   %,8.0f chars/s   %s%n",
                        p.step(), p.loss(), p.charactersPerSecond(), clock(p.elapsed())));
        out.printf(
                "trained %d steps in %s: loss %.3f -> %.3f nats/char, %,.0f chars/s%n",
                result.steps(),
                clock(result.elapsed()),
                result.firstLoss(),
                result.lastLoss(),
                result.charactersPerSecond());
        if (heldOut.length > seqLength) {
            int length = Math.min(seqLength, heldOut.length - 1);
            CharBatches validation = new CharBatches(heldOut, vocabulary.size(), length, batch, new Random(seed + 1));
            out.printf(
                    "held-out loss (last 10%% of the text): %.3f nats/char%n",
                    CharRnnTrainer.evaluate(net, validation, 4));
        }

        String prime = vocabulary.contains('\n') ? "\n" : vocabulary.character(0);
        String sample = CharRnnSampler.sample(net, vocabulary, prime, sampleLength, sampler, new Random(seed + 2));
        out.printf("---- sample (%s) ----%n%s%n---------------------------------%n", sampler, sample.strip());

        try {
            Path model = save(net, vocabulary, dir);
            out.println("saved model: " + model.toAbsolutePath() + " (vocabulary: "
                    + dir.resolve(VOCABULARY_FILE).toAbsolutePath() + ")");
        } catch (IOException e) {
            throw new UsageException("cannot save the model in " + dir.toAbsolutePath() + ": " + e.getMessage());
        }
        return 0;
    }

    /** The model file in a model directory. */
    public static final String MODEL_FILE = "model.zip";
    /** The vocabulary file in a model directory. */
    public static final String VOCABULARY_FILE = "vocabulary.txt";

    /**
     * Saves a char-RNN (with its updater state, so training can resume) and its vocabulary into
     * {@code dir}, each file atomically.
     *
     * @return the model file
     */
    public static Path save(MultiLayerNetwork net, CharacterVocabulary vocabulary, Path dir) throws IOException {
        Path model = dir.resolve(MODEL_FILE);
        AtomicFile.write(model, tmp -> ModelSerializer.writeModel(net, tmp.toFile(), true));
        vocabulary.save(dir.resolve(VOCABULARY_FILE));
        return model;
    }

    /** Steps in the last truncated-BPTT segment of a window: what the training score covers. */
    static int lastSegment(int length, int tbptt) {
        int rest = length % tbptt;
        return rest == 0 ? Math.min(length, tbptt) : rest;
    }

    private static TextCorpus embedded() throws UsageException {
        try {
            return TextCorpus.embedded();
        } catch (IOException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static String formatMinutes(double minutes) {
        return minutes == Math.rint(minutes) ? (long) minutes + " min" : String.format("%.2f min", minutes);
    }

    private static String clock(Duration d) {
        long s = d.toSeconds();
        return String.format("%d:%02d", s / 60, s % 60);
    }
}
