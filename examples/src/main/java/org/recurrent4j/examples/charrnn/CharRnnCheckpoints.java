package org.recurrent4j.examples.charrnn;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.recurrent4j.checkpoint.Checkpoint;
import org.recurrent4j.checkpoint.CheckpointException;
import org.recurrent4j.checkpoint.CheckpointStore;
import org.recurrent4j.conf.CellTypes;
import org.recurrent4j.examples.diagnostics.TrainingCurves;
import org.recurrent4j.examples.training.LearningRateDecay;
import org.recurrent4j.examples.training.RateSchedule;
import org.recurrent4j.text.CharacterVocabulary;

/**
 * What a char-RNN checkpoint holds besides the network and its optimizer state: the vocabulary,
 * the learning curves so far, the settings, the text it trains on (by source and SHA-256), the data
 * position (the steps done: each step draws one batch of random windows from a generator seeded
 * with {@code --seed}) and the training loss. With ND4J's random state, which every checkpoint
 * holds, that is everything a resumed run needs to continue bit for bit.
 */
final class CharRnnCheckpoints {

    static final String VOCABULARY = "vocabulary.txt";
    static final String CURVES = "curves.csv";

    private CharRnnCheckpoints() {}

    /** A run's state at a step, as saved. */
    record State(
            CharRnnModel.Settings settings,
            RateSchedule schedule,
            int seqLength,
            int batch,
            TextCorpus corpus,
            CharacterVocabulary vocabulary,
            TrainingCurves curves,
            CharRnnTrainer.Start start) {}

    static Path save(CheckpointStore store, MultiLayerNetwork net, State s) throws IOException {
        CharRnnModel.Settings settings = s.settings();
        Map<String, String> p = new TreeMap<>();
        p.put("cell", settings.cell().id());
        p.put("hidden", Integer.toString(settings.hidden()));
        p.put("layers", Integer.toString(settings.layers()));
        p.put("tbptt", Integer.toString(settings.tbptt()));
        p.put("learning.rate", Double.toString(settings.learningRate()));
        p.put("learning.rate.decay", s.schedule().decay().name());
        p.put("learning.rate.final", Double.toString(s.schedule().finalRate()));
        p.put("seed", Long.toString(settings.seed()));
        p.put("clip", Double.toString(settings.clip()));
        p.put("dropout", Double.toString(settings.dropout()));
        p.put("seq.length", Integer.toString(s.seqLength()));
        p.put("batch", Integer.toString(s.batch()));
        p.put("corpus.source", s.corpus().source());
        p.put("corpus.sha256", sha256(s.corpus().text()));
        p.put("loss.first", Double.toString(s.start().firstLoss()));
        p.put("loss.smoothed", Double.toString(s.start().smoothedLoss()));
        p.put("budget.used", Double.toString(s.start().budgetUsed()));
        byte[] vocabulary = s.vocabulary().fileText().getBytes(StandardCharsets.UTF_8);
        byte[] curves = s.curves().csv().getBytes(StandardCharsets.UTF_8);
        return store.save(
                s.start().step(),
                net,
                p,
                Map.of(
                        VOCABULARY, out -> out.write(vocabulary),
                        CURVES, out -> out.write(curves)));
    }

    /** The settings a checkpoint recorded. */
    static CharRnnModel.Settings settings(Checkpoint c) throws CheckpointException {
        try {
            return new CharRnnModel.Settings(
                    CellTypes.named(c.property("cell")),
                    Integer.parseInt(c.property("hidden")),
                    Integer.parseInt(c.property("layers")),
                    Integer.parseInt(c.property("tbptt")),
                    Double.parseDouble(c.property("learning.rate")),
                    Long.parseLong(c.property("seed")),
                    Double.parseDouble(c.property("clip")),
                    Double.parseDouble(c.property("dropout")));
        } catch (IllegalArgumentException e) {
            throw foreign(c, e);
        }
    }

    /** The learning-rate schedule a checkpoint recorded. */
    static RateSchedule schedule(Checkpoint c) throws CheckpointException {
        try {
            return new RateSchedule(
                    LearningRateDecay.valueOf(c.property("learning.rate.decay")),
                    Double.parseDouble(c.property("learning.rate.final")));
        } catch (IllegalArgumentException e) {
            throw foreign(c, e);
        }
    }

    static int intProperty(Checkpoint c, String name) throws CheckpointException {
        try {
            return Integer.parseInt(c.property(name));
        } catch (NumberFormatException e) {
            throw foreign(c, e);
        }
    }

    /** Where the run stood: its steps, training loss and share of its budget used. */
    static CharRnnTrainer.Start start(Checkpoint c) throws CheckpointException {
        try {
            return new CharRnnTrainer.Start(
                    Math.toIntExact(c.step()),
                    Double.parseDouble(c.property("loss.first")),
                    Double.parseDouble(c.property("loss.smoothed")),
                    Double.parseDouble(c.property("budget.used")));
        } catch (NumberFormatException | ArithmeticException e) {
            throw foreign(c, e);
        }
    }

    static CharacterVocabulary vocabulary(Checkpoint c) throws IOException {
        return CharacterVocabulary.load(c.file(VOCABULARY));
    }

    static TrainingCurves curves(Checkpoint c) throws IOException {
        Path file = c.file(CURVES);
        return TrainingCurves.parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /** Checks that {@code corpus} is the text the checkpoint was trained on. */
    static void checkCorpus(Checkpoint c, TextCorpus corpus) throws IOException {
        if (!sha256(corpus.text()).equals(c.property("corpus.sha256"))) {
            throw new CheckpointException("the text " + corpus.name() + " is not the one " + c.directory()
                    + " was trained on (" + c.property("corpus.source") + "; their SHA-256 differ): resume with the"
                    + " same --text or --dataset");
        }
    }

    private static CheckpointException foreign(Checkpoint c, Exception e) {
        return new CheckpointException(
                "checkpoint " + c.directory() + " is not a char-rnn checkpoint: " + e.getMessage(), e);
    }

    static String sha256(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
