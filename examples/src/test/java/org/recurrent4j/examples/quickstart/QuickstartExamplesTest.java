package org.recurrent4j.examples.quickstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each quickstart example runs end to end with a tiny budget on data made here, without network. */
class QuickstartExamplesTest {

    @FunctionalInterface
    private interface Example {
        double run() throws Exception;
    }

    private record Run(double result, String output) {}

    /** Runs an example, capturing what it prints. */
    private static Run capture(Example example) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            double result = example.run();
            return new Run(result, bytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(original);
            original.print(bytes.toString(StandardCharsets.UTF_8));
        }
    }

    /**
     * Char-RNN on a generated text of words of 12 letters: the validation loss is below the text's
     * unigram entropy, which no model that ignores the characters before can reach.
     */
    @Test
    void charRnnLearnsBelowUniform(@TempDir Path dir) throws Exception {
        Random random = new Random(1);
        StringBuilder text = new StringBuilder();
        String[] words = {"abc", "bead", "cafe", "deaf", "fig", "hij", "kl"};
        while (text.length() < 20_000) {
            text.append(words[random.nextInt(words.length)]).append(random.nextInt(8) == 0 ? '\n' : ' ');
        }
        Path file = dir.resolve("text.txt");
        Files.writeString(file, text);
        Run run = capture(() -> CharRnnExample.run(
                file.toString(), "--steps", "60", "--hidden", "32", "--length", "40", "--sample", "50"));
        double unigram = unigramEntropy(text.toString());
        assertTrue(run.result() < unigram - 0.2, "validation loss " + run.result() + " vs unigram entropy " + unigram);
        assertTrue(run.output().contains("--- sample"), run.output());
    }

    /**
     * Sentiment on a generated SST-2-style file whose label is told by one of 8 words: the held-out
     * accuracy is far above chance (1/2).
     */
    @Test
    void sentimentReportsHeldOutAccuracy(@TempDir Path dir) throws Exception {
        Random random = new Random(2);
        String[] good = {"great", "fine", "lovely", "superb"};
        String[] bad = {"awful", "dull", "boring", "poor"};
        String[] filler = {"the", "film", "was", "a", "story", "really", "quite"};
        StringBuilder tsv = new StringBuilder("sentence\tlabel\n");
        for (int i = 0; i < 400; i++) {
            int label = random.nextInt(2);
            StringBuilder sentence = new StringBuilder();
            for (int w = 0; w < 3 + random.nextInt(5); w++) {
                sentence.append(filler[random.nextInt(filler.length)]).append(' ');
            }
            sentence.append((label == 1 ? good : bad)[random.nextInt(4)]).append(" .");
            tsv.append(sentence).append('\t').append(label).append('\n');
        }
        Path file = dir.resolve("labelled.tsv");
        Files.writeString(file, tsv);
        Run run = capture(() -> SentimentExample.run(file.toString(), "--epochs", "3", "--hidden", "16"));
        assertTrue(run.result() > 0.85, "accuracy " + run.result() + " (chance 0.5)");
        assertEquals(run.result(), lastNumber(run.output(), "held-out accuracy (\\S+)"), 1e-3);
        assertTrue(run.output().contains("360 training and 40 held-out examples"), run.output());
    }

    /** Control charts from the generator: after a few epochs the test accuracy is far above chance (1/6). */
    @Test
    void timeSeriesClassifiesControlCharts() throws Exception {
        Run run = capture(() -> TimeSeriesExample.run("--epochs", "10", "--hidden", "12", "--train-series", "300"));
        assertTrue(run.result() > 0.7, "accuracy " + run.result() + " (chance 1/6)");
        assertEquals(run.result(), lastNumber(run.output(), "test accuracy (\\S+)"), 1e-3);
    }

    /**
     * One-digit addition (sums never trained on held out): the greedy exact match is far above what
     * guessing reaches (about 1/19 for the right sum's digits), and the answers are written only in digits.
     */
    @Test
    void seq2SeqLearnsToAdd() throws Exception {
        Run run = capture(() -> Seq2SeqExample.run(
                "--digits", "1", "--steps", "250", "--batch", "32", "--hidden", "32", "--test", "10"));
        assertTrue(run.result() > 0.6, "held-out exact match " + run.result());
        Matcher answers = Pattern.compile("\\(model: (.*)\\)").matcher(run.output());
        int count = 0;
        while (answers.find()) {
            assertTrue(answers.group(1).matches("[0-9]*"), "not a number: '" + answers.group(1) + "'");
            count++;
        }
        assertEquals(5, count, run.output());
    }

    /** Entropy in nats of the text's character frequencies: the best a memoryless model can do. */
    private static double unigramEntropy(String text) {
        Map<Integer, Integer> counts = new HashMap<>();
        text.codePoints().forEach(c -> counts.merge(c, 1, Integer::sum));
        double n = text.codePointCount(0, text.length());
        return -counts.values().stream()
                .mapToDouble(c -> c / n * Math.log(c / n))
                .sum();
    }

    /** The number captured by the last match of {@code regex} in {@code text}. */
    private static double lastNumber(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        String last = null;
        while (m.find()) {
            last = m.group(1);
        }
        assertTrue(last != null, "no match of " + regex + " in:\n" + text);
        return Double.parseDouble(last.replaceAll("[^0-9.]", ""));
    }
}
