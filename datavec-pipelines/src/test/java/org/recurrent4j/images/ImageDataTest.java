package org.recurrent4j.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.recurrent4j.seq2seq.HeldOutSplit;

/** The image tasks and readers: what they generate and read is what their documentation says. */
class ImageDataTest {

    @TempDir
    Path dir;

    @Test
    void matchingRowEndsLabelsAreTheRuleAndBalanced() {
        HeldOutSplit split = HeldOutSplit.of(0.2);
        MatchingRowEnds task = new MatchingRowEnds(5, 12, 0.3, split, HeldOutSplit.Part.TRAINING, 400, 1, 3);
        DataSet batch = task.next();
        assertArrayEquals(new long[] {400, 1, 5, 12}, batch.getFeatures().shape());
        int positives = 0;
        for (int n = 0; n < 400; n++) {
            INDArray image = batch.getFeatures().slice(n);
            boolean match = batch.getLabels().getDouble(n, 1) == 1.0;
            assertEquals(match, MatchingRowEnds.allEndsMatch(image));
            positives += match ? 1 : 0;
            // Equal counts of +1 ends on the left and on the right, in both classes.
            assertEquals(
                    image.slice(0).getColumn(0).sumNumber().doubleValue(),
                    image.slice(0).getColumn(11).sumNumber().doubleValue(),
                    1e-9);
        }
        assertTrue(positives > 160 && positives < 240, "positives " + positives);
        task.reset();
        assertEquals(batch.getFeatures(), task.next().getFeatures());
    }

    @Test
    void matchingRowEndsHeldOutEndsNeverAppearInTraining() {
        HeldOutSplit split = HeldOutSplit.of(0.3);
        Set<String> train = ends(new MatchingRowEnds(3, 6, 0.2, split, HeldOutSplit.Part.TRAINING, 500, 1, 1));
        Set<String> heldOut = ends(new MatchingRowEnds(3, 6, 0.2, split, HeldOutSplit.Part.HELD_OUT, 500, 1, 2));
        assertFalse(heldOut.isEmpty());
        for (String e : heldOut) {
            assertFalse(train.contains(e), e);
        }
    }

    private static Set<String> ends(MatchingRowEnds task) {
        Set<String> out = new HashSet<>();
        INDArray x = task.next().getFeatures();
        for (int n = 0; n < x.size(0); n++) {
            StringBuilder b = new StringBuilder();
            for (int r = 0; r < x.size(2); r++) {
                b.append((int) x.getDouble(n, 0, r, 0))
                        .append(',')
                        .append((int) x.getDouble(n, 0, r, x.size(3) - 1))
                        .append(';');
            }
            out.add(b.toString());
        }
        return out;
    }

    @Test
    void scenesHaveOneCaptionEachAndTheHeldOutOnesAreNeverTrainedOn() {
        ShapeScenes scenes = new ShapeScenes(HeldOutSplit.of(0.2));
        List<ShapeScenes.Scene> all = ShapeScenes.all();
        assertEquals(288, all.size());
        assertEquals(
                288, all.stream().map(ShapeScenes.Scene::caption).distinct().count());
        List<ShapeScenes.Scene> heldOut = scenes.scenes(HeldOutSplit.Part.HELD_OUT);
        assertTrue(heldOut.size() > 30 && heldOut.size() < 90, "held out " + heldOut.size());
        Random random = new Random(4);
        for (int i = 0; i < 500; i++) {
            assertFalse(heldOut.contains(scenes.draw(HeldOutSplit.Part.TRAINING, random)));
        }
        ShapeScenes.Scene scene = new ShapeScenes.Scene(
                ShapeScenes.Colour.RED,
                ShapeScenes.Shape.CIRCLE,
                ShapeScenes.Relation.ABOVE,
                ShapeScenes.Colour.BLUE,
                ShapeScenes.Shape.SQUARE);
        assertEquals("a red circle above a blue square", scene.caption());
        assertEquals(scene.caption(), ShapeScenes.decode(ShapeScenes.encode(scene.caption())));
        IllegalArgumentException word =
                assertThrows(IllegalArgumentException.class, () -> ShapeScenes.encode("a purple circle"));
        assertTrue(word.getMessage().contains("purple"), word.getMessage());
    }

    @Test
    void aSceneIsDrawnWhereItsCaptionSays() throws IOException {
        ShapeScenes scenes = new ShapeScenes(HeldOutSplit.of(0.2));
        ShapeScenes.Scene scene = new ShapeScenes.Scene(
                ShapeScenes.Colour.RED,
                ShapeScenes.Shape.SQUARE,
                ShapeScenes.Relation.ABOVE,
                ShapeScenes.Colour.YELLOW,
                ShapeScenes.Shape.TRIANGLE);
        INDArray image = scenes.render(scene, new Random(9));
        // Red square (25 pixels) in the top half, yellow triangle in the bottom half, nothing else.
        double redTop = 0;
        double yellowBottom = 0;
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                boolean red = image.getDouble(0, y, x) == 1 && image.getDouble(1, y, x) == 0;
                boolean yellow = image.getDouble(0, y, x) == 1 && image.getDouble(1, y, x) == 1;
                assertFalse(red && y >= 8 || yellow && y < 8, "pixel " + y + "," + x);
                redTop += red ? 1 : 0;
                yellowBottom += yellow ? 1 : 0;
            }
        }
        assertEquals(25, redTop);
        assertTrue(yellowBottom >= 9 && yellowBottom < 25, "triangle pixels " + yellowBottom);
        Path png = dir.resolve("scene.png");
        ShapeScenes.writePng(image, 4, png);
        BufferedImage read = ImageIO.read(png.toFile());
        assertEquals(64, read.getWidth());
        MultiDataSet batch = SceneCaptions.batch(scenes, List.of(scene), new Random(9));
        assertArrayEquals(new long[] {1, 3, 16, 16}, batch.getFeatures(0).shape());
        // "a red square above a yellow triangle" + END: 8 steps; START first in the decoder input.
        assertArrayEquals(
                new long[] {1, ShapeScenes.vocabulary().size(), 8},
                batch.getLabels(0).shape());
        assertEquals(1.0, batch.getFeatures(1).getDouble(0, ShapeScenes.START, 0));
        assertEquals(1.0, batch.getLabels(0).getDouble(0, ShapeScenes.END, 7));
    }

    /**
     * Every drawing shows its relation and no other: the shapes' boxes are at least a box apart
     * along the relation's axis and at most {@code MAX_SHIFT} pixels across it. (Drawn with each
     * shape anywhere in its half, a fifth of the drawings could pass for the other relation.)
     */
    @Test
    void everyDrawingShowsItsRelationAndNoOther() {
        ShapeScenes scenes = new ShapeScenes(HeldOutSplit.of(0.2));
        Random random = new Random(12);
        for (int i = 0; i < 400; i++) {
            ShapeScenes.Scene scene =
                    ShapeScenes.all().get(random.nextInt(ShapeScenes.all().size()));
            if (scene.colour1() == scene.colour2()) {
                continue;
            }
            INDArray image = scenes.render(scene, random);
            int[] box1 = box(image, scene.colour1().rgb());
            int[] box2 = box(image, scene.colour2().rgb());
            int along = scene.relation() == ShapeScenes.Relation.ABOVE ? 0 : 1;
            int across = 1 - along;
            assertTrue(
                    box2[along] - box1[along] >= ShapeScenes.SHAPE,
                    scene + " drawn at " + Arrays.toString(box1) + " and " + Arrays.toString(box2));
            assertTrue(
                    Math.abs(box2[across] - box1[across]) <= ShapeScenes.MAX_SHIFT + ShapeScenes.SHAPE / 2,
                    scene + " drawn at " + Arrays.toString(box1) + " and " + Arrays.toString(box2));
        }
    }

    /** The top row and left column of the pixels of one colour. */
    private static int[] box(INDArray image, float[] rgb) {
        int top = Integer.MAX_VALUE;
        int left = Integer.MAX_VALUE;
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                if (image.getFloat(0, y, x) == rgb[0]
                        && image.getFloat(1, y, x) == rgb[1]
                        && image.getFloat(2, y, x) == rgb[2]) {
                    top = Math.min(top, y);
                    left = Math.min(left, x);
                }
            }
        }
        return new int[] {top, left};
    }

    @Test
    void aFolderPerLabelIsReadInNameOrder() throws IOException {
        writeGrey(dir.resolve("digits/one/b.png"), 200);
        writeGrey(dir.resolve("digits/one/a.png"), 100);
        writeGrey(dir.resolve("digits/zero/c.png"), 0);
        LabelledImages images = new ImageFolder(ImageFolder.Channels.GREY).read(dir.resolve("digits"));
        assertEquals(List.of("one", "zero"), images.classes());
        assertArrayEquals(new int[] {0, 0, 1}, images.labels());
        assertArrayEquals(new long[] {3, 1, 3, 2}, images.images().shape());
        assertEquals(100 / 255f, images.images().getFloat(0, 0, 1, 1), 1e-6);
        assertEquals(200 / 255f, images.images().getFloat(1, 0, 2, 0), 1e-6);
        assertEquals(3, images.iterator(2, 1).next().getFeatures().size(0) + 1);

        Files.writeString(dir.resolve("digits/zero/notes.txt"), "not an image");
        IOException notImage = assertThrows(
                IOException.class, () -> new ImageFolder(ImageFolder.Channels.RGB).read(dir.resolve("digits")));
        assertTrue(notImage.getMessage().contains("notes.txt"), notImage.getMessage());
        Files.delete(dir.resolve("digits/zero/notes.txt"));
        BufferedImage big = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY);
        ImageIO.write(big, "png", dir.resolve("digits/zero/d.png").toFile());
        IOException size = assertThrows(
                IOException.class, () -> new ImageFolder(ImageFolder.Channels.GREY).read(dir.resolve("digits")));
        assertTrue(size.getMessage().contains("4×4") && size.getMessage().contains("3×2"), size.getMessage());
    }

    private static void writeGrey(Path file, int value) throws IOException {
        Files.createDirectories(file.getParent());
        BufferedImage image = new BufferedImage(2, 3, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 2; x++) {
                image.getRaster().setSample(x, y, 0, value);
            }
        }
        ImageIO.write(image, "png", file.toFile());
    }
}
