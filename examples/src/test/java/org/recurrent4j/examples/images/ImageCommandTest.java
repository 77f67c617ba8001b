package org.recurrent4j.examples.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recurrent4j.examples.Recurrent4jCli;
import org.recurrent4j.examples.diagnostics.CurvesChart;
import org.recurrent4j.training.LearningCurves;

/**
 * {@code image train} and {@code image predict} from the command line, on folders of generated
 * PNGs: 8×8 grey images of a horizontal, a vertical or a diagonal bar at a random place over noise.
 * The command learns them (far above what the untrained network reaches), saves a model that {@code
 * image predict} reads to label files, and reports every mistake in its input as one line with exit
 * code 2.
 */
class ImageCommandTest {

    /** The three bar directions, as label folders. */
    static final List<String> CLASSES = List.of("diagonal", "horizontal", "vertical");

    static final int SIZE = 8;

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Recurrent4jCli.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void assertOneLineError(Run r, String... mustContain) {
        assertEquals(2, r.code(), r.out() + r.err());
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.size(), "one line, no stack trace: " + r.err());
        assertTrue(lines.get(0).startsWith("recurrent4j: error: "), r.err());
        for (String s : mustContain) {
            assertTrue(lines.get(0).contains(s), "error should mention " + s + ": " + r.err());
        }
    }

    /** The number after {@code label} in the output line that starts with {@code start}. */
    private static double number(Run r, String start, String label) {
        String line = r.out()
                .lines()
                .filter(l -> l.startsWith(start))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no line starting with " + start + ": " + r.out()));
        Matcher m = Pattern.compile(Pattern.quote(label) + " ([0-9.]+)").matcher(line);
        assertTrue(m.find(), label + " in " + line);
        return Double.parseDouble(m.group(1));
    }

    /**
     * A {@code size}×{@code size} grey image of one bar (value 230 to 255) at a random row, column
     * or diagonal offset over noise (0 to 60).
     */
    static BufferedImage bar(String direction, int size, Random random) {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                image.getRaster().setSample(x, y, 0, random.nextInt(61));
            }
        }
        int at = random.nextInt(size);
        for (int i = 0; i < size; i++) {
            int x =
                    switch (direction) {
                        case "horizontal" -> i;
                        case "vertical" -> at;
                        default -> (i + at) % size;
                    };
            int y = direction.equals("horizontal") ? at : i;
            image.getRaster().setSample(x, y, 0, 230 + random.nextInt(26));
        }
        return image;
    }

    /** {@code perClass} images of each of {@link #CLASSES} in {@code root/<class>/<n>.png}. */
    static Path bars(Path root, int perClass, long seed) throws IOException {
        Random random = new Random(seed);
        for (String label : CLASSES) {
            Path dir = Files.createDirectories(root.resolve(label));
            for (int n = 0; n < perClass; n++) {
                ImageIO.write(
                        bar(label, SIZE, random), "png", dir.resolve(n + ".png").toFile());
            }
        }
        return root;
    }

    @Test
    void trainLearnsTheBarsAndPredictLabelsFilesWithTheSavedModel(@TempDir Path dir) throws Exception {
        Path train = bars(dir.resolve("train"), 30, 1);
        Path test = bars(dir.resolve("test"), 20, 2);
        Path out = dir.resolve("model");
        Run r = run(
                "image",
                "train",
                "--images",
                train.toString(),
                "--test-images",
                test.toString(),
                "--hidden",
                "8",
                "--batch",
                "16",
                "--lr",
                "0.01",
                "--epochs",
                "6",
                "--report-every",
                "3",
                "--seed",
                "3",
                "--quiet",
                "--out",
                out.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("90 training and 60 test images of 8×8 (grey), 3 classes"), r.out());
        double untrained = number(r, "untrained:", "test accuracy");
        double trained = number(r, "trained 6 epochs", "test accuracy");
        // Chance is 1/3; the bound is one an untrained network does not reach.
        assertTrue(untrained < 0.6, "untrained accuracy " + untrained + ": " + r.out());
        assertTrue(trained >= 0.9, "trained accuracy " + trained + ": " + r.out());
        assertTrue(r.out().contains("epoch   3") && r.out().contains("epoch   6"), r.out());
        assertTrue(r.out().contains("Predicted:"), "DL4J's confusion matrix: " + r.out());

        LearningCurves curves = LearningCurves.read(out.resolve(CurvesChart.CSV));
        assertEquals(List.of("test_loss", "test_accuracy"), curves.metrics());
        assertEquals(
                1 + 6,
                Arrays.stream(curves.column("test_accuracy"))
                        .filter(Double::isFinite)
                        .count(),
                "the untrained network and each epoch measured: " + curves.csv());
        assertTrue(Files.size(out.resolve(CurvesChart.PNG)) > 0);
        ImageModel saved = ImageModel.load(out);
        assertEquals(CLASSES, saved.classes());
        assertEquals(SIZE, saved.height());
        assertEquals(SIZE, saved.width());

        // New images, one of each direction, labelled by the saved model.
        Random random = new Random(4);
        Path[] files = new Path[CLASSES.size()];
        for (int k = 0; k < files.length; k++) {
            files[k] = dir.resolve("new-" + k + ".png");
            ImageIO.write(bar(CLASSES.get(k), SIZE, random), "png", files[k].toFile());
        }
        Run predicted = run(
                "image",
                "predict",
                "--model",
                out.toString(),
                files[0].toString(),
                files[1].toString(),
                files[2].toString());
        assertEquals(0, predicted.code(), predicted.out() + predicted.err());
        List<String> lines = predicted.out().lines().toList();
        assertEquals(files.length, lines.size(), predicted.out());
        for (int k = 0; k < files.length; k++) {
            String[] fields = lines.get(k).split("\t");
            assertEquals(3, fields.length, lines.get(k));
            assertEquals(CLASSES.get(k), fields[0], predicted.out());
            double p = Double.parseDouble(fields[1]);
            assertTrue(p > 1.0 / CLASSES.size() && p <= 1, lines.get(k));
            assertEquals(files[k].toString(), fields[2]);
        }

        Path big = dir.resolve("big.png");
        ImageIO.write(bar("vertical", 2 * SIZE, random), "png", big.toFile());
        assertOneLineError(
                run("image", "predict", "--model", out.toString(), big.toString()),
                big.toString(),
                "[1, 16, 16]",
                "trained on [1, 8, 8]");
        Path missing = dir.resolve("no-such.png");
        assertOneLineError(run("image", "predict", "--model", out.toString(), missing.toString()), missing.toString());
        assertOneLineError(
                run("image", "predict", "--model", dir.resolve("nothing").toString(), files[0].toString()), "--model");
    }

    /**
     * MNIST's four IDX files in {@code dir}, holding {@code train} and {@code test} bars of each
     * class (labels 0, 1, 2 for {@link #CLASSES}); the test images gzipped, as MNIST ships them.
     */
    static Path idx(Path dir, int train, int test) throws IOException {
        Files.createDirectories(dir);
        Random random = new Random(7);
        for (int part = 0; part < 2; part++) {
            int perClass = part == 0 ? train : test;
            int n = perClass * CLASSES.size();
            ByteArrayOutputStream images = new ByteArrayOutputStream();
            DataOutputStream imageData = new DataOutputStream(images);
            imageData.writeInt(0x0803);
            imageData.writeInt(n);
            imageData.writeInt(SIZE);
            imageData.writeInt(SIZE);
            ByteArrayOutputStream labels = new ByteArrayOutputStream();
            DataOutputStream labelData = new DataOutputStream(labels);
            labelData.writeInt(0x0801);
            labelData.writeInt(n);
            for (int i = 0; i < n; i++) {
                int label = i % CLASSES.size();
                BufferedImage bar = bar(CLASSES.get(label), SIZE, random);
                for (int y = 0; y < SIZE; y++) {
                    for (int x = 0; x < SIZE; x++) {
                        imageData.writeByte(bar.getRaster().getSample(x, y, 0));
                    }
                }
                labelData.writeByte(label);
            }
            String imagesName = ImageData.IDX_NAMES.get(2 * part);
            String labelsName = ImageData.IDX_NAMES.get(2 * part + 1);
            if (part == 0) {
                Files.write(dir.resolve(imagesName), images.toByteArray());
                Files.write(dir.resolve(labelsName), labels.toByteArray());
            } else {
                gzip(dir.resolve(imagesName + ".gz"), images.toByteArray());
                gzip(dir.resolve(labelsName + ".gz"), labels.toByteArray());
            }
        }
        return dir;
    }

    private static void gzip(Path file, byte[] bytes) throws IOException {
        try (GZIPOutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(bytes);
        }
    }

    @Test
    void trainReadsMnistsIdxFiles(@TempDir Path dir) throws Exception {
        Path files = idx(dir.resolve("idx"), 10, 5);
        Path out = dir.resolve("model");
        Run r = run(
                "image",
                "train",
                "--idx",
                files.toString(),
                "--test-limit",
                "9",
                "--hidden",
                "4",
                "--epochs",
                "1",
                "--quiet",
                "--out",
                out.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("30 training and 9 test images of 8×8 (grey), 3 classes [0, 1, 2]"), r.out());
        assertEquals(List.of("0", "1", "2"), ImageModel.load(out).classes());

        Files.delete(files.resolve(ImageData.IDX_NAMES.get(1)));
        assertOneLineError(
                run(
                        "image",
                        "train",
                        "--idx",
                        files.toString(),
                        "--out",
                        dir.resolve("other").toString()),
                "--idx",
                "no " + ImageData.IDX_NAMES.get(1));
    }

    @Test
    void badInputIsOneLineWithExitCodeTwo(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        Path missing = dir.resolve("no-such-folder");
        assertOneLineError(
                run("image", "train", "--images", missing.toString(), "--out", out.toString()),
                "--images",
                missing.toAbsolutePath().toString());
        assertOneLineError(run("image", "train", "--out", out.toString()), "no images", "--images DIR");
        assertOneLineError(
                run("image", "train", "--dataset", "cifar", "--out", out.toString()),
                "unknown data set \"cifar\"",
                "--images DIR");
        assertOneLineError(
                run("image", "train", "--images", dir.toString(), "--idx", dir.toString(), "--out", out.toString()),
                "give one of");
        assertOneLineError(
                run(
                        "image",
                        "train",
                        "--images",
                        dir.toString(),
                        "--test-images",
                        dir.toString(),
                        "--test-share",
                        "0.3",
                        "--out",
                        out.toString()),
                "--test-share",
                "--test-images");

        Path mixed = bars(dir.resolve("mixed"), 3, 1);
        Path odd = mixed.resolve("vertical").resolve("odd.png");
        ImageIO.write(bar("vertical", 6, new Random(1)), "png", odd.toFile());
        assertOneLineError(
                run("image", "train", "--images", mixed.toString(), "--out", out.toString()),
                odd.toString(),
                "6×6",
                "8×8",
                "one size");

        Path bars = bars(dir.resolve("bars"), 3, 1);
        assertOneLineError(
                run("image", "train", "--images", bars.toString(), "--patch", "3", "--out", out.toString()),
                "--patch 3 does not divide",
                "8×8");
        Path one = Files.createDirectories(dir.resolve("one"));
        Files.move(bars.resolve("vertical"), one.resolve("vertical"));
        assertOneLineError(
                run("image", "train", "--images", one.toString(), "--out", out.toString()), "one class only");
        assertOneLineError(run("image"), "missing subcommand", "train, predict, caption or describe");
        assertFalse(Files.exists(out), "a refused run writes nothing");
    }
}
