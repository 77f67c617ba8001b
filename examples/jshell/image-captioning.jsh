// image-captioning.jsh: image captioning (1→N). A 2-D recurrent encoder reads a scene of two
// coloured shapes; its features start a GRU decoder, which writes the caption word by word.
// Scenes held out from training are combinations the captioner never saw.
//
//   ./recurrent4j jshell image-captioning
//   RECURRENT4J_MODEL=runs/caption ./recurrent4j jshell image-captioning
//
// Parameters (environment variables):
//   RECURRENT4J_MODEL   a model directory as `recurrent4j image caption` writes it (model.zip);
//                       without it, the notebook trains a captioner for 400 steps (about a minute)
//   RECURRENT4J_OUT     where the scenes are written as PNGs (otherwise a temporary folder)
//
// The last cells check the results and throw if any is wrong.

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.recurrent4j.conf.CellTypes;
import org.recurrent4j.examples.images.ShapeCaptioning;
import org.recurrent4j.images.SceneCaptions;
import org.recurrent4j.images.ShapeScenes;
import org.recurrent4j.io.ModelFile;
import org.recurrent4j.seq2seq.HeldOutSplit;

// A failed check stops the notebook: the runner reports the exception and exits with status 1.
void check(boolean ok, String what) {
    if (!ok) {
        throw new AssertionError("CHECK FAILED: " + what);
    }
    System.out.println("ok: " + what);
}

// ---------------------------------------------------------------------------------------------
// 1. The scenes
//
// Two shapes (circle, square, triangle) in four colours, one above the other or side by side: 288
// scenes, each with one caption, "a <colour> <shape> above|left of a <colour> <shape>", the upper
// or left shape first. A fifth of the scenes is held out: the captioner never sees that exact
// combination, though it sees every word. Each drawing puts the shapes at random offsets.

ShapeScenes scenes = new ShapeScenes(HeldOutSplit.of(0.2));
System.out.println(scenes.scenes(HeldOutSplit.Part.TRAINING).size() + " training scenes, "
        + scenes.scenes(HeldOutSplit.Part.HELD_OUT).size() + " held out");

// ---------------------------------------------------------------------------------------------
// 2. The captioner
//
//   image [B, 3, 16, 16] → ReNet GRU sweeps over 2×2 patches [B, 48, 8, 8] → dense(128) = f
//   decoder GRU: h_0 = tanh(W f + b), input at step t = [one-hot(previous word); f] → softmax
//
// Trained by teacher forcing: the decoder reads the true previous word and learns the next.

String saved = System.getenv("RECURRENT4J_MODEL");
ComputationGraph net;
if (saved != null) {
    net = ModelFile.loadComputationGraph(Path.of(saved).resolve("model.zip"), false);
    System.out.println("loaded " + saved);
} else {
    net = new ComputationGraph(ShapeCaptioning.captioner(CellTypes.GRU, 24, 2, 128, 96, 3e-3, 7));
    net.init();
    long start = System.nanoTime();
    net.fit(new SceneCaptions(scenes, HeldOutSplit.Part.TRAINING, 32, 400, 1));
    System.out.printf("trained 400 steps of 32 scenes in %.0f s%n", (System.nanoTime() - start) / 1e9);
}
System.out.println(net.numParams() + " parameters");

// ---------------------------------------------------------------------------------------------
// 3. Held-out scenes, their PNGs and captions
//
// Decoding runs the encoder once per image, then steps the decoder one word at a time from
// <start> until <end>: greedily (the likeliest word each time) or by beam search (the 3 likeliest
// prefixes kept).

Random random = new Random(11);
int shown = 4;
INDArray images = Nd4j.create(DataType.FLOAT, shown, 3, 16, 16);
List<ShapeScenes.Scene> drawn = new java.util.ArrayList<>();
for (int i = 0; i < shown; i++) {
    ShapeScenes.Scene s = scenes.draw(HeldOutSplit.Part.HELD_OUT, random);
    drawn.add(s);
    images.putSlice(i, scenes.render(s, random));
}
String outDir = System.getenv("RECURRENT4J_OUT");
Path folder = outDir != null ? Path.of(outDir) : Files.createTempDirectory("image-captioning");
List<String> greedy = ShapeCaptioning.captions(net, images, 1);
List<String> beam = ShapeCaptioning.captions(net, images, 3);
List<Path> pngs = new java.util.ArrayList<>();
for (int i = 0; i < shown; i++) {
    Path png = folder.resolve("scene-" + (i + 1) + ".png");
    ShapeScenes.writePng(images.slice(i), 8, png);
    pngs.add(png);
    System.out.println(png);
    System.out.println("    true:   " + drawn.get(i).caption());
    System.out.println("    greedy: " + greedy.get(i));
    System.out.println("    beam 3: " + beam.get(i));
}

// ---------------------------------------------------------------------------------------------
// 4. How often is a caption exactly right?
//
// 200 drawings of held-out scenes. A model that ignored the image could give one caption to all,
// right for one held-out scene in 54: under 2%.

int scored = 200;
INDArray test = Nd4j.create(DataType.FLOAT, scored, 3, 16, 16);
List<String> truth = new java.util.ArrayList<>();
for (int i = 0; i < scored; i++) {
    ShapeScenes.Scene s = scenes.draw(HeldOutSplit.Part.HELD_OUT, random);
    truth.add(s.caption());
    test.putSlice(i, scenes.render(s, random));
}
List<String> answers = ShapeCaptioning.captions(net, test, 3);
int right = 0;
for (int i = 0; i < scored; i++) {
    right += answers.get(i).equals(truth.get(i)) ? 1 : 0;
}
double exact = right / (double) scored;
System.out.printf("held-out exact match (beam 3): %.3f%n", exact);

// ---------------------------------------------------------------------------------------------
// Checks

check(pngs.stream().allMatch(p -> Files.isRegularFile(p)), "the scenes were written as PNGs");
check(ImageIO.read(pngs.get(0).toFile()).getWidth() == 128, "each PNG is 128×128 (every pixel as 8×8)");
check(greedy.stream().allMatch(c -> !c.isEmpty()), "every scene got a caption");
check(exact >= 0.10, "held-out captions exactly right far more often than a model that ignores the image (" + exact + ")");
