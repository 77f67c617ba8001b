package org.recurrent4j.images;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import javax.imageio.ImageIO;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.recurrent4j.io.AtomicFile;
import org.recurrent4j.seq2seq.HeldOutSplit;

/**
 * Generated scenes for image captioning: two shapes of a few colours on a small canvas, one above
 * the other or side by side, each with its caption, such as "a red circle above a blue square".
 *
 * <p>A scene is {@code (colour₁, shape₁, relation, colour₂, shape₂)}: shape 1 is the upper one
 * ({@code above}) or the left one ({@code left of}), so each scene has exactly one caption:
 *
 * <pre>
 *   a &lt;colour₁&gt; &lt;shape₁&gt; above a &lt;colour₂&gt; &lt;shape₂&gt;
 *   a &lt;colour₁&gt; &lt;shape₁&gt; left of a &lt;colour₂&gt; &lt;shape₂&gt;
 * </pre>
 *
 * <p>Colours: red, green, blue, yellow; shapes: circle, square, triangle; 288 scenes in all. Each
 * shape fills a {@code 5×5} box placed at a random offset inside its half of a {@code 16×16}
 * canvas (RGB in [0, 1], black background), the two boxes at most {@value #MAX_SHIFT} pixels apart
 * across the relation's axis ({@link #render}), so the same scene is drawn many ways and no drawing
 * is ambiguous. The held-out
 * split is by scene ({@link HeldOutSplit} over the caption's tokens): a held-out scene's exact
 * combination of colours, shapes and relation never appears in training, though each word does.
 *
 * <p>Tokens ({@link #vocabulary()}): {@code <start>} (0), {@code <end>} (1), then the words. Batches
 * ({@link SceneCaptions}) hold the images {@code [B, 3, 16, 16]}, the decoder's inputs (START and
 * the caption, one-hot {@code [B, V, T]}) and the labels (the caption and END).
 *
 * <pre>{@code
 * ShapeScenes scenes = new ShapeScenes(HeldOutSplit.of(0.2));
 * ShapeScenes.Scene scene = scenes.draw(HeldOutSplit.Part.HELD_OUT, new Random(1));
 * scene.caption();                 // "a green triangle left of a red square"
 * INDArray image = scenes.render(scene, new Random(2));   // [3, 16, 16]
 * }</pre>
 */
public final class ShapeScenes {

    /** The canvas side in pixels. */
    public static final int SIZE = 16;
    /** The side of a shape's box in pixels. */
    public static final int SHAPE = 5;
    /** How far the two shapes may be apart across the relation's axis, in pixels. */
    public static final int MAX_SHIFT = 2;

    /** The colours, in token order. */
    public enum Colour {
        RED(1, 0, 0),
        GREEN(0, 1, 0),
        BLUE(0, 0, 1),
        YELLOW(1, 1, 0);

        private final float[] rgb;

        Colour(float r, float g, float b) {
            this.rgb = new float[] {r, g, b};
        }

        /** The colour's red, green and blue values. */
        public float[] rgb() {
            return rgb.clone();
        }

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The shapes, in token order. */
    public enum Shape {
        CIRCLE,
        SQUARE,
        TRIANGLE;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Whether pixel {@code (y, x)} of a {@code SHAPE×SHAPE} box is inside the shape. */
        boolean covers(int y, int x) {
            double c = (SHAPE - 1) / 2.0;
            return switch (this) {
                case CIRCLE -> (y - c) * (y - c) + (x - c) * (x - c) <= c * c + 0.5;
                case SQUARE -> true;
                    // Apex at the top, base along the bottom row.
                case TRIANGLE -> Math.abs(x - c) <= y / 2.0;
            };
        }
    }

    /** Where shape 1 is relative to shape 2. */
    public enum Relation {
        ABOVE("above"),
        LEFT_OF("left of");

        private final String words;

        Relation(String words) {
            this.words = words;
        }

        public String words() {
            return words;
        }
    }

    /** One scene: its two shapes and their relation. */
    public record Scene(Colour colour1, Shape shape1, Relation relation, Colour colour2, Shape shape2) {
        /** The caption, for example "a red circle above a blue square". */
        public String caption() {
            return "a " + colour1.word() + " " + shape1.word() + " " + relation.words() + " a " + colour2.word() + " "
                    + shape2.word();
        }
    }

    private static final List<String> WORDS = words();

    private final HeldOutSplit split;

    public ShapeScenes(HeldOutSplit split) {
        if (split == null) {
            throw new IllegalArgumentException("a held-out split must be given");
        }
        this.split = split;
    }

    private static List<String> words() {
        List<String> w = new ArrayList<>(List.of("<start>", "<end>", "a", "above", "left", "of"));
        for (Colour c : Colour.values()) {
            w.add(c.word());
        }
        for (Shape s : Shape.values()) {
            w.add(s.word());
        }
        return List.copyOf(w);
    }

    /** The tokens: {@code <start>}, {@code <end>}, then the words, in index order. */
    public static List<String> vocabulary() {
        return WORDS;
    }

    /** The index of {@code <start>}. */
    public static final int START = 0;
    /** The index of {@code <end>}. */
    public static final int END = 1;
    /** The longest caption in tokens ("a red circle left of a red circle"). */
    public static final int MAX_TOKENS = 8;

    /** The caption's token indices (without START and END). */
    public static int[] encode(String caption) {
        String[] words = caption.trim().split("\\s+");
        int[] tokens = new int[words.length];
        for (int i = 0; i < words.length; i++) {
            tokens[i] = WORDS.indexOf(words[i]);
            if (tokens[i] < 2) {
                throw new IllegalArgumentException(
                        "\"" + words[i] + "\" is not a caption word; the words are " + WORDS.subList(2, WORDS.size()));
            }
        }
        return tokens;
    }

    /** The words of token indices, space-separated (START and END are not words: they are refused). */
    public static String decode(int[] tokens) {
        StringBuilder b = new StringBuilder();
        for (int t : tokens) {
            if (t < 2 || t >= WORDS.size()) {
                throw new IllegalArgumentException(
                        "token " + t + " is not a word (the words are 2.." + (WORDS.size() - 1) + ")");
            }
            b.append(b.isEmpty() ? "" : " ").append(WORDS.get(t));
        }
        return b.toString();
    }

    /** Every scene, in a fixed order. */
    public static List<Scene> all() {
        List<Scene> scenes = new ArrayList<>();
        for (Relation r : Relation.values()) {
            for (Colour c1 : Colour.values()) {
                for (Shape s1 : Shape.values()) {
                    for (Colour c2 : Colour.values()) {
                        for (Shape s2 : Shape.values()) {
                            scenes.add(new Scene(c1, s1, r, c2, s2));
                        }
                    }
                }
            }
        }
        return scenes;
    }

    /** Whether the scene belongs to the part of this split. */
    public boolean contains(HeldOutSplit.Part part, Scene scene) {
        return split.contains(part, encode(scene.caption()));
    }

    /** The scenes of a part, in {@link #all()}'s order. */
    public List<Scene> scenes(HeldOutSplit.Part part) {
        return all().stream().filter(s -> contains(part, s)).toList();
    }

    /** A scene drawn uniformly from a part. */
    public Scene draw(HeldOutSplit.Part part, Random random) {
        List<Scene> pool = scenes(part);
        return pool.get(random.nextInt(pool.size()));
    }

    /**
     * The scene drawn as an image {@code [3, 16, 16]}: along the relation's axis (down for {@code
     * above}, right for {@code left of}) shape 1 at a random offset in the first half and shape 2 in
     * the second; across it, shape 1 anywhere and shape 2 at most {@link #MAX_SHIFT} pixels from it.
     * So the shapes are always at least {@code SHAPE} pixels apart along the axis and at most {@code
     * MAX_SHIFT} across it, and no drawing of an {@code above} scene could pass for a {@code left of}
     * one: the caption is a function of the image.
     */
    public INDArray render(Scene scene, Random random) {
        INDArray image = Nd4j.zeros(DataType.FLOAT, 3, SIZE, SIZE);
        int half = SIZE / 2;
        int slack = half - SHAPE;
        int lastOffset = SIZE - SHAPE;
        int across1 = random.nextInt(lastOffset + 1);
        int across2 = Math.max(0, Math.min(lastOffset, across1 + random.nextInt(2 * MAX_SHIFT + 1) - MAX_SHIFT));
        boolean vertical = scene.relation() == Relation.ABOVE;
        for (int which = 0; which < 2; which++) {
            int along = random.nextInt(slack + 1) + which * half;
            int across = which == 0 ? across1 : across2;
            int y = vertical ? along : across;
            int x = vertical ? across : along;
            Shape shape = which == 0 ? scene.shape1() : scene.shape2();
            float[] rgb = (which == 0 ? scene.colour1() : scene.colour2()).rgb();
            for (int dy = 0; dy < SHAPE; dy++) {
                for (int dx = 0; dx < SHAPE; dx++) {
                    if (shape.covers(dy, dx)) {
                        for (int c = 0; c < 3; c++) {
                            image.putScalar(c, y + dy, x + dx, rgb[c]);
                        }
                    }
                }
            }
        }
        return image;
    }

    /**
     * Writes an image {@code [3, H, W]} (values in [0, 1]) as a PNG, each pixel scaled up to a
     * {@code scale×scale} block so it can be seen; written atomically.
     */
    public static void writePng(INDArray image, int scale, Path file) throws IOException {
        if (image.rank() != 3 || image.size(0) != 3) {
            throw new IllegalArgumentException(
                    "expected an RGB image [3, H, W], got shape " + java.util.Arrays.toString(image.shape()));
        }
        if (scale < 1) {
            throw new IllegalArgumentException("scale must be at least 1, got " + scale);
        }
        int h = (int) image.size(1);
        int w = (int) image.size(2);
        BufferedImage png = new BufferedImage(w * scale, h * scale, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h * scale; y++) {
            for (int x = 0; x < w * scale; x++) {
                int rgb = 0;
                for (int c = 0; c < 3; c++) {
                    double v = Math.max(0, Math.min(1, image.getDouble(c, y / scale, x / scale)));
                    rgb = (rgb << 8) | (int) Math.round(255 * v);
                }
                png.setRGB(x, y, rgb);
            }
        }
        AtomicFile.writeStream(file, out -> {
            if (!ImageIO.write(png, "png", out)) {
                throw new IOException("no PNG writer in this Java runtime (javax.imageio)");
            }
        });
    }
}
